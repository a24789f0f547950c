// Precompiled for every target (see cmake/melrecon_module.cmake). Sources still include the
// headers they use, so the project also builds with -DMELRECON_PCH=OFF.
#pragma once
#include <ATen/ATen.h>

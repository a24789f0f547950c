// Owns the precompiled header that all other targets reuse.
#include "pch.h"

// Text for image labels (PNG previews): a 5×7 pixel font of digits, lower-case letters (upper
// case is drawn as lower case) and . - / : ( ) + = _ , and space; any other character is a box.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace melrecon::io {

// float32 [7·scale, 6·scale·length − scale]: 1 where the text has ink, else 0 (one blank column
// between characters).
at::Tensor render_text(const std::string& text, int64_t scale = 1);

}  // namespace melrecon::io

// Cyclic ("circular") padding along one dim, for series whose last slice neighbours the first: a
// cardiac cine covers one heartbeat. Unlike torch's circular pad it takes any width, wrapping as
// often as needed (a dilated kernel may reach further than the series is long), and it is one
// differentiable concatenation of views.
#pragma once

#include <ATen/core/Tensor.h>

namespace melrecon::nn {

// Pads `dim` of x by p slices on each side: padded index i reads x at (i − p) mod n.
at::Tensor cyclic_pad(const at::Tensor& x, int64_t dim, int64_t p);

}  // namespace melrecon::nn

#include "unrolled/unrolled_model.h"

#include "core/error.h"

namespace melrecon::unrolled {

Inversion UnrolledModel::invert_unroll(int64_t, const at::Tensor&, const Problem&,
                                       const InversionOptions&) {
  throw core::Error(std::string(arch()) + ": " + inversion_unavailable());
}

}  // namespace melrecon::unrolled

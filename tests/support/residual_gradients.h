// A denoiser's residual R_w(x) and the gradients of Re⟨R_w(x), probe⟩ with respect to x and
// every parameter: what tests compare between two ways of computing the same CNN.
#pragma once

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <vector>

#include "nn/denoiser.h"

namespace melrecon::test_support {

struct ResidualGradients {
  at::Tensor residual;
  std::vector<at::Tensor> grads;  // input, then every parameter
};

inline ResidualGradients residual_gradients(nn::Denoiser& d, const at::Tensor& x0,
                                            const at::Tensor& probe) {
  const at::Tensor x = x0.detach().requires_grad_(true);
  const at::Tensor r = d->residual(x);
  std::vector<at::Tensor> wrt{x};
  for (const auto& p : d->parameters()) wrt.push_back(p);
  return {r.detach(), torch::autograd::grad({at::real(r * probe.conj()).sum()}, wrt)};
}

}  // namespace melrecon::test_support

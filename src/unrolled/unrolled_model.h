// What the gradient strategies (mel/) know of an unrolled network, and all they know: a fixed
// number of unrolls x_{k+1} = f_k(x_k), each differentiable in x_k and in the parameters, from a
// starting point x_0; optionally, each unroll's inverse. MoDL (modl/) and the variational
// network (varnet/) implement it; a third architecture is one more implementation
// (docs/architecture.md, "Adding an architecture").
//
// What each strategy requires:
//   full            initial, unroll (under autograd)
//   mel             the same; `unroll` is called twice per unroll and step (once without a
//                   graph, once rebuilt with one), so it must be a deterministic function of
//                   its input within a step (no dropout, no data-dependent randomness)
//   mel-invertible  also invert_unroll, available when `inversion_unavailable()` is empty
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/arg.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "unrolled/problem.h"

namespace melrecon::unrolled {

struct InversionOptions {
  TORCH_ARG(double,
            tol) = 1e-12;  // fixed-point iterations stop at this relative change (or round-off)
  TORCH_ARG(int64_t, max_iters) = 500;
};

struct Inversion {
  at::Tensor input;        // the recovered x_k
  int64_t iterations = 0;  // fixed-point iterations spent
  // The model's own estimate of the inversion's error: the fixed-point iteration's last relative
  // change ‖z_j − z_{j−1}‖ / ‖z_j‖ (0 for an exact inverse). The strategy measures the drift
  // against its checkpoints as well.
  double residual = 0.0;
};

class UnrolledModel {
 public:
  virtual ~UnrolledModel() = default;

  // The network as a module: parameters, buffers, device moves, saving and loading.
  virtual torch::nn::Module& module() = 0;
  // "modl", "varnet": what a checkpoint records and the configuration's `model.arch`.
  virtual const char* arch() const = 0;
  virtual int64_t num_unrolls() const = 0;

  // x_0 (no parameters involved).
  virtual at::Tensor initial(const Problem& problem) = 0;
  // Unroll k (0-based): x_{k+1} from x_k. `known_output`: x_{k+1} as this model computed it in
  // this step, when kept; a model may use it to skip work whose result it already has (MoDL's
  // data-consistency solve), as long as the value and its gradients do not change.
  virtual at::Tensor unroll(int64_t k, const at::Tensor& x, const Problem& problem,
                            const at::Tensor& known_output = {}) = 0;
  // All unrolls from x_0 (plain autograd when grad mode is on).
  at::Tensor forward_all(const Problem& problem) {
    at::Tensor x = initial(problem);
    for (int64_t k = 0; k < num_unrolls(); ++k) x = unroll(k, x, problem);
    return x;
  }

  // Why unroll inversion is not available for this model ("" when it is).
  virtual std::string inversion_unavailable() const { return "this architecture has no inverse"; }
  // x_k from x_{k+1} (no graph), where inversion_unavailable() is empty.
  virtual Inversion invert_unroll(int64_t k, const at::Tensor& output, const Problem& problem,
                                  const InversionOptions& options);

  // Learned scalars worth logging each step (MoDL's λ, VarNet's mean step size).
  virtual std::vector<std::pair<std::string, double>> scalars() const { return {}; }

  // Refreshes per-step normalisations (Lipschitz bounds); once per training step, before the
  // forward pass, never between an unroll and its recomputation.
  virtual void update_normalisation() {}
};

}  // namespace melrecon::unrolled

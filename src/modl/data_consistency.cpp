#include "modl/data_consistency.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>
#include <torch/custom_class.h>

namespace melrecon::modl {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// What the backward needs besides tensors: the operator and the CG settings.
struct DcContext : torch::CustomClassHolder {
  DcContext(mri::SenseOp o, solvers::CgOptions c) : op(std::move(o)), cg(c) {}
  mri::SenseOp op;
  solvers::CgOptions cg;
};

at::Tensor solve(const mri::SenseOp& op, const at::Tensor& rhs, const at::Tensor& lambda,
                 const solvers::CgOptions& cg) {
  const auto normal = [&](const at::Tensor& x) { return op.normal(x) + lambda * x; };
  return solvers::conjugate_gradient(normal, rhs, cg).x;
}

// The solution when the caller has it (undefined: solve for it). Wrapped so that autograd does
// not take it for an input (LibTorch 1.13 also rejects undefined tensor inputs).
struct KnownSolution {
  at::Tensor x;
};

struct DcSolve : public torch::autograd::Function<DcSolve> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& rhs, const at::Tensor& lambda,
                            const mri::SenseOp& op, const solvers::CgOptions& cg,
                            const KnownSolution& known) {
    const at::Tensor lam = lambda.detach();
    at::Tensor x = known.x.defined() ? known.x.detach() : solve(op, rhs, lam, cg);
    ctx->save_for_backward({x, lam});
    ctx->saved_data["dc"] = c10::IValue::make_capsule(c10::make_intrusive<DcContext>(op, cg));
    return x;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor& lam = saved[1];
    const auto dc =
        c10::static_intrusive_pointer_cast<DcContext>(ctx->saved_data["dc"].toCapsule());
    const at::Tensor v = solve(dc->op, grad_outputs[0], lam, dc->cg);
    at::Tensor grad_lambda;
    if (ctx->needs_input_grad(1)) grad_lambda = -at::real((v.conj() * x).sum()).to(lam.dtype());
    return {v, grad_lambda, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor data_consistency(const mri::SenseOp& op, const at::Tensor& rhs, const at::Tensor& lambda,
                            const solvers::CgOptions& cg) {
  return DcSolve::apply(rhs, lambda, op, cg, KnownSolution{});
}

at::Tensor data_consistency_known(const mri::SenseOp& op, const at::Tensor& rhs,
                                  const at::Tensor& lambda, const solvers::CgOptions& cg,
                                  const at::Tensor& solution) {
  TORCH_CHECK(solution.defined() && solution.sizes() == rhs.sizes(),
              "data_consistency_known: the solution must have the right-hand side's shape");
  return DcSolve::apply(rhs, lambda, op, cg, KnownSolution{solution});
}

at::Tensor data_consistency_rhs(const mri::SenseOp& op, const at::Tensor& x,
                                const at::Tensor& lambda) {
  return op.normal(x) + lambda * x;
}

}  // namespace melrecon::modl

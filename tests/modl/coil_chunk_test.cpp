// Coil-chunked data consistency (ModlOptions::coil_chunk) is the same function with less memory:
// outputs and gradients equal the unchunked model's to round-off, and the peak of a data-
// consistency solve with its backward drops with the number of coil images held at once.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <iostream>

#include "core/memory_meter.h"
#include "modl/data_consistency.h"
#include "support/small_problem.h"

namespace melrecon::modl {
namespace {

struct Outputs {
  at::Tensor image;
  std::vector<at::Tensor> grads;
};

Outputs run(const test_support::SmallGeometry& g, const ModlProblem& problem, int64_t chunk) {
  Modl model =
      test_support::small_model(test_support::small_modl_options(g, 3).coil_chunk(chunk), 2);
  const at::Tensor out = model->forward(problem);
  const at::Tensor target = test_support::random_complex(out.sizes(), 3);
  (out - target).abs().pow(2).sum().backward();
  Outputs r{out.detach(), {}};
  for (const auto& p : model->parameters()) r.grads.push_back(p.grad().clone());
  return r;
}

TEST(CoilChunk, ModlOutputAndGradientsEqualTheUnchunkedModel) {
  for (const auto& g : test_support::small_geometries()) {
    const ModlProblem problem = test_support::small_problem(g, 1);
    const Outputs reference = run(g, problem, 0);
    for (int64_t chunk : {1, 2}) {
      // The model's data consistency does run chunked (equal outputs alone would not show it).
      const Modl model =
          test_support::small_model(test_support::small_modl_options(g, 3).coil_chunk(chunk), 2);
      EXPECT_EQ(model->dc_operator(problem).options().coil_chunk(), chunk) << g.name;
      const Outputs chunked = run(g, problem, chunk);
      EXPECT_LT(test_support::relative_error(chunked.image, reference.image), 1e-12) << g.name;
      for (size_t i = 0; i < reference.grads.size(); ++i) {
        EXPECT_LT(test_support::relative_error(chunked.grads[i], reference.grads[i]), 1e-12)
            << g.name << " chunk " << chunk << " parameter " << i;
      }
    }
  }
}

// Peak added by one data-consistency solve and its backward (float32, as in training).
int64_t dc_peak_bytes(const ModlProblem& problem, int64_t chunk) {
  core::MemoryMeter::install();
  const mri::SenseOp op = problem.op.with_coil_chunk(chunk);
  const at::Tensor rhs =
      test_support::random_complex(problem.aty.sizes(), 4, at::kComplexFloat).requires_grad_(true);
  const at::Tensor lambda = at::full({}, 0.05f).requires_grad_(true);
  const auto cg = solvers::CgOptions().max_iters(4);
  core::PeakScope scope(c10::Device(c10::kCPU));
  data_consistency(op, rhs, lambda, cg).abs().sum().backward();
  return scope.peak_increase();
}

TEST(CoilChunk, DataConsistencyHoldsOneChunkOfCoilImages) {
  // 16 coils: the unchunked normal operator holds two sets of 16 coil images (before and after
  // the FFT); with chunks of 1 it holds 2 coil images. Everything else (CG vectors, the gradient
  // buffers) is a few images, so the peak must fall by well over half.
  unrolled::RandomProblemSpec spec;
  spec.image_shape = {1, 48, 40};
  spec.coils = 16;
  const ModlProblem problem = random_problem(spec, 5, at::kComplexFloat);
  const int64_t all = dc_peak_bytes(problem, 0), one = dc_peak_bytes(problem, 1);
  const int64_t image_bytes = 48 * 40 * 8;
  std::cout << "data-consistency peak: all coils " << all / image_bytes << " images, chunks of 1 "
            << one / image_bytes << " images\n";
  EXPECT_GE(all, 32 * image_bytes);
  EXPECT_LT(static_cast<double>(one), 0.4 * all);
}

}  // namespace
}  // namespace melrecon::modl

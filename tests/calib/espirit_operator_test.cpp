// The compact ESPIRiT operator: its (2k−1)² Fourier coefficients give exactly the per-pixel
// matrix G(x) = (1/K) Σ_n h_n(x) h_n(x)ᴴ that the zero-padded, inverse-transformed kernels give
// on the full grid; its eigenvalues are those of a projection-like operator (0 ≤ λ ≤ 1).
#include "calib/espirit_operator.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "mri/fft.h"
#include "support/test_support.h"

namespace melrecon::calib {
namespace {

// G on an na×nb grid from the coefficients: E_a · w · E_bᵀ, [na, nb, C, C].
at::Tensor operator_on_grid(const at::Tensor& w, int64_t na, int64_t nb) {
  return at::einsum("ij,yk,jkcd->iycd",
                    {fourier_series_basis(na, w.size(0)), fourier_series_basis(nb, w.size(1)), w});
}

TEST(EspiritOperator, CoefficientsReproduceTheFullGridOperator) {
  const int64_t coils = 3, ka = 4, kb = 5, na = 12, nb = 15;
  // Orthonormal kernels, as the eigenvectors of a Gram matrix are.
  const at::Tensor basis =
      std::get<0>(at::linalg_qr(test_support::random_complex({coils * ka * kb, 7}, 1)));
  const at::Tensor kernels = basis.transpose(0, 1).reshape({7, coils, ka, kb});
  // Direct: each kernel zero-padded to the grid, h_n = (unnormalised) inverse DFT.
  at::Tensor padded = at::zeros({7, coils, na, nb}, at::kComplexDouble);
  padded.narrow(2, 3, ka).narrow(3, 2, kb).copy_(kernels);
  const at::Tensor h = mri::ifftc(padded, {-2, -1}) * std::sqrt(static_cast<double>(na * nb));
  const at::Tensor direct = at::einsum("ncij,ndij->ijcd", {h, h.conj()}) / double(ka * kb);
  const at::Tensor compact = operator_on_grid(operator_coefficients(kernels), na, nb);
  EXPECT_LT(test_support::relative_error(compact, direct), 1e-12);
}

TEST(EspiritOperator, KernelsOfTheWholeSpaceGiveTheIdentity) {
  // Keeping every singular vector (P = I) makes W the identity: G(x) = I at every pixel.
  const int64_t coils = 2, k = 3;
  const at::Tensor calib = test_support::random_complex({coils, 8, 8}, 2);
  const at::Tensor kernels = signal_kernels(calibration_gram(calib, k, k), coils, k, k, -1.0);
  ASSERT_EQ(kernels.size(0), coils * k * k);
  const at::Tensor g = operator_on_grid(operator_coefficients(kernels), 10, 9);
  const at::Tensor identity = at::eye(coils, at::kComplexDouble).expand({10, 9, coils, coils});
  EXPECT_LT(test_support::relative_error(g, identity), 1e-12);
}

TEST(EspiritOperator, KeptKernelsFollowTheThreshold) {
  const int64_t coils = 4, k = 3;
  const at::Tensor calib = test_support::random_complex({coils, 10, 10}, 3);
  const at::Tensor gram = calibration_gram(calib, k, k);
  EXPECT_LT(test_support::relative_error(gram, gram.conj().transpose(0, 1)), 1e-14);  // Hermitian
  const at::Tensor values = at::linalg_eigvalsh(gram);
  const double floor = (values[-5] + values[-4]).item<double>() / 2;  // between 5th and 4th largest
  EXPECT_EQ(signal_kernels(gram, coils, k, k, floor).size(0), 4);
  // A floor above the largest eigenvalue keeps none (above it by more than the round-off in
  // which eigvalsh and the kernels' own eigh may differ).
  EXPECT_EQ(signal_kernels(gram, coils, k, k, values[-1].item<double>() * (1 + 1e-9)).size(0), 0);
}

}  // namespace
}  // namespace melrecon::calib

#include "train/validation.h"

#include <ATen/ATen.h>

#include "core/random.h"
#include "metrics/image_metrics.h"
#include "train/prepared_example.h"

namespace melrecon::train {

at::Tensor reconstruct(unrolled::UnrolledModel& model, const unrolled::Problem& problem) {
  torch::NoGradGuard no_grad;
  return model.forward_all(problem);
}

ValidationResult validation_metrics(unrolled::UnrolledModel& model, int64_t coil_chunk,
                                    data::ExampleSource& source,
                                    const std::vector<data::ExampleRef>& examples,
                                    const SamplingConfig& sampling, io::DataKind kind,
                                    const std::vector<int64_t>& fft_axes, uint64_t seed,
                                    c10::Device device) {
  ValidationResult r;
  for (size_t i = 0; i < examples.size(); ++i) {
    const PreparedExample ex =
        prepare_example(source.load(examples[i]), sampling, kind,
                        mri::SenseOptions().fft_axes(fft_axes).coil_chunk(coil_chunk),
                        core::derive_seed(seed, i), device);
    const at::Tensor out = reconstruct(model, ex.problem).select(0, 0).cpu();
    const at::Tensor ref = ex.reference.select(0, 0).cpu();
    r.psnr += metrics::psnr(out, ref).item<double>();
    r.ssim += metrics::ssim(out, ref).item<double>();
    r.nrmse += metrics::nrmse(out, ref).item<double>();
    ++r.count;
  }
  if (r.count > 0) {
    r.psnr /= r.count;
    r.ssim /= r.count;
    r.nrmse /= r.count;
  }
  return r;
}

}  // namespace melrecon::train

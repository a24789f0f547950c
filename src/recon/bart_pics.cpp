#include "recon/bart_pics.h"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "core/error.h"

namespace melrecon::recon {

bool bart_available() { return std::system("bart version > /dev/null 2>&1") == 0; }

namespace {

// BART's dimension bits: READ 1, PHS1 2, PHS2 4, TIME 1024.
std::string regulariser(io::DataKind kind, CsPrior prior, double lambda, double wavelet) {
  const auto spatial_wavelet = [&](double weight) {
    return fmt::format("W:{}:0:{}", kind == io::DataKind::volume3d ? 7 : 3, weight);
  };
  MELRECON_CHECK(prior == CsPrior::wavelet || kind == io::DataKind::cine,
                 "bart pics: a temporal total-variation prior needs cine data, found {}",
                 core::choice_name(kind));
  switch (prior) {
    case CsPrior::wavelet:
      return spatial_wavelet(lambda);
    case CsPrior::temporal_tv:
      return fmt::format("T:1024:0:{}", lambda);
    case CsPrior::temporal_tv_wavelet:
      return fmt::format("T:1024:0:{} -R {}", lambda, spatial_wavelet(wavelet));
  }
  core::fail_internal(__FILE__, __LINE__, "prior {} has no regulariser", static_cast<int>(prior));
}

}  // namespace

at::Tensor bart_pics(const at::Tensor& kspace, const at::Tensor& maps, const at::Tensor& mask,
                     io::DataKind kind, CsPrior prior, double lambda, int64_t iters,
                     const std::string& work_dir, double wavelet) {
  const std::string r = regulariser(kind, prior, lambda, wavelet);
  std::filesystem::create_directories(work_dir);
  const std::string k = work_dir + "/k", s = work_dir + "/s", m = work_dir + "/m",
                    x = work_dir + "/x";
  io::write_bart(k, kspace.cpu(), io::Role::kspace, kind);
  io::write_bart(s, maps.cpu(), io::Role::maps, kind);
  io::write_bart(
      m, at::real(mask).cpu().expand_as(at::real(kspace.narrow(1, 0, 1)).cpu()).contiguous(),
      io::Role::mask, kind);
  const std::string command = fmt::format("bart pics -R {} -w 1 -i {} -p {} {} {} {} > {}/log 2>&1",
                                          r, iters, m, k, s, x, work_dir);
  MELRECON_CHECK(std::system(command.c_str()) == 0, "bart pics failed (see {}/log)", work_dir);
  return io::read_bart(x, io::Role::image, kind).to(kspace.device());
}

}  // namespace melrecon::recon

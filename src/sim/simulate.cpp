#include "sim/simulate.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/random.h"
#include "core/tensor_checks.h"
#include "io/folder_output.h"
#include "mri/sense_op.h"
#include "sim/background_phase.h"
#include "sim/coils.h"
#include "sim/heart_phantom.h"
#include "sim/noise.h"
#include "sim/shepp_logan.h"
#include "sim/source_image.h"

namespace melrecon::sim {
namespace {

constexpr int64_t kMinSize = 8;
constexpr int64_t kMaxCoils = 64;

template <typename... Args>
[[noreturn]] void usage(fmt::format_string<Args...> format, Args&&... args) {
  throw core::UsageError(fmt::format(format, std::forward<Args>(args)...));
}

// Independent streams of one case: object, phase, coils, noise.
enum Stream : uint64_t { kObject, kPhase, kCoils, kNoise };

uint64_t stream_seed(const SimulateOptions& o, int64_t index, Stream s) {
  return core::derive_seed(core::derive_seed(o.seed(), static_cast<uint64_t>(index)), s);
}

at::Tensor make_object(const SimulateOptions& o, const std::optional<SourceImage>& source,
                       core::Rng& rng) {
  if (source) return fit_source(*source, o.kind(), o.shape(), rng);
  switch (o.kind()) {
    case io::DataKind::image2d:
    case io::DataKind::volume3d:
      return shepp_logan_image(o.shape(), rng);
    case io::DataKind::cine:
      return heart_phantom(o.shape(), HeartPhantomOptions(), rng);
  }
  return {};
}

SimulatedCase simulate(const SimulateOptions& o, int64_t index,
                       const std::optional<SourceImage>& source) {
  core::Rng object_rng(stream_seed(o, index, kObject));
  core::Rng phase_rng(stream_seed(o, index, kPhase));
  core::Rng coil_rng(stream_seed(o, index, kCoils));
  const at::Tensor object = make_object(o, source, object_rng);  // [*S]
  // Phase and coils live in space: for cine they are computed on one frame's [Y, X] grid.
  const bool cine = o.kind() == io::DataKind::cine;
  const std::vector<int64_t> space(o.shape().begin() + (cine ? 1 : 0), o.shape().end());
  const at::Tensor phase = background_phase(space, phase_rng);
  at::Tensor maps = coil_maps(o.coils(), space, coil_rng);  // [C, *space]
  if (cine) maps = maps.unsqueeze(1);                       // [C, 1, Y, X]: one set for every frame

  SimulatedCase c;
  c.data.reference = at::polar(object, phase.expand_as(object)).to(at::kComplexFloat).unsqueeze(0);
  c.data.maps = maps.unsqueeze(0).contiguous();
  const mri::SenseOp op(c.data.maps, at::Tensor(),
                        mri::SenseOptions().fft_axes(io::default_fft_axes(o.kind())));
  c.data.kspace = op.forward(c.data.reference);
  if (o.snr() > 0) {
    c.noise_sigma = noise_sigma(c.data.reference, o.snr());
    c.data.kspace =
        add_noise(c.data.kspace, c.noise_sigma,
                  at::make_generator<at::CPUGeneratorImpl>(stream_seed(o, index, kNoise)));
  }
  return c;
}

std::optional<SourceImage> load_if_given(const SimulateOptions& o) {
  if (o.source().empty()) return std::nullopt;
  return load_source(o.source());
}

}  // namespace

void validate(const SimulateOptions& o) {
  const char* kind = core::choice_name(o.kind());
  const auto rank = static_cast<size_t>(io::spatial_rank(o.kind()));
  const char* names = io::spatial_axis_names(o.kind());
  if (o.shape().size() != rank) {
    usage("simulate {}: shape needs {} sizes ({}), found {}", kind, rank, names,
          core::shape_string(o.shape()));
  }
  for (size_t a = 0; a < rank; ++a) {
    const bool frames = o.kind() == io::DataKind::cine && a == 0;
    if (o.shape()[a] < (frames ? 2 : kMinSize)) {
      usage("simulate {}: shape {} has a size below {} ({} axis {})", kind,
            core::shape_string(o.shape()), frames ? 2 : kMinSize, names, a);
    }
  }
  if (o.cases() < 1) usage("simulate: --cases must be at least 1, found {}", o.cases());
  if (o.coils() < 1 || o.coils() > kMaxCoils) {
    usage("simulate: --coils must be in [1, {}], found {}", kMaxCoils, o.coils());
  }
  if (!(o.snr() >= 0 && std::isfinite(o.snr()))) {
    usage("simulate: --snr must be >= 0 (0: no noise), found {}", o.snr());
  }
}

SimulatedCase simulate_case(const SimulateOptions& options, int64_t index) {
  validate(options);
  return simulate(options, index, load_if_given(options));
}

io::DatasetInfo simulate_dataset(const SimulateOptions& o, const std::string& out, bool overwrite) {
  validate(o);
  const std::optional<SourceImage> source = load_if_given(o);
  io::DatasetInfo info;
  info.kind = o.kind();
  info.extra["generator"] = "melrecon simulate";
  info.extra["simulation"] = {
      {"seed", o.seed()},
      {"shape", o.shape()},
      {"coils", o.coils()},
      {"snr", o.snr()},
      {"snr_definition",
       "rms |reference| over the object (|x| > 5% of max) / sigma, sigma^2 = E|noise|^2 per "
       "complex k-space sample; 0 = no noise"},
      {"object", source                           ? "file " + source->file
                 : o.kind() == io::DataKind::cine ? "beating-heart phantom"
                                                  : "randomised Shepp-Logan phantom"},
      {"coil_model", "Biot-Savart circular loops on a cylinder, S = Bx - i By, RSS = 1"},
      {"case_seeds",
       "derive_seed(seed, case index), one stream each for object, phase, coils, noise"}};
  io::write_folder_atomically(out, overwrite, [&](const std::string& dir) {
    nlohmann::json sigmas = nlohmann::json::array();
    for (int64_t i = 0; i < o.cases(); ++i) {
      const SimulatedCase c = simulate(o, i, source);
      const std::string name = fmt::format("case_{:04d}", i);
      io::write_case(dir, name, c.data, o.kind());
      info.cases.push_back(name);
      sigmas.push_back(c.noise_sigma);
    }
    info.extra["simulation"]["noise_sigma"] = sigmas;
    io::write_dataset_info(dir, info);
  });
  return info;
}

}  // namespace melrecon::sim

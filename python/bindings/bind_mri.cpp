// melrecon's MRI pieces: the SENSE operator and a problem built on it, sampling masks, coil maps
// (ESPIRiT), CG-SENSE, MoDL's data consistency, image metrics and the memory meter.
#include "bindings/bindings.h"
#include "calib/coil_maps.h"
#include "core/memory_meter.h"
#include "data/case_completion.h"
#include "io/bart_layout.h"
#include "metrics/image_metrics.h"
#include "modl/data_consistency.h"
#include "mri/sense_op.h"
#include "recon/cg_sense.h"
#include "sampling/masks.h"
#include "unrolled/problem.h"

namespace melrecon::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

mri::SenseOp make_sense_op(const at::Tensor& maps, const std::optional<at::Tensor>& mask,
                           const std::vector<int64_t>& fft_axes, int64_t coil_chunk) {
  return mri::SenseOp(maps, mask.value_or(at::Tensor()),
                      mri::SenseOptions().fft_axes(fft_axes).coil_chunk(coil_chunk));
}

void bind_sense(py::module_& m) {
  py::class_<mri::SenseOp>(m, "SenseOp", R"(The multi-coil Cartesian forward model A = M·F·S.

maps: coil sensitivities [B|1, C, *S] (complex; *S = [Y, X], [Z, Y, X] or [T, Y, X]; cine maps
may have one frame); mask: broadcastable to k-space [B, C, *S], None = fully sampled;
fft_axes: spatial axes (0 = first of *S) the centered FFT runs over, empty = all; coil_chunk:
coils at a time in adjoint/normal (0 = all). Every method is differentiable in PyTorch's
autograd with respect to its input.)")
      .def(py::init(&make_sense_op), py::arg("maps"), py::arg("mask") = py::none(),
           py::arg("fft_axes") = std::vector<int64_t>{}, py::arg("coil_chunk") = 0)
      .def("forward", &mri::SenseOp::forward, py::arg("image"), Release(),
           "A x: image [B, *S] -> k-space [B, C, *S]")
      .def("adjoint", &mri::SenseOp::adjoint, py::arg("kspace"), Release(),
           "Aᴴ y: k-space [B, C, *S] -> image [B, *S]")
      .def("normal", &mri::SenseOp::normal, py::arg("image"), Release(),
           "AᴴA x: image [B, *S] -> image [B, *S]")
      .def("__call__", &mri::SenseOp::forward, py::arg("image"), Release())
      .def_property_readonly("maps", &mri::SenseOp::maps)
      .def_property_readonly("mask",
                             [](const mri::SenseOp& op) -> py::object {
                               return op.mask().defined() ? py::cast(op.mask()) : py::none();
                             })
      .def_property_readonly("fft_axes",
                             [](const mri::SenseOp& op) { return op.options().fft_axes(); })
      .def_property_readonly("coil_chunk",
                             [](const mri::SenseOp& op) { return op.options().coil_chunk(); })
      .def_property_readonly("num_coils", &mri::SenseOp::num_coils);

  py::class_<unrolled::Problem>(m, "Problem",
                                "One reconstruction problem as unrolled networks see it: the "
                                "operator `op` and `aty` = Aᴴy [B, *S] (computed once).")
      .def(py::init<mri::SenseOp, const at::Tensor&>(), py::arg("op"), py::arg("kspace"), Release())
      .def_readonly("op", &unrolled::Problem::op)
      .def_readonly("aty", &unrolled::Problem::aty);

  m.def(
      "data_consistency",
      [](const unrolled::Problem& problem, const at::Tensor& rhs, const at::Tensor& lam,
         int64_t cg_iters, double cg_tol) {
        return modl::data_consistency(problem.op, rhs, lam,
                                      solvers::CgOptions().max_iters(cg_iters).tol(cg_tol));
      },
      py::arg("problem"), py::arg("rhs"), py::arg("lam"), py::arg("cg_iters") = 8,
      py::arg("cg_tol") = 0.0, Release(),
      "MoDL's data consistency x = (AᴴA + λI)⁻¹ rhs by CG, differentiable with an implicit "
      "backward (one more CG, no stored iterates). lam: a real 0-dim tensor (may require grad).");
}

void bind_recon(py::module_& m) {
  m.def(
      "make_mask",
      [](const std::string& kind, const std::vector<int64_t>& shape, double accel, int64_t calib,
         uint64_t seed, bool elliptical, double vd) {
        return sampling::make_mask(
                   sampling::MaskOptions(core::parse_choice<sampling::MaskKind>(kind), shape)
                       .accel(accel)
                       .calib(calib)
                       .seed(seed)
                       .elliptical(elliptical)
                       .vd(vd))
            .mask;
      },
      py::arg("kind"), py::arg("shape"), py::arg("accel") = 4.0, py::arg("calib") = 24,
      py::arg("seed") = 0, py::arg("elliptical") = false, py::arg("vd") = 2.0, Release(),
      R"(A 0/1 float32 sampling mask for data of spatial shape `shape` (*S), broadcastable to
k-space [B, C, *S]. kind: "3d" [1, 1, Z, Y, 1], "2d-lines" [1, 1, Y, 1], "2d-poisson" [1, 1, Y, X],
"cine-vista" / "cine-random" [1, 1, T, Y, 1]. accel: R; calib: side of the fully sampled centre
(Poisson) or central lines; the seed alone decides the mask.)");
  m.def("acceleration", &sampling::acceleration, py::arg("mask"),
        "R of a mask: its size over its non-zero entries.");
  m.def(
      "estimate_coil_maps",
      [](const at::Tensor& kspace, const std::string& kind, const std::string& method,
         int64_t calib_size, int64_t kernel_size, double threshold, std::optional<double> crop) {
        return calib::estimate_coil_maps(kspace,
                                         data::calib_kind(core::parse_choice<io::DataKind>(kind)),
                                         calib::CoilMapOptions()
                                             .method(core::parse_choice<calib::Method>(method))
                                             .calib_size(calib_size)
                                             .kernel_size(kernel_size)
                                             .threshold(threshold)
                                             .crop(crop));
      },
      py::arg("kspace"), py::arg("kind"), py::arg("method") = "espirit", py::arg("calib_size") = 24,
      py::arg("kernel_size") = 6, py::arg("threshold") = 0.001, py::arg("crop") = py::none(),
      Release(),
      "Coil maps of k-space [B, C, *S] (kind '2d', '3d' or 'cine'): ESPIRiT as `bart ecalib -m1` "
      "(method 'espirit') or the low-resolution ACS ratio ('lowres'). Returns [B, C, *S] (cine: "
      "one frame), unit-norm coil vectors, zero where cropped.");
  m.def(
      "cg_sense",
      [](const mri::SenseOp& op, const at::Tensor& kspace, double lam, int64_t iters, double tol) {
        return recon::cg_sense(op, kspace, lam, solvers::CgOptions().max_iters(iters).tol(tol)).x;
      },
      py::arg("op"), py::arg("kspace"), py::arg("lam") = 0.0, py::arg("iters") = 30,
      py::arg("tol") = 0.0, Release(),
      "CG-SENSE: argmin ‖Ax − y‖² + λ‖x‖² by conjugate gradient, image [B, *S].");
}

void bind_metrics(py::module_& m) {
  m.def(
      "psnr", &metrics::psnr, py::arg("image"), py::arg("reference"), Release(),
      "PSNR in dB of magnitudes over the reference's maximum; one example [Y, X] or [Z|T, Y, X].");
  m.def("nrmse", &metrics::nrmse, py::arg("image"), py::arg("reference"), Release(),
        "‖|x| − |ref|‖ / ‖|ref|‖ after dividing both by the reference's maximum.");
  m.def(
      "ssim",
      [](const at::Tensor& image, const at::Tensor& reference, bool volume) {
        return metrics::ssim(image, reference,
                             volume ? metrics::SsimMode::volume : metrics::SsimMode::per_slice);
      },
      py::arg("image"), py::arg("reference"), py::arg("volume") = false, Release(),
      "SSIM (Gaussian window 11, σ 1.5) of magnitudes; 2D per slice/frame, or 3D when volume=True. "
      "Differentiable.");

  py::module_ memory = m.def_submodule(
      "memory", "Peak tensor memory: a counting CPU allocator, CUDA's allocator statistics.");
  const auto device_of = [](const std::string& device) { return c10::Device(device); };
  memory.def("install", &core::MemoryMeter::install,
             "Counts every CPU tensor allocation from now on (idempotent).");
  memory.def(
      "current_bytes",
      [device_of](const std::string& d) { return core::MemoryMeter::current_bytes(device_of(d)); },
      py::arg("device") = "cpu");
  memory.def(
      "peak_bytes",
      [device_of](const std::string& d) { return core::MemoryMeter::peak_bytes(device_of(d)); },
      py::arg("device") = "cpu");
  memory.def(
      "reset_peak",
      [device_of](const std::string& d) { core::MemoryMeter::reset_peak(device_of(d)); },
      py::arg("device") = "cpu", "Makes the peak equal to the current live bytes.");
}

}  // namespace

void bind_mri(py::module_& m) {
  bind_sense(m);
  bind_recon(m);
  bind_metrics(m);
}

}  // namespace melrecon::python

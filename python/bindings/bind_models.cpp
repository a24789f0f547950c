// Unrolled networks (MoDL, VarNet) built from a configuration or loaded from a run or checkpoint,
// with their parameters as the very tensors the C++ network trains (no copies), and saved as
// checkpoints the command line reads.
#include <ATen/ATen.h>

#include "bindings/bindings.h"
#include "bindings/python_values.h"
#include "eval/trained_model.h"
#include "io/case_files.h"
#include "io/dataset.h"
#include "train/model_factory.h"
#include "train/train_config.h"
#include "train/validation.h"

namespace melrecon::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

py::list named_tensors(const torch::OrderedDict<std::string, at::Tensor>& tensors) {
  py::list out;
  for (const auto& item : tensors) out.append(py::make_tuple(item.key(), item.value()));
  return out;
}

eval::TrainedModel build_model(const py::object& config, const std::string& kind) {
  eval::TrainedModel t{train::from_json(from_python(config, "config"), "config"),
                       core::parse_choice<io::DataKind>(kind), nullptr};
  py::gil_scoped_release release;
  at::manual_seed(t.config.run.seed);  // the same initial weights as `melrecon train`
  t.model = train::build_network(t.config.model, t.kind);
  return t;
}

void bind_network(py::module_& m) {
  using unrolled::UnrolledModel;
  py::class_<UnrolledModel, std::shared_ptr<UnrolledModel>>(
      m, "Network",
      "A C++ unrolled network (MoDL or VarNet). Its tensors are the network's own: training them "
      "from Python trains the C++ network.")
      .def_property_readonly("arch", &UnrolledModel::arch)
      .def_property_readonly("num_unrolls", &UnrolledModel::num_unrolls)
      .def("named_parameters",
           [](UnrolledModel& n) { return named_tensors(n.module().named_parameters()); })
      .def("named_buffers",
           [](UnrolledModel& n) { return named_tensors(n.module().named_buffers()); })
      .def("initial", &UnrolledModel::initial, py::arg("problem"), Release(), "x_0 [B, *S]")
      .def(
          "unroll",
          [](UnrolledModel& n, int64_t k, const at::Tensor& x, const unrolled::Problem& p) {
            return n.unroll(k, x, p);
          },
          py::arg("k"), py::arg("x"), py::arg("problem"), Release(), "x_{k+1} from x_k")
      .def("forward", &UnrolledModel::forward_all, py::arg("problem"), Release(),
           "x_N: all unrolls from x_0, under autograd when grad mode is on")
      .def("update_normalisation", &UnrolledModel::update_normalisation, Release(),
           "Refreshes per-step normalisations (Lipschitz bounds); once per training step.")
      .def(
          "set_training", [](UnrolledModel& n, bool on) { n.module().train(on); }, py::arg("on"))
      .def("scalars", [](const UnrolledModel& n) {
        py::dict d;
        for (const auto& [name, value] : n.scalars()) d[py::str(name)] = value;
        return d;
      });
}

}  // namespace

void bind_models(py::module_& m) {
  bind_network(m);
  py::class_<eval::TrainedModel>(m, "TrainedModel",
                                 "A network with the configuration and data kind it was built for.")
      .def_readonly("network", &eval::TrainedModel::model)
      .def_property_readonly("kind",
                             [](const eval::TrainedModel& t) { return core::choice_name(t.kind); })
      .def_property_readonly(
          "config", [](const eval::TrainedModel& t) { return to_python(train::to_json(t.config)); })
      .def(
          "reconstruct",
          [](eval::TrainedModel& t, const at::Tensor& kspace, const at::Tensor& maps,
             const std::optional<at::Tensor>& mask,
             const std::optional<std::vector<int64_t>>& fft_axes) {
            // No mask: where k-space was acquired, as `melrecon recon` and BART take it.
            const at::Tensor m = mask ? *mask : io::mask_from_kspace(kspace);
            if (mask) io::check_mask_fits(m, kspace, "mask");
            return eval::apply_model(t, kspace, maps, m,
                                     fft_axes.value_or(io::default_fft_axes(t.kind)));
          },
          py::arg("kspace"), py::arg("maps"), py::arg("mask") = py::none(),
          py::arg("fft_axes") = py::none(), Release(),
          "Reconstructs a case as `melrecon recon` does: k-space [B, C, *S], maps [B|1, C, *S], "
          "mask broadcastable to k-space (None: where k-space is non-zero); one batch entry at a "
          "time, no graph; [B, *S] on the "
          "data's intensity scale.")
      .def(
          "save",
          [](eval::TrainedModel& t, const Path& path, int64_t step) {
            eval::save_trained_model(path.string(), t, step);
          },
          py::arg("path"), py::arg("step") = 0, Release(),
          "Writes a checkpoint that `melrecon recon --model`, `eval` and load_model read.");

  m.def("build_model", &build_model, py::arg("config"), py::arg("kind"),
        "A new network from a configuration dict (the sections and keys of `melrecon train`'s "
        "config.json; missing keys take their defaults) for data kind '2d', '3d' or 'cine', "
        "initialised from run.seed as `melrecon train` initialises it.");
  m.def(
      "load_model",
      [](const Path& path, const std::string& device,
         const std::optional<std::vector<int64_t>>& tile,
         const std::optional<int64_t>& coil_chunk) {
        return eval::load_trained_model(path.string(), c10::Device(device),
                                        eval::ReconSettings{tile, coil_chunk});
      },
      py::arg("path"), py::arg("device") = "cpu", py::arg("tile") = py::none(),
      py::arg("coil_chunk") = py::none(), Release(),
      "A trained network from a run folder (its checkpoint.pt) or a checkpoint file; `tile` "
      "(CNN tiles per image axis, 0: uncut) and `coil_chunk` replace the trained model.tile and "
      "model.coil_chunk for reconstruction, as `melrecon recon --tile --coil-chunk`.");
  m.def("reconstruct", &train::reconstruct, py::arg("network"), py::arg("problem"), Release(),
        "x_N without a graph, as validation and `recon` compute it.");
}

}  // namespace melrecon::python

// Training from Python: the C++ trainer on a configuration dict (progress through a callback),
// and one forward/backward with a chosen gradient strategy for any unrolled network, C++ or
// written in Python.
#include <memory>

#include "bindings/bindings.h"
#include "bindings/python_unrolled_model.h"
#include "bindings/python_values.h"
#include "mel/gradient_strategy.h"
#include "train/losses.h"
#include "train/trainer.h"

namespace melrecon::python {

namespace {

// A C++ network as is; any other object through the Python trampoline.
std::shared_ptr<unrolled::UnrolledModel> unrolled_model(const py::object& model) {
  if (py::isinstance<unrolled::UnrolledModel>(model)) {
    return model.cast<std::shared_ptr<unrolled::UnrolledModel>>();
  }
  return std::make_shared<PythonUnrolledModel>(model);
}

// "l1" | "l2" | "ssim" against `reference`, or a Python callable output -> 0-dim tensor.
mel::LossFn loss_function(const py::object& loss, const std::optional<at::Tensor>& reference) {
  if (py::isinstance<py::str>(loss)) {
    MELRECON_CHECK(reference, "loss '{}' needs the reference image", loss.cast<std::string>());
    return train::make_loss(core::parse_choice<train::LossKind>(loss.cast<std::string>()),
                            *reference);
  }
  MELRECON_CHECK(PyCallable_Check(loss.ptr()),
                 "loss must be 'l1', 'l2', 'ssim' or a callable output -> loss tensor, not {}",
                 type_name(loss));
  auto held = std::make_shared<py::object>(loss);
  return [held](const at::Tensor& output) {
    py::gil_scoped_acquire gil;
    return returned_tensor((*held)(output), "the loss callable");
  };
}

py::dict training_step(const py::object& model, const unrolled::Problem& problem,
                       const py::object& loss, const std::string& strategy,
                       const std::optional<at::Tensor>& reference, int64_t checkpoint_every,
                       double inversion_tol, int64_t inversion_max_iters, double fallback_tol,
                       bool offload_to_host) {
  const auto network = unrolled_model(model);
  const mel::LossFn loss_fn = loss_function(loss, reference);
  const auto grad = mel::make_gradient_strategy(core::parse_choice<mel::Strategy>(strategy),
                                                mel::StrategyOptions()
                                                    .checkpoint_every(checkpoint_every)
                                                    .inversion_tol(inversion_tol)
                                                    .inversion_max_iters(inversion_max_iters)
                                                    .fallback_tol(fallback_tol)
                                                    .offload_to_host(offload_to_host));
  mel::StepResult r;
  {
    py::gil_scoped_release release;
    network->update_normalisation();
    r = grad->forward_backward(*network, problem, loss_fn);
  }
  py::dict d;
  d["loss"] = r.loss.item<double>();
  d["output"] = r.output;
  d["inversion_errors"] = r.stats.inversion_errors;
  d["fixed_point_iterations"] = r.stats.fixed_point_iterations;
  d["fallbacks"] = r.stats.fallbacks;
  d["max_inversion_residual"] = r.stats.max_inversion_residual;
  return d;
}

py::dict train(const py::object& config, const Path& run_dir, bool resume,
               const py::object& callback) {
  const train::TrainConfig c = train::from_json(from_python(config, "config"), "config");
  // Shared, so that copies of the function never touch Python's reference counts without the GIL.
  auto held = std::make_shared<py::object>(callback);
  // Each log entry takes the GIL: for the callback, and to let Ctrl-C stop the run.
  const auto on_log = [held](const nlohmann::json& entry) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!held->is_none()) (*held)(to_python(entry));
  };
  train::TrainSummary s;
  {
    py::gil_scoped_release release;
    s = train::train_model(
        c, train::TrainOptions().run_dir(run_dir.string()).resume(resume).on_log(on_log));
  }
  py::dict d;
  d["steps"] = s.steps;
  d["last_loss"] = s.last_loss;
  d["val_psnr"] = s.val_psnr;
  d["val_ssim"] = s.val_ssim;
  d["seconds"] = s.seconds;
  d["peak_bytes"] = s.peak_bytes;
  return d;
}

}  // namespace

void bind_training(py::module_& m) {
  m.def("training_step", &training_step, py::arg("model"), py::arg("problem"),
        py::arg("loss") = "l1", py::arg("strategy") = "mel", py::arg("reference") = py::none(),
        py::arg("checkpoint_every") = mel::StrategyOptions().checkpoint_every(),
        py::arg("inversion_tol") = mel::StrategyOptions().inversion_tol(),
        py::arg("inversion_max_iters") = mel::StrategyOptions().inversion_max_iters(),
        py::arg("fallback_tol") = mel::StrategyOptions().fallback_tol(),
        py::arg("offload_to_host") = mel::StrategyOptions().offload_to_host(),
        R"(One forward and backward pass of an unrolled network with a gradient strategy:
'full' (plain autograd), 'mel' (memory-efficient: one unroll's graph at a time) or
'mel-invertible' (inputs recovered by inverting unrolls). Accumulates ∂loss/∂w into the
parameters' .grad like loss.backward(); the optimiser step is the caller's.

model: a melrecon Network, or a Python object with `num_unrolls` and `unroll(k, x, problem)`
(optionally `initial(problem)`, `invert_unroll(k, output, problem)`); problem: a Problem;
loss: 'l1' | 'l2' | 'ssim' (with `reference` [B, *S]) or a callable output -> 0-dim tensor.
Returns {'loss', 'output' (x_N, detached), 'inversion_errors', 'fixed_point_iterations',
'fallbacks', 'max_inversion_residual'}.)");
  m.def("train", &train, py::arg("config"), py::arg("run_dir"), py::arg("resume") = false,
        py::arg("callback") = py::none(),
        "Runs `melrecon train` on a configuration dict into run_dir (config.json, checkpoint.pt, "
        "log.jsonl); `callback(entry)` receives every log entry (dict) as it is written. Returns "
        "{'steps', 'last_loss', 'val_psnr', 'val_ssim', 'seconds', 'peak_bytes'}.");
}

}  // namespace melrecon::python

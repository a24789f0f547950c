#include "train/adam_state.h"

#include <memory>

#include "core/error.h"
#include "core/tensor_checks.h"

namespace melrecon::train {

void write_adam_state(torch::serialize::OutputArchive& archive, const torch::nn::Module& model,
                      const torch::optim::Adam& adam) {
  for (const auto& item : model.named_parameters()) {
    const auto found = adam.state().find(item.value().unsafeGetTensorImpl());
    if (found == adam.state().end()) continue;
    const auto& s = static_cast<const torch::optim::AdamParamState&>(*found->second);
    torch::serialize::OutputArchive entry;
    entry.write("step", torch::tensor(s.step()));
    entry.write("exp_avg", s.exp_avg());
    entry.write("exp_avg_sq", s.exp_avg_sq());
    if (s.max_exp_avg_sq().defined()) entry.write("max_exp_avg_sq", s.max_exp_avg_sq());
    archive.write(item.key(), entry);
  }
}

void read_adam_state(torch::serialize::InputArchive& archive, const torch::nn::Module& model,
                     torch::optim::Adam& adam, const std::string& path) {
  for (const auto& item : model.named_parameters()) {
    torch::serialize::InputArchive entry;
    if (!archive.try_read(item.key(), entry)) continue;  // no step taken for it yet
    // A fresh tensor per key: try_read into a defined tensor reinterprets its storage.
    const auto read = [&](const char* key) {
      at::Tensor t;
      MELRECON_CHECK(entry.try_read(key, t), "{}: optimiser state of '{}' has no '{}'", path,
                     item.key(), key);
      return t.to(item.value().device());
    };
    auto s = std::make_unique<torch::optim::AdamParamState>();
    s->step(read("step").item<int64_t>());
    s->exp_avg(read("exp_avg"));
    s->exp_avg_sq(read("exp_avg_sq"));
    at::Tensor max_sq;
    if (entry.try_read("max_exp_avg_sq", max_sq))
      s->max_exp_avg_sq(max_sq.to(item.value().device()));
    const at::Tensor& p = item.value();
    MELRECON_CHECK(s->exp_avg().sizes() == p.sizes() && s->exp_avg_sq().sizes() == p.sizes(),
                   "{}: optimiser state of '{}' has shape {}, the parameter {}", path, item.key(),
                   core::shape_string(s->exp_avg().sizes()), core::shape_string(p.sizes()));
    adam.state()[p.unsafeGetTensorImpl()] = std::move(s);
  }
}

}  // namespace melrecon::train

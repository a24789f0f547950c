#include <iostream>

#include "app/commands.h"
#include "core/error.h"
#include "mel/self_check.h"

namespace melrecon::app {

void add_selftest_command(CLI::App& app) {
  auto options = std::make_shared<mel::SelfCheckOptions>();
  auto* cmd = app.add_subcommand(
      "selftest",
      "Check the gradient strategies on small random 2D, 3D and 2D+time problems (float64): "
      "relative gradient error of mel and mel-invertible against plain backprop, peak memory "
      "and time of each; exits 1 if an error exceeds its tolerance");
  cmd->add_option("--unrolls", options->num_unrolls, "Number of MoDL unrolls")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--seed", options->seed, "Seed of the random problem and weights")
      ->capture_default_str();
  cmd->callback([options] {
    const auto rows = mel::run_self_check(*options);
    std::cout << mel::format_self_check(rows);
    for (const auto& r : rows) {
      core::check(r.ok(), "selftest: {} {} gradient error {:.2e} exceeds {:.0e}", r.data,
                  r.strategy, r.gradient_error, r.tolerance);
    }
  });
}

}  // namespace melrecon::app

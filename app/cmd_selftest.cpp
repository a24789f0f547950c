#include <iostream>

#include "app/commands.h"
#include "app/finite_option.h"
#include "core/error.h"
#include "train/selftest.h"

namespace melrecon::app {

void add_selftest_command(CLI::App& app) {
  auto options = std::make_shared<train::SelftestOptions>();
  auto* cmd = app.add_subcommand(
      "selftest",
      "Check the gradient strategies for each architecture (MoDL, VarNet) on small random 2D, "
      "3D and 2D+time problems (float64): relative gradient error of mel and mel-invertible "
      "against plain backprop, peak memory and time of each; exits 1 if an error exceeds its "
      "tolerance");
  cmd->add_option("--unrolls", options->num_unrolls(), "Number of unrolls")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--seed", options->seed(), "Seed of the random problem and weights")
      ->capture_default_str()
      ->check(non_negative_number());
  cmd->callback([options] {
    const auto rows = train::run_selftest(*options);
    std::cout << train::format_selftest(rows);
    for (const auto& r : rows) {
      MELRECON_CHECK(r.ok(), "selftest: {} {} {} gradient error {:.2e} exceeds {:.0e}",
                     core::choice_name(r.arch), r.data, core::choice_name(r.strategy),
                     r.gradient_error, r.tolerance);
    }
  });
}

}  // namespace melrecon::app

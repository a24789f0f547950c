// Each `melrecon <command>` registers itself here; the callbacks only parse and delegate.
#pragma once

#include <CLI/CLI.hpp>

namespace melrecon::app {

void add_version_command(CLI::App& app);
void add_sense_command(CLI::App& app);
void add_selftest_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_recon_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_mask_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_espirit_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_plan_command(CLI::App& app);

}  // namespace melrecon::app

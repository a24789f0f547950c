// Each `melrecon <command>` registers itself here; the callbacks only parse and delegate.
#pragma once

#include <CLI/CLI.hpp>

namespace melrecon::app {

void add_version_command(CLI::App& app);
void add_sense_command(CLI::App& app);
void add_espirit_command(CLI::App& app);
void add_convert_command(CLI::App& app);

}  // namespace melrecon::app

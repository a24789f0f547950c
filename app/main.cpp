// melrecon: train and apply unrolled MoDL MRI reconstruction with memory-efficient learning.
#include <c10/util/Exception.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "app/commands.h"
#include "app/local_ranks.h"
#include "core/config.h"
#include "core/error.h"

using melrecon::core::first_line;

int main(int argc, char** argv) {
  CLI::App app{
      "melrecon: train and run unrolled MoDL MRI reconstruction (2D, 3D, 2D+time) with "
      "memory-efficient learning.\nData files are BART .cfl/.hdr unless a command says otherwise; "
      "run `melrecon <command> --help` for each command's options, units and defaults."};
  melrecon::app::set_command_line(argc, argv);
  app.require_subcommand(1);
  app.set_version_flag("--version", MELRECON_VERSION);
  melrecon::app::add_version_command(app);
  melrecon::app::add_sense_command(app);
  melrecon::app::add_selftest_command(app);
  melrecon::app::add_train_command(app);
  melrecon::app::add_recon_command(app);
  melrecon::app::add_eval_command(app);
  melrecon::app::add_mask_command(app);
  melrecon::app::add_simulate_command(app);
  melrecon::app::add_espirit_command(app);
  melrecon::app::add_convert_command(app);
  melrecon::app::add_plan_command(app);
  try {
    // CLI11 would answer an unknown command or option before the command with "A subcommand
    // is required".
    if (argc > 1) {
      const std::string first = argv[1];
      // Known: a command, or one of the options CLI11 holds (--help, --version).
      bool found = false;
      for (const CLI::Option* option : app.get_options())
        found = found || option->check_name(first);
      std::string known;
      for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
        found = found || command->check_name(first);
        known += (known.empty() ? "" : ", ") + command->get_name();
      }
      if (!found) {
        throw melrecon::core::UsageError(
            (first[0] == '-' ? "unknown option '" + first + "' before a command"
                             : "unknown command '" + first + "'") +
            " (melrecon <command> [options]; commands: " + known + ")");
      }
    }
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, as every other error (CLI11's own adds a second, "Run with --help ...").
    std::cerr << "melrecon: usage error: " << first_line(e.what()) << " (see --help)\n";
    return 2;
  } catch (const melrecon::core::UsageError& e) {
    std::cerr << "melrecon: usage error: " << e.what() << "\n";
    return 2;
  } catch (const melrecon::core::Error& e) {
    std::cerr << "melrecon: error: " << e.what() << "\n";
    return 1;
  } catch (const c10::OutOfMemoryError& e) {
    std::cerr << "melrecon: error: out of memory: " << first_line(e.what_without_backtrace())
              << " (smaller data, model.tile, model.coil_chunk or `melrecon plan --budget`)\n";
    return 1;
  } catch (const c10::Error& e) {
    std::cerr << "melrecon: error: " << first_line(e.what_without_backtrace()) << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "melrecon: error: out of memory (smaller data, model.tile, model.coil_chunk or "
                 "`melrecon plan --budget`)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "melrecon: error: " << first_line(e.what()) << "\n";
    return 1;
  }
  return 0;
}

#include <ATen/ATen.h>

#include <iostream>

#include "app/commands.h"
#include "app/finite_option.h"
#include "app/options.h"
#include "io/case_files.h"
#include "recon/cg_sense.h"

namespace melrecon::app {
namespace {

struct SenseArgs {
  CaseArgs data;
  std::string out;
  double lambda = 0.0;
  int64_t iters = 30;
  double tol = 0.0;
};

void run_sense(const SenseArgs& a) {
  check_output_apart(a.out, {a.data.kspace, a.data.maps, a.data.mask});
  const io::Case c = io::load_case(a.data.files());
  const mri::SenseOp op(c.maps, c.mask, a.data.sense_options(c.kind));
  const auto result =
      recon::cg_sense(op, c.kspace, a.lambda, solvers::CgOptions().max_iters(a.iters).tol(a.tol));
  io::write_bart(a.out, result.x, io::Role::image, c.kind);
  std::cout << "CG-SENSE: " << result.iterations << " iterations, relative residual "
            << result.relative_residual.max().item<double>() << " -> " << a.out << "\n";
}

}  // namespace

void add_sense_command(CLI::App& app) {
  auto args = std::make_shared<SenseArgs>();
  auto* cmd = app.add_subcommand(
      "sense", "CG-SENSE: solve (AᴴA + λI) x = Aᴴy with A = M·F·S, write the image x");
  add_case_options(*cmd, args->data);
  cmd->add_option("out", args->out, "Output image (BART .cfl/.hdr name)")->required();
  cmd->add_option("--lambda", args->lambda,
                  "Tikhonov weight λ (≥ 0), same scale as `bart pics -l2 -r`")
      ->capture_default_str()
      ->check(CLI::Range(0.0, recon::kMaxLambda))
      ->check(finite_number());
  cmd->add_option("--iters", args->iters, "Maximum CG iterations")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--tol", args->tol, "Stop when ‖r‖/‖Aᴴy‖ is below this (0: run all iterations)")
      ->capture_default_str()
      ->check(non_negative_number())
      ->check(finite_number());
  cmd->callback([args] { run_sense(*args); });
}

}  // namespace melrecon::app

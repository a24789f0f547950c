// Odd and bad input across commands, as a new user would give it: sizes and counts past their
// ranges are refused before any work with the range in the message, options that make no sense
// together are usage errors, a reference that cannot be scored is named, a model applied to the
// wrong kind of data is named, and input scaled far from one gives the scaled image, not NaN.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/cli_errors.h"
#include "io/bart_layout.h"
#include "io/dataset.h"
#include "io/png.h"
#include "support/test_support.h"

namespace melrecon {
namespace {

using test_support::expect_one_line_error;
using test_support::run_melrecon;

const char* kTinyTrain =
    " --steps 2 --set model.unrolls=2 --set model.cg_iters=4 --set model.features=4"
    " --set model.layers=3 --set sampling.accel=3 --set sampling.calib=4"
    " --set run.progress=false";

std::string simulated(const std::string& name, const std::string& kind, const std::string& shape) {
  const std::string d = test_support::temp_dir(name);
  const auto r = run_melrecon("simulate --kind " + kind + " --shape " + shape +
                              " --cases 2 --coils 4 --seed 9 --out " + d + "/data");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return d;
}

TEST(BadInputCli, SizesAndCountsPastTheirRangesAreRefusedWithTheRange) {
  const std::string d = test_support::temp_dir("bad_input_ranges");
  // A 4096 x 4096 Poisson-disc mask would run for minutes: refused before any work.
  const auto mask = run_melrecon("mask --kind 2d-poisson --shape 4096,4096 " + d + "/m");
  EXPECT_NE(mask.exit_code, 0) << mask.output;
  EXPECT_NE(mask.output.find("4096"), std::string::npos) << mask.output;
  EXPECT_FALSE(std::filesystem::exists(d + "/m.cfl"));
  // --steps 0: the range, not a 300-digit number.
  const auto steps = run_melrecon("train --data " + d + " --run " + d + "/run --steps 0");
  EXPECT_EQ(steps.exit_code, 2) << steps.output;
  EXPECT_LT(steps.output.size(), 200u) << steps.output;
  EXPECT_FALSE(std::filesystem::exists(d + "/run"));
  // A negative seed would wrap around to 2^64 - 1.
  EXPECT_EQ(run_melrecon("mask --kind 2d-lines --shape 32,32 --seed -1 " + d + "/m").exit_code, 2);
  // A count past int64 is refused by its range, not clamped to 2^63 - 1 cases.
  expect_one_line_error(run_melrecon("simulate --kind 2d --shape 16,16 --cases "
                                     "99999999999999999999 --out " +
                                     d + "/sim"),
                        2, "--cases", "");
  EXPECT_FALSE(std::filesystem::exists(d + "/sim"));
  // An empty path for an optional output is refused, not silently skipped.
  expect_one_line_error(run_melrecon("eval --data " + d + " --methods zero-filled --json \"\""), 2,
                        "--json", "an empty path");
}

TEST(BadInputCli, EvaluationOptionsThatMakeNoSenseAreUsageErrors) {
  const std::string d = simulated("bad_input_eval_options", "2d", "24,20");
  const auto accel = run_melrecon("eval --data " + d + "/data --accel 0");
  EXPECT_EQ(accel.exit_code, 2) << accel.output;
  EXPECT_NE(accel.output.find("--accel"), std::string::npos) << accel.output;
  const auto no_model = run_melrecon("eval --data " + d + "/data --methods zero-filled,modl");
  EXPECT_EQ(no_model.exit_code, 2) << no_model.output;
  EXPECT_NE(no_model.output.find("needs --model"), std::string::npos) << no_model.output;
}

TEST(BadInputCli, AnAllZeroReferenceIsNamedNotScoredAsInfinity) {
  const std::string d = simulated("bad_input_zero_reference", "2d", "24,20");
  const std::string ref = d + "/data/case_0000/reference";
  const at::Tensor reference = io::read_bart(ref, io::Role::image, io::DataKind::image2d);
  io::write_bart(ref, at::zeros_like(reference), io::Role::image, io::DataKind::image2d);
  const auto r = run_melrecon("eval --data " + d +
                              "/data --methods zero-filled --accel 3 --calib 4 --max-examples 1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("case_0000"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("inf"), std::string::npos) << r.output;
}

TEST(BadInputCli, ReconstructionOfDataScaledFarFromOneIsTheScaledImage) {
  const std::string d = simulated("bad_input_scaled", "2d", "24,20");
  ASSERT_EQ(run_melrecon("train --data " + d + "/data --run " + d + "/run" + kTinyTrain).exit_code,
            0);
  const std::string k = d + "/data/case_0000/kspace", maps = d + "/data/case_0000/maps";
  const at::Tensor kspace = io::read_bart(k, io::Role::kspace, io::DataKind::image2d);
  io::write_bart(d + "/k_big", kspace * 1e20, io::Role::kspace, io::DataKind::image2d);
  io::write_bart(d + "/k_small", kspace * 1e-20, io::Role::kspace, io::DataKind::image2d);
  const std::string recon = "recon --model " + d + "/run ";
  ASSERT_EQ(run_melrecon(recon + k + " " + maps + " " + d + "/x").exit_code, 0);
  for (const auto& [name, scale] : {std::pair{"big", 1e20}, std::pair{"small", 1e-20}}) {
    const auto r = run_melrecon(recon + d + "/k_" + name + " " + maps + " " + d + "/x_" + name);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const at::Tensor x = io::read_bart(d + "/x", io::Role::image, io::DataKind::image2d);
    const at::Tensor scaled =
        io::read_bart(d + "/x_" + name, io::Role::image, io::DataKind::image2d);
    ASSERT_TRUE(at::isfinite(scaled).all().item<bool>()) << name;
    EXPECT_LT(test_support::relative_error(scaled.to(at::kComplexDouble) / scale,
                                           x.to(at::kComplexDouble)),
              1e-4)
        << name;
  }
}

TEST(BadInputCli, NegativeOrEmptyMasksAndOutputsOverInputsAreRefused) {
  const std::string d = simulated("bad_input_masks", "2d", "24,20");
  const std::string k = d + "/data/case_0000/kspace", s = d + "/data/case_0000/maps";
  const at::Tensor kspace = io::read_bart(k, io::Role::kspace, io::DataKind::image2d);
  const at::Tensor ones = at::ones({1, 1, kspace.size(2), kspace.size(3)});
  io::write_bart(d + "/negative", -ones, io::Role::mask, io::DataKind::image2d);
  io::write_bart(d + "/empty", ones * 0, io::Role::mask, io::DataKind::image2d);
  expect_one_line_error(
      run_melrecon("sense " + k + " " + s + " " + d + "/x --mask " + d + "/negative"), 1,
      d + "/negative.cfl", "must lie in [0, 1]");
  expect_one_line_error(
      run_melrecon("sense " + k + " " + s + " " + d + "/x --mask " + d + "/empty"), 1,
      d + "/empty.cfl", "samples nothing");
  // All-zero coil maps, a tolerance that is no number.
  const at::Tensor maps = io::read_bart(s, io::Role::maps, io::DataKind::image2d);
  io::write_bart(d + "/zero_maps", at::zeros_like(maps), io::Role::maps, io::DataKind::image2d);
  expect_one_line_error(run_melrecon("sense " + k + " " + d + "/zero_maps " + d + "/x"), 1,
                        d + "/zero_maps.cfl", "all zero");
  EXPECT_EQ(run_melrecon("sense " + k + " " + s + " " + d + "/x --tol nan").exit_code, 2);
  // The output named like an input (with or without .cfl) would overwrite it.
  const auto before = test_support::run_command("md5sum " + k + ".cfl").output;
  const auto same = run_melrecon("sense " + k + " " + s + " " + k + ".cfl");
  EXPECT_EQ(same.exit_code, 2) << same.output;
  EXPECT_NE(same.output.find("is also an input"), std::string::npos) << same.output;
  EXPECT_EQ(test_support::run_command("md5sum " + k + ".cfl").output, before);
  EXPECT_EQ(run_melrecon("espirit " + k + " " + k).exit_code, 2);
}

TEST(BadInputCli, SideOutputsNeverOverwriteInputsOrEachOther) {
  const std::string d = simulated("bad_input_side_outputs", "2d", "24,20");
  const std::string k = d + "/data/case_0000/kspace", s = d + "/data/case_0000/maps";
  const std::string index = d + "/data/dataset.json";
  const auto fingerprint = [&] {
    return test_support::run_command("md5sum " + k + ".cfl " + k + ".hdr " + s + ".cfl " + index)
        .output;
  };
  const std::string before = fingerprint();
  // Checked before the model is read: a model path that does not exist is never reached.
  const std::string recon = "recon --model " + d + "/no_run " + k + " " + s + " " + d + "/x ";
  expect_one_line_error(run_melrecon(recon + "--png " + k + ".cfl"), 2, "--png " + k + ".cfl",
                        "would overwrite the input");
  expect_one_line_error(run_melrecon(recon + "--nifti " + s + ".hdr"), 2, "--nifti " + s + ".hdr",
                        "would overwrite the input");
  expect_one_line_error(run_melrecon(recon + "--png " + d + "/x.cfl"), 2, "--png " + d + "/x.cfl",
                        "is also the file of out");
  const std::string eval = "eval --data " + d + "/data --methods zero-filled --accel 3 --calib 4 ";
  expect_one_line_error(run_melrecon(eval + "--json " + index), 2, "--json " + index,
                        "would overwrite the input");
  expect_one_line_error(run_melrecon(eval + "--markdown " + k + ".cfl"), 2, "--markdown " + k,
                        "would overwrite the input");
  expect_one_line_error(run_melrecon(eval + "--json " + d + "/r --markdown " + d + "/r"), 2,
                        "--markdown " + d + "/r", "give each output its own name");
  expect_one_line_error(run_melrecon(eval + "--json " + d + "/missing/r.json"), 2,
                        "--json " + d + "/missing/r.json", "does not exist");
  EXPECT_EQ(fingerprint(), before);
  // A report beside the cases, at the dataset's top level, is not an input.
  EXPECT_EQ(run_melrecon(eval + "--json " + d + "/data/scores.json").exit_code, 0);
}

TEST(BadInputCli, AllZeroKspaceAndParserErrorsAreOneLine) {
  const std::string d = simulated("bad_input_zero_kspace", "2d", "24,20");
  const std::string k = d + "/data/case_0000/kspace", s = d + "/data/case_0000/maps";
  const at::Tensor kspace = io::read_bart(k, io::Role::kspace, io::DataKind::image2d);
  io::write_bart(d + "/zero", at::zeros_like(kspace), io::Role::kspace, io::DataKind::image2d);
  expect_one_line_error(run_melrecon("sense " + d + "/zero " + s + " " + d + "/x"), 1,
                        d + "/zero.cfl", "the k-space is all zero");
  expect_one_line_error(run_melrecon("espirit " + d + "/zero " + d + "/maps"), 1, d + "/zero.cfl",
                        "all zero; there is nothing to estimate");
  expect_one_line_error(run_melrecon("sense " + k + " " + s + " " + d + "/x --tol -1"), 2, "--tol",
                        "expected 0 or more");
  expect_one_line_error(run_melrecon("sense " + k + " " + s + " " + d + "/x --bogus"), 2,
                        "melrecon: usage error:", "--bogus");
}

TEST(BadInputCli, CommandLineMistakesAreNamedBeforeAnyWork) {
  const std::string d = simulated("bad_input_command_line", "2d", "24,20");
  const auto unknown = run_melrecon("frobnicate");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown command 'frobnicate'"), std::string::npos)
      << unknown.output;
  const auto option = run_melrecon("--bogus");
  EXPECT_EQ(option.exit_code, 2) << option.output;
  EXPECT_NE(option.output.find("unknown option '--bogus'"), std::string::npos) << option.output;
  // Devices: a name that is none, a GPU this machine does not show.
  const std::string eval = "eval --data " + d + "/data --methods zero-filled --accel 3 --calib 4";
  expect_one_line_error(run_melrecon(eval + " --device gpu"), 2, "--device 'gpu'",
                        "expected cpu, cuda or cuda:N");
  const auto gpu = run_melrecon(eval + " --device cuda:7");
  EXPECT_EQ(gpu.exit_code, 1) << gpu.output;
  EXPECT_NE(gpu.output.find("--device 'cuda:7'"), std::string::npos) << gpu.output;
  // Outputs whose folder does not exist are refused before the reconstruction is written.
  ASSERT_EQ(run_melrecon("train --data " + d + "/data --run " + d + "/run" + kTinyTrain).exit_code,
            0);
  const std::string k = d + "/data/case_0000/kspace", s = d + "/data/case_0000/maps";
  const auto png = run_melrecon("recon --model " + d + "/run " + k + " " + s + " " + d +
                                "/x --png " + d + "/missing/x.png");
  EXPECT_EQ(png.exit_code, 2) << png.output;
  EXPECT_FALSE(std::filesystem::exists(d + "/x.cfl")) << "an output was left behind";
  std::filesystem::create_directories(d + "/folder.nii");
  EXPECT_EQ(run_melrecon("recon --model " + d + "/run " + k + " " + s + " " + d + "/x --nifti " +
                         d + "/folder.nii")
                .exit_code,
            2);
  EXPECT_FALSE(std::filesystem::exists(d + "/x.cfl")) << "an output was left behind";
  // A write that fails after others (/dev/full: ENOSPC, as on a full disk) leaves none behind;
  // a build without libpng refuses the PNG before any work.
  if (std::filesystem::exists("/dev/full")) {
    const auto full = run_melrecon("recon --model " + d + "/run " + k + " " + s + " " + d +
                                   "/x --nifti " + d + "/x.nii --png /dev/full");
    EXPECT_EQ(full.exit_code, io::png_supported() ? 1 : 2) << full.output;
    EXPECT_NE(full.output.find("/dev/full"), std::string::npos) << full.output;
    for (const char* left : {"/x.cfl", "/x.hdr", "/x.nii"}) {
      EXPECT_FALSE(std::filesystem::exists(d + left)) << left << " was left behind";
    }
  }
  EXPECT_NE(run_melrecon("mask --kind 2d-lines --shape 32,32 \"\"").exit_code, 0);
  // A dataset that lists a case twice.
  io::DatasetInfo info = io::read_dataset_info(d + "/data");
  info.cases.push_back(info.cases.front());
  io::write_dataset_info(d + "/data", info);
  expect_one_line_error(
      run_melrecon("train --data " + d + "/data --run " + d + "/run2" + kTinyTrain), 1,
      d + "/data/dataset.json", "listed more than once");
}

TEST(BadInputCli, MessagesNameTheOptionOrFileAtFault) {
  const std::string d = simulated("bad_input_messages", "2d", "24,20");
  // A shape of the wrong rank for the kind names --shape and the axes.
  expect_one_line_error(run_melrecon("plan --kind 3d --shape 24,20 --coils 2"), 2, "--shape 24,20",
                        "Z,Y,X");
  // A run folder that is a file, or under one, is named; not a raw filesystem error.
  const std::string train = "train --data " + d + "/data" + kTinyTrain + " --run ";
  std::ofstream(d + "/notes.txt") << "not a folder\n";
  expect_one_line_error(run_melrecon(train + d + "/notes.txt"), 1, d + "/notes.txt",
                        "is a file, not a run folder");
  expect_one_line_error(run_melrecon(train + d + "/notes.txt/run"), 1, d + "/notes.txt/run",
                        "cannot create the run folder");
  // A run in the data folder would mix its files into the dataset, and go with it when the
  // dataset is regenerated.
  expect_one_line_error(run_melrecon(train + d + "/data/"), 1, d + "/data/", "is the data folder");
  expect_one_line_error(run_melrecon(train + d + "/./data/case_0000/run"), 1,
                        d + "/./data/case_0000/run", "lies in the dataset");
  EXPECT_FALSE(std::filesystem::exists(d + "/data/config.json"));
  EXPECT_FALSE(std::filesystem::exists(d + "/data/case_0000/run"));
  expect_one_line_error(run_melrecon(train + "\"\""), 2, "--run", "an empty path");
  expect_one_line_error(run_melrecon("simulate --kind 2d --shape 16,16 --out \"\""), 2, "--out",
                        "an empty path");
  // A --tile the network cannot take is refused before any probe, with the option named.
  expect_one_line_error(run_melrecon("plan --kind cine --shape 8,16,16 --coils 2 --tile 0,8"), 2,
                        "--tile 0,8", "T,Y,X");
  expect_one_line_error(run_melrecon("plan --kind cine --shape 8,16,16 --coils 2 --set "
                                     "model.cyclic_depth=true --tile 4,0,0"),
                        1, "--tile 4,0,0", "model.cyclic_depth");
  expect_one_line_error(run_melrecon("plan --kind 3d --shape 8,16,16 --coils 2 --set "
                                     "model.net=unet --tile 0,8,8"),
                        1, "--tile 0,8,8", "model.net unet");
  // A type error in the configuration file is its own, even when --set overrides the key.
  std::ofstream(d + "/config.json") << R"({"model": {"unrolls": "five"}})";
  expect_one_line_error(run_melrecon("train --data " + d + "/data --run " + d + "/run --config " +
                                     d + "/config.json --set model.unrolls=2"),
                        1, d + "/config.json", "model.unrolls");
  EXPECT_FALSE(std::filesystem::exists(d + "/run"));
  // convert takes folders of .h5 files; one without any is named.
  std::filesystem::create_directories(d + "/empty");
  expect_one_line_error(run_melrecon("convert " + d + "/empty " + d + "/out"), 1, d + "/empty",
                        "without .h5 files");
  // dataset.json's kind against the files' axes: named as such, not as a mask error.
  io::DatasetInfo info = io::read_dataset_info(d + "/data");
  info.kind = io::DataKind::volume3d;
  io::write_dataset_info(d + "/data", info);
  expect_one_line_error(run_melrecon("eval --data " + d + "/data --methods zero-filled"), 1,
                        d + "/data/dataset.json", "kind '3d'");
}

TEST(BadInputCli, DataLargerThanMemoryIsNamed) {
  // A consistent 8 GiB k-space (a sparse file) under a 4 GB address-space limit.
  const std::string d = test_support::temp_dir("bad_input_huge");
  std::ofstream(d + "/k.hdr") << "# Dimensions\n1024 1024 1 1024\n";
  ASSERT_EQ(test_support::run_command("truncate -s 8G " + d + "/k.cfl").exit_code, 0);
  const auto r = test_support::run_command("(ulimit -v 4000000; " + std::string(MELRECON_EXE) +
                                           " sense " + d + "/k " + d + "/s " + d + "/x)");
  expect_one_line_error(r, 1, d + "/k.cfl", "does not fit in this machine's memory");
}

TEST(BadInputCli, AModelAppliedToAnotherKindOfDataIsNamed) {
  const std::string d2 = simulated("bad_input_kind_2d", "2d", "24,20");
  ASSERT_EQ(
      run_melrecon("train --data " + d2 + "/data --run " + d2 + "/run" + kTinyTrain).exit_code, 0);
  const std::string d3 = simulated("bad_input_kind_3d", "3d", "8,16,16");
  expect_one_line_error(
      run_melrecon("eval --data " + d3 + "/data --model " + d2 + "/run --accel 3 --calib 4"), 1,
      d2 + "/run", "2d");
  expect_one_line_error(
      run_melrecon("recon --model " + d2 + "/run " + d3 + "/data/case_0000/kspace " + d3 +
                   "/data/case_0000/maps " + d3 + "/x"),
      1, d2 + "/run", "2d");
}

}  // namespace
}  // namespace melrecon

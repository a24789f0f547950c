#include "recon/bart_pics.h"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "core/error.h"

namespace melrecon::recon {

bool bart_available() { return std::system("bart version > /dev/null 2>&1") == 0; }

at::Tensor bart_pics_l1(const at::Tensor& kspace, const at::Tensor& maps, const at::Tensor& mask,
                        io::DataKind kind, double lambda, int64_t iters,
                        const std::string& work_dir) {
  std::filesystem::create_directories(work_dir);
  const std::string k = work_dir + "/k", s = work_dir + "/s", m = work_dir + "/m",
                    x = work_dir + "/x";
  io::write_bart(k, kspace.cpu(), io::Role::kspace, kind);
  io::write_bart(s, maps.cpu(), io::Role::maps, kind);
  io::write_bart(
      m, at::real(mask).cpu().expand_as(at::real(kspace.narrow(1, 0, 1)).cpu()).contiguous(),
      io::Role::mask, kind);
  const std::string command =
      fmt::format("bart pics -l1 -r {} -w 1 -i {} -p {} {} {} {} > {}/log 2>&1", lambda, iters, m,
                  k, s, x, work_dir);
  MELRECON_CHECK(std::system(command.c_str()) == 0, "bart pics failed (see {}/log)", work_dir);
  return io::read_bart(x, io::Role::image, kind).to(kspace.device());
}

}  // namespace melrecon::recon

// The Gloo headers melrecon compiles ProcessGroupGloo against (third_party/gloo) are those of
// the Gloo inside LibTorch: torch's GlooStore, a gloo::rendezvous::Store defined in torch's
// header, passes values through Gloo's interface. Compiling it here also puts its virtual table
// into this test program, which scripts/check_gloo_headers.py (CTest
// GlooHeaders.MatchTheLibrary) compares with libtorch_cpu's.
#include <gtest/gtest.h>

#include "core/config.h"
#if MELRECON_HAVE_GLOO
#include <torch/csrc/distributed/c10d/HashStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <memory>
#include <string>
#include <vector>

namespace melrecon::dist {
namespace {

TEST(GlooHeaders, TorchsGlooStoreWorksThroughGloosStoreInterface) {
  auto hash = c10::make_intrusive<c10d::HashStore>();
  std::unique_ptr<gloo::rendezvous::Store> store =
      std::make_unique<c10d::ProcessGroupGloo::GlooStore>(hash);
  const std::vector<char> value{'m', 'e', 'l'};
  store->set("key", value);
  EXPECT_EQ(store->get("key"), value);
  // and the c10d store underneath holds the same bytes
  const std::vector<uint8_t> raw = hash->get("key");
  EXPECT_EQ(std::string(raw.begin(), raw.end()), "mel");
}

}  // namespace
}  // namespace melrecon::dist
#endif

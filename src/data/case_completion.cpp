#include "data/case_completion.h"

#include "calib/coil_maps.h"
#include "mri/sense_op.h"

namespace melrecon::data {

calib::Kind calib_kind(io::DataKind kind) {
  switch (kind) {
    case io::DataKind::image2d:
      return calib::Kind::image2d;
    case io::DataKind::volume3d:
      return calib::Kind::volume3d;
    case io::DataKind::cine:
      return calib::Kind::cine;
  }
  return calib::Kind::image2d;
}

void complete_case(io::CaseData& c, io::DataKind kind, const std::vector<int64_t>& fft_axes,
                   const std::function<void(const at::Tensor&)>& store_maps) {
  if (!c.maps.defined()) {
    c.maps = calib::estimate_coil_maps(c.kspace, calib_kind(kind), calib::CoilMapOptions());
    store_maps(c.maps);
  }
  if (!c.reference.defined()) {
    c.reference =
        mri::SenseOp(c.maps, {}, mri::SenseOptions().fft_axes(fft_axes)).adjoint(c.kspace);
  }
}

}  // namespace melrecon::data

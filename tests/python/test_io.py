"""Files and tensors between Python and the C++ library: BART cfl round trips, dataset folders,
no copies, and C++ errors as Python exceptions with the same one-line message."""

import numpy as np
import pytest
import torch

import melrecon


def test_cfl_round_trip_in_bart_order(tmp_path):
    data = torch.randn(6, 5, 1, 4, dtype=torch.complex64)
    melrecon.write_cfl(tmp_path / "x", data)
    back = melrecon.read_cfl(str(tmp_path / "x.cfl"))
    assert back.shape == data.shape
    assert torch.equal(back, data)
    # The file is column-major: BART dimension 0 varies fastest.
    raw = np.fromfile(tmp_path / "x.cfl", dtype=np.complex64)
    assert np.array_equal(raw, data.numpy().ravel(order="F"))
    header = (tmp_path / "x.hdr").read_text().split("\n")
    assert header[1].split()[:5] == ["6", "5", "1", "4", "1"]


def test_cfl_drops_trailing_singletons_like_bart(tmp_path):
    melrecon.write_cfl(str(tmp_path / "y"), torch.ones(3, 4, 1, 1, dtype=torch.complex64))
    assert melrecon.read_cfl(str(tmp_path / "y")).shape == (3, 4)


def test_cfl_in_melrecon_layout(tmp_path):
    kspace = torch.randn(1, 4, 5, 6, dtype=torch.complex64)  # [B, C, Y, X]
    melrecon.write_cfl(str(tmp_path / "k"), kspace, role="kspace", kind="2d")
    bart = melrecon.read_cfl(str(tmp_path / "k"))
    assert bart.shape == (6, 5, 1, 4)  # READ, PHS1, PHS2, COIL
    assert torch.equal(bart.permute(3, 1, 0, 2)[:, :, :, 0], kspace[0])
    assert torch.equal(melrecon.read_cfl(str(tmp_path / "k"), role="kspace"), kspace)


def test_errors_are_python_exceptions_with_one_line(tmp_path):
    with pytest.raises(melrecon.Error) as e:
        melrecon.read_cfl(str(tmp_path / "missing"))
    assert "missing.hdr" in str(e.value) and "\n" not in str(e.value)
    (tmp_path / "bad.hdr").write_text("# Dimensions\n4 x 1\n")
    (tmp_path / "bad.cfl").write_bytes(b"")
    with pytest.raises(melrecon.Error, match="bad.hdr"):
        melrecon.read_cfl(str(tmp_path / "bad"))
    melrecon.write_cfl(tmp_path / "good", torch.ones(4, 3, dtype=torch.complex64))
    with pytest.raises(ValueError, match="data kind") as e:
        melrecon.read_cfl(tmp_path / "good", role="kspace", kind="4d")
    assert "\n" not in str(e.value)


def test_dataset_folder(demo_data):
    ds = melrecon.Dataset(demo_data)
    assert len(ds) == 3 and ds.kind == "2d"
    case = ds[1]
    assert case["kspace"].shape == (1, 4, 32, 24) and case["kspace"].dtype == torch.complex64
    assert case["maps"].shape == (1, 4, 32, 24)
    assert case["reference"].shape == (1, 32, 24)
    with pytest.raises(IndexError):
        ds[3]


def test_tensors_cross_without_copies():
    maps = torch.randn(1, 2, 7, 5, dtype=torch.complex64)  # odd sizes: kept as given
    op = melrecon.SenseOp(maps)
    assert op.maps.data_ptr() == maps.data_ptr()
    path = melrecon.Problem(op, torch.zeros(1, 2, 7, 5, dtype=torch.complex64)).op.maps
    assert path.data_ptr() == maps.data_ptr()
    model = melrecon.build_model({"model": {"unrolls": 2, "layers": 3, "features": 4}}, "2d")
    cpp = dict(model.network.named_parameters())
    for name, p in model.named_parameters():
        assert p.data_ptr() == cpp[name].data_ptr(), name
        assert isinstance(p, torch.nn.Parameter)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_tensors_cross_without_copies():
    maps = torch.randn(1, 2, 7, 5, dtype=torch.complex64, device="cuda")
    op = melrecon.SenseOp(maps)
    assert op.maps.data_ptr() == maps.data_ptr()
    x = torch.randn(1, 7, 5, dtype=torch.complex64, device="cuda")
    assert op.forward(x).device.type == "cuda"

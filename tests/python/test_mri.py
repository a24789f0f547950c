"""The MRI pieces from Python: SENSE adjointness and autograd, masks, CG-SENSE, metrics."""

import pytest
import torch

import melrecon


def random_problem(batch=2, coils=3, shape=(8, 6), dtype=torch.complex128, seed=0):
    g = torch.Generator().manual_seed(seed)
    maps = torch.randn(batch, coils, *shape, dtype=dtype, generator=g)
    mask = (torch.rand(1, 1, *shape, generator=g) > 0.4).to(maps.real.dtype)
    return maps, mask, g


def test_sense_adjointness_and_normal():
    maps, mask, g = random_problem()
    op = melrecon.SenseOp(maps, mask)
    x = torch.randn(2, 8, 6, dtype=torch.complex128, generator=g)
    y = torch.randn(2, 3, 8, 6, dtype=torch.complex128, generator=g)
    lhs = torch.vdot(op.forward(x).flatten(), y.flatten())
    rhs = torch.vdot(x.flatten(), op.adjoint(y).flatten())
    assert abs(lhs - rhs) / abs(lhs) < 1e-12
    assert torch.allclose(op.normal(x), op.adjoint(op.forward(x)), rtol=0, atol=1e-12)


def test_sense_is_differentiable_in_autograd():
    maps, mask, g = random_problem(batch=1, coils=2, shape=(4, 4))
    op = melrecon.SenseOp(maps, mask, coil_chunk=1)
    x = torch.randn(1, 4, 4, dtype=torch.complex128, generator=g, requires_grad=True)
    assert torch.autograd.gradcheck(op.forward, (x,))
    assert torch.autograd.gradcheck(op.normal, (x,))


def test_sense_shape_errors_name_the_tensor():
    maps = torch.randn(1, 4, 8, 6, dtype=torch.complex64)
    with pytest.raises(melrecon.Error, match="mask") as e:
        melrecon.SenseOp(maps, torch.ones(1, 1, 7, 6))
    assert "\n" not in str(e.value)


def test_masks_reach_their_acceleration():
    for kind, shape in [("2d-lines", [64, 48]), ("2d-poisson", [48, 48]), ("3d", [32, 32, 16]),
                        ("cine-vista", [8, 48, 32])]:
        mask = melrecon.make_mask(kind, shape, accel=4.0, calib=8, seed=3)
        assert mask.dtype == torch.float32
        assert abs(melrecon.acceleration(mask) - 4.0) < 0.25, kind
    with pytest.raises(ValueError, match="mask kind"):
        melrecon.make_mask("spiral", [8, 8])


def test_cg_sense_recovers_a_fully_sampled_image():
    maps, _, g = random_problem(batch=1, coils=4, shape=(16, 12))
    maps = maps / maps.abs().square().sum(1, keepdim=True).sqrt()  # unit coil vectors
    op = melrecon.SenseOp(maps)
    x = torch.randn(1, 16, 12, dtype=torch.complex128, generator=g)
    image = melrecon.cg_sense(op, op.forward(x), lam=0.0, iters=20)
    assert (image - x).norm() / x.norm() < 1e-6


def test_metrics():
    g = torch.Generator().manual_seed(1)
    ref = torch.rand(1, 32, 32, generator=g) + 0.1
    noisy = ref + 0.05 * torch.randn(1, 32, 32, generator=g)
    assert float(melrecon.ssim(ref[0], ref[0])) == pytest.approx(1.0)
    mse = ((noisy - ref) / ref.max()).square().mean()
    assert float(melrecon.psnr(noisy[0], ref[0])) == pytest.approx(float(-10 * torch.log10(mse)),
                                                                  rel=1e-5)
    assert 0 < float(melrecon.nrmse(noisy[0], ref[0])) < 0.2

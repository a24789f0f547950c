"""Unrolled networks written in Python through the C++ gradient strategies: `mel` gives plain
autograd's gradients, in memory that does not grow with the number of unrolls."""

import pytest
import torch

import melrecon


class PythonModl(torch.nn.Module):
    """MoDL in a few lines of PyTorch: x_{k+1} = (AᴴA + λI)⁻¹(Aᴴy + λ·D(x_k)), D = I + CNN."""

    def __init__(self, num_unrolls, features=16):
        super().__init__()
        self.num_unrolls = num_unrolls
        torch.manual_seed(0)
        self.cnn = torch.nn.Sequential(
            torch.nn.Conv2d(2, features, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(features, features, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(features, 2, 3, padding=1)).double()
        self.lam = torch.nn.Parameter(torch.tensor(0.5, dtype=torch.float64))

    def denoise(self, x):
        channels = torch.view_as_real(x).permute(0, 3, 1, 2)
        residual = self.cnn(channels).permute(0, 2, 3, 1).contiguous()
        return x + torch.view_as_complex(residual)

    def unroll(self, k, x, problem):
        rhs = problem.aty + self.lam * self.denoise(x)
        return melrecon.data_consistency(problem, rhs, self.lam, cg_iters=6)


def problem(size=48, coils=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    maps = torch.randn(1, coils, size, size, dtype=torch.complex128, generator=g)
    maps = maps / maps.abs().square().sum(1, keepdim=True).sqrt()
    mask = melrecon.make_mask("2d-lines", [size, size], accel=4.0, calib=6, seed=seed).double()
    op = melrecon.SenseOp(maps, mask)
    image = torch.randn(1, size, size, dtype=torch.complex128, generator=g)
    return melrecon.Problem(op, op.forward(image)), image


def l2(reference):
    return lambda output: (output - reference).abs().square().mean()


def plain_autograd(model, p, loss):
    x = p.aty
    for k in range(model.num_unrolls):
        x = model.unroll(k, x, p)
    value = loss(x)
    value.backward()
    return value.item()


def test_mel_gradients_equal_plain_autograd():
    p, reference = problem()
    model = PythonModl(4)
    expected_loss = plain_autograd(model, p, l2(reference))
    expected = [q.grad.clone() for q in model.parameters()]
    for strategy in ["full", "mel"]:
        model.zero_grad()
        r = melrecon.training_step(model, p, l2(reference), strategy)
        assert abs(r["loss"] - expected_loss) <= 1e-12 * abs(expected_loss)
        for q, e in zip(model.parameters(), expected):
            assert ((q.grad - e).norm() / e.norm()).item() < 1e-10, strategy


def peak_increase(run):
    melrecon.memory.reset_peak()
    start = melrecon.memory.current_bytes()
    run()
    return melrecon.memory.peak_bytes() - start


def test_mel_memory_is_flat_in_the_number_of_unrolls():
    """Per added unroll, mel keeps that unroll's input (one image) and autograd its whole graph."""
    melrecon.memory.install()
    size = 64
    p, reference = problem(size=size)
    peaks = {}
    for n in [2, 8]:
        model = PythonModl(n)
        peaks["mel", n] = peak_increase(
            lambda: melrecon.training_step(model, p, l2(reference), "mel"))
        model.zero_grad()
        peaks["autograd", n] = peak_increase(lambda: plain_autograd(model, p, l2(reference)))
    image_bytes = size * size * 16  # complex128
    per_unroll = {how: (peaks[how, 8] - peaks[how, 2]) / 6 for how in ["mel", "autograd"]}
    assert per_unroll["mel"] <= 2 * image_bytes, (per_unroll, peaks)
    assert per_unroll["autograd"] >= 10 * image_bytes, (per_unroll, peaks)
    assert peaks["mel", 8] < peaks["autograd", 8], peaks


def test_python_errors_and_missing_methods():
    p, reference = problem(size=32)

    class Broken(PythonModl):
        def unroll(self, k, x, problem):
            raise KeyError("unroll failed")

    with pytest.raises(KeyError, match="unroll failed"):
        melrecon.training_step(Broken(2), p, l2(reference), "mel")
    with pytest.raises(melrecon.Error, match="invert_unroll"):
        melrecon.training_step(PythonModl(2), p, l2(reference), "mel-invertible")
    with pytest.raises(ValueError, match="num_unrolls"):
        melrecon.training_step(object(), p, l2(reference), "mel")
    with pytest.raises(ValueError, match="gradient strategy"):
        melrecon.training_step(PythonModl(2), p, l2(reference), "fastest")


class InvertibleSteps(torch.nn.Module):
    """x_{k+1} = x_k + η_k·(Aᴴy − AᴴA x_k)·s: gradient steps, invertible by a fixed point."""

    def __init__(self, num_unrolls):
        super().__init__()
        self.num_unrolls = num_unrolls
        self.eta = torch.nn.Parameter(torch.linspace(0.2, 0.4, num_unrolls, dtype=torch.float64))
        self.calls = {"invert": 0}

    def unroll(self, k, x, problem):
        return x + self.eta[k] * (problem.aty - problem.op.normal(x))

    def invert_unroll(self, k, output, problem):
        # x = output − η(Aᴴy − AᴴA x): a contraction for η‖AᴴA‖ < 1; iterate to round-off.
        self.calls["invert"] += 1
        x = output
        for i in range(200):
            previous, x = x, output - self.eta[k] * (problem.aty - problem.op.normal(x))
            if (x - previous).norm() <= 1e-15 * x.norm():
                return x, i + 1
        return x, 200


def test_mel_invertible_uses_the_python_inverse():
    p, reference = problem(size=32)
    model = InvertibleSteps(6)
    plain_autograd(model, p, l2(reference))
    expected = model.eta.grad.clone()
    model.zero_grad()
    r = melrecon.training_step(model, p, l2(reference), "mel-invertible", checkpoint_every=0)
    # x_5 ... x_1 recovered from their outputs, and x_0 to measure the drift against the stored one
    assert model.calls["invert"] == 6
    assert r["fixed_point_iterations"] > 0 and r["fallbacks"] == 0
    assert ((model.eta.grad - expected).norm() / expected.norm()).item() < 1e-10

#!/usr/bin/env python3
"""An unrolled network written in PyTorch, trained through melrecon's gradient strategies from
Python: peak memory and time of one training step against plain PyTorch autograd.

Network: MoDL written in PyTorch (tests/python's and docs/python.md's), a 5-layer CNN with 64
features, 3x3 kernels, ReLU, residual, shared by the unrolls; melrecon's data consistency
(CG, 8 iterations, implicit backward) in every variant, so only the gradient strategy differs:
  autograd   x = Aᴴy; for k: x = net.unroll(k, x); loss(x).backward()   (PyTorch keeps every graph)
  full       melrecon.training_step(net, ..., "full")  (the same, driven from C++)
  mel        melrecon.training_step(net, ..., "mel")   (one unroll's graph at a time)
Problem: 2D, random unit coil maps, a 2d-lines mask at R = 4; float32 on the CPU, one thread.
Memory: peak live tensor bytes from melrecon's counting allocator (melrecon.memory), exact.

  PYTHONPATH=build/python .venv/bin/python bench/python_mel.py [--size 128] [--coils 8]
      [--unrolls 1,5,10] [--steps 2]
"""
import argparse
import time

import torch

import melrecon


class PythonModl(torch.nn.Module):
    def __init__(self, num_unrolls, features=64, layers=5):
        super().__init__()
        self.num_unrolls = num_unrolls
        convs = [torch.nn.Conv2d(2, features, 3, padding=1)]
        for _ in range(layers - 2):
            convs += [torch.nn.ReLU(), torch.nn.Conv2d(features, features, 3, padding=1)]
        convs += [torch.nn.ReLU(), torch.nn.Conv2d(features, 2, 3, padding=1)]
        self.cnn = torch.nn.Sequential(*convs)
        self.lam = torch.nn.Parameter(torch.tensor(0.05))

    def unroll(self, k, x, problem):
        residual = self.cnn(torch.view_as_real(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        z = x + torch.view_as_complex(residual.contiguous())
        return melrecon.data_consistency(problem, problem.aty + self.lam * z, self.lam, cg_iters=8)


def make_problem(size, coils):
    g = torch.Generator().manual_seed(0)
    maps = torch.randn(1, coils, size, size, dtype=torch.complex64, generator=g)
    maps = maps / maps.abs().square().sum(1, keepdim=True).sqrt()
    mask = melrecon.make_mask("2d-lines", [size, size], accel=4.0, calib=16, seed=0)
    op = melrecon.SenseOp(maps, mask)
    image = torch.randn(1, size, size, dtype=torch.complex64, generator=g)
    kspace = op.forward(image)
    scale = op.adjoint(kspace).abs().max()
    return melrecon.Problem(op, kspace / scale), image / scale


def step(variant, net, problem, reference):
    loss = lambda x: (x - reference).abs().mean()  # noqa: E731
    net.zero_grad()
    if variant == "autograd":
        x = problem.aty
        for k in range(net.num_unrolls):
            x = net.unroll(k, x, problem)
        loss(x).backward()
    else:
        melrecon.training_step(net, problem, loss, variant)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--coils", type=int, default=8)
    parser.add_argument("--unrolls", default="1,5,10")
    parser.add_argument("--steps", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(1)
    melrecon.memory.install()
    problem, reference = make_problem(args.size, args.coils)
    print(f"2D {args.size}x{args.size}, {args.coils} coils, CNN 5x64, CG 8, float32, 1 thread, "
          f"torch {torch.__version__}")
    print("| unrolls | variant | peak MiB | step s |")
    print("|---|---|---|---|")
    for n in [int(u) for u in args.unrolls.split(",")]:
        torch.manual_seed(0)
        net = PythonModl(n)
        for variant in ["autograd", "full", "mel"]:
            step(variant, net, problem, reference)  # warm-up
            times, peaks = [], []
            for _ in range(args.steps):
                melrecon.memory.reset_peak()
                start_bytes = melrecon.memory.current_bytes()
                t0 = time.perf_counter()
                step(variant, net, problem, reference)
                times.append(time.perf_counter() - t0)
                peaks.append(melrecon.memory.peak_bytes() - start_bytes)
            print(f"| {n} | {variant} | {max(peaks) / 2**20:.1f} | {min(times):.2f} |", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch reference for bench/mel_memory: the same MoDL written the way a PyTorch user would.

Variants (one training step each, peak memory and step time):
  plain       autograd through every unroll and every CG iteration (the released code's DC)
  checkpoint  torch.utils.checkpoint around each unroll
  mel         MEL as released: forward without graph storing unroll inputs, backward unroll by
              unroll, CG differentiated step by step inside each rebuilt unroll
  mel-implicit  MEL with data consistency's implicit backward (one more CG solve, a custom
              autograd.Function); a rebuilt unroll takes its known output (the next stored input)
              instead of solving again: what melrecon's `mel` does, written in PyTorch
  mel-best    the strongest variant a PyTorch user could write: mel-implicit + the CNN under
              bfloat16 autocast

Problem: random maps (unit root-sum-of-squares), a random line mask, 5-layer CNN with 64
features and 3x3(x3) kernels, ReLU, zero padding, residual; CG with 8 iterations; lambda 0.05.
Memory: CUDA peak allocated bytes on a GPU (as melrecon's bench/mel_memory reports). On the CPU
PyTorch exposes no live-tensor counter, so each configuration runs in its own process and the
growth of its peak resident set over the resident set before the timed steps is reported: it
includes the allocator's cached pages, an upper bound of the live-tensor peak.

  python3 bench/pytorch_modl.py --case 2d --unrolls 1,2,5,10 [--device cuda] [--scale full]
"""
import argparse
import resource
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.utils.checkpoint as tcp

CASES = {  # name: (cpu shape, full shape, fft dims counted from the end, 3d conv)
    "2d": ((1, 128, 128), (1, 256, 256), 2, False),
    "3d-slab": ((1, 8, 64, 64), (1, 15, 320, 256), 2, True),
    "cine": ((1, 10, 64, 64), (1, 20, 256, 256), 2, True),
}


def fftc(x, dims):
    return torch.fft.fftshift(torch.fft.fftn(torch.fft.ifftshift(x, dims), dim=dims, norm="ortho"), dims)


def ifftc(x, dims):
    return torch.fft.fftshift(torch.fft.ifftn(torch.fft.ifftshift(x, dims), dim=dims, norm="ortho"), dims)


class Sense:
    def __init__(self, maps, mask, nfft):
        self.maps, self.mask = maps, mask
        self.dims = tuple(range(-nfft, 0))

    def normal(self, x):
        k = fftc(x.unsqueeze(1) * self.maps, self.dims) * self.mask
        return (ifftc(k, self.dims) * self.maps.conj()).sum(1)

    def adjoint(self, k):
        return (ifftc(k * self.mask, self.dims) * self.maps.conj()).sum(1)


def cg(op, b, lam, iters):
    x = torch.zeros_like(b)
    r = b.clone()
    p = r.clone()
    rr = (r.conj() * r).real.sum()
    for _ in range(iters):
        ap = op(p) + lam * p
        alpha = rr / (p.conj() * ap).real.sum()
        x = x + alpha * p
        r = r - alpha * ap
        rr_new = (r.conj() * r).real.sum()
        p = r + (rr_new / rr) * p
        rr = rr_new
    return x


class ImplicitCG(torch.autograd.Function):
    @staticmethod
    def forward(ctx, rhs, lam, op, iters, known=None):
        with torch.no_grad():
            x = known if known is not None else cg(op.normal, rhs, lam, iters)
        ctx.save_for_backward(x, lam)
        ctx.op, ctx.iters = op, iters
        return x

    @staticmethod
    def backward(ctx, g):
        x, lam = ctx.saved_tensors
        with torch.no_grad():
            v = cg(ctx.op.normal, g, lam, ctx.iters)
        return v, -(v.conj() * x).real.sum().reshape(lam.shape), None, None, None


class Cnn(nn.Module):
    def __init__(self, conv3d, features=64, layers=5):
        super().__init__()
        conv = nn.Conv3d if conv3d else nn.Conv2d
        chans = [2] + [features] * (layers - 1) + [2]
        self.convs = nn.ModuleList(conv(chans[i], chans[i + 1], 3, padding=1) for i in range(layers))

    def forward(self, x):  # complex [B, *S] -> complex, residual
        h = torch.view_as_real(x).movedim(-1, 1)
        for i, c in enumerate(self.convs):
            h = c(h)
            if i + 1 < len(self.convs):
                h = torch.relu(h)
        return x + torch.view_as_complex(h.float().movedim(1, -1).contiguous())


class Modl(nn.Module):
    def __init__(self, conv3d, unrolls, cg_iters, implicit=False, bf16=False):
        super().__init__()
        self.cnn = Cnn(conv3d)
        self.log_lam = nn.Parameter(torch.tensor(0.05).log())
        self.unrolls, self.cg_iters, self.implicit, self.bf16 = unrolls, cg_iters, implicit, bf16

    def unroll(self, x, op, aty, known=None):
        lam = self.log_lam.exp()
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=self.bf16):
            z = self.cnn(x)
        rhs = aty + lam * z
        if self.implicit:
            return ImplicitCG.apply(rhs, lam, op, self.cg_iters, known)
        return cg(op.normal, rhs, lam, self.cg_iters)


def step(model, variant, op, aty, target):
    model.zero_grad(set_to_none=False)
    if variant in ("plain", "checkpoint"):
        x = aty
        for _ in range(model.unrolls):
            if variant == "checkpoint":
                x = tcp.checkpoint(model.unroll, x, op, aty, use_reentrant=False)
            else:
                x = model.unroll(x, op, aty)
        (x - target).abs().mean().backward()
        return
    # MEL. The implicit variants also run the last unroll with its graph right away (rebuilding
    # it would only repeat it) and give each rebuilt unroll its known output, as melrecon does.
    implicit = model.implicit
    inputs = []
    with torch.no_grad():
        x = aty
        for _ in range(model.unrolls - 1 if implicit else model.unrolls):
            inputs.append(x)
            x = model.unroll(x, op, aty)
    if implicit:
        x_last = x.detach().requires_grad_(True)
        out = model.unroll(x_last, op, aty)
        (out - target).abs().mean().backward()
        grad, x = x_last.grad, out.detach()
        outputs = inputs[1:] + [x_last.detach()]
    else:
        xn = x.detach().requires_grad_(True)
        (xn - target).abs().mean().backward()
        grad = xn.grad
        outputs = inputs[1:] + [x]
    for x_k, x_next in zip(reversed(inputs), reversed(outputs)):
        x_k = x_k.detach().requires_grad_(True)
        out = model.unroll(x_k, op, aty, x_next if implicit else None)
        out.backward(grad)
        grad = x_k.grad


def max_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", default="2d", choices=CASES)
    ap.add_argument("--scale", default="cpu", choices=["cpu", "full"])
    ap.add_argument("--unrolls", default="1,2,5,10")
    ap.add_argument("--variants", default="plain,checkpoint,mel,mel-implicit,mel-best")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--coils", type=int, default=8)
    ap.add_argument("--cg-iters", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    dev = torch.device(a.device)
    if dev.type == "cpu" and not a.one:
        # one process per configuration, so that each resident-set peak is its own
        print(f"pytorch_modl: torch {torch.__version__} case={a.case} scale={a.scale} device=cpu "
              f"threads={torch.get_num_threads()}")
        print(f"{'variant':<12} {'unrolls':>7} {'peak':>12} {'step [s]':>10} {'cpu [s]':>9}")
        for n in a.unrolls.split(","):
            for variant in a.variants.split(","):
                args = [sys.executable, __file__, "--one", "--case", a.case, "--scale", a.scale,
                        "--unrolls", n, "--variants", variant, "--coils", str(a.coils),
                        "--cg-iters", str(a.cg_iters), "--repeats", str(a.repeats)]
                out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
                print(out.strip().splitlines()[-1], flush=True)
        return
    cpu_shape, full_shape, nfft, conv3d = CASES[a.case]
    shape = full_shape if a.scale == "full" else cpu_shape
    g = torch.Generator().manual_seed(1)
    kshape = (shape[0], a.coils) + shape[1:]
    maps = torch.randn(kshape, dtype=torch.complex64, generator=g)
    maps = maps / maps.abs().pow(2).sum(1, keepdim=True).sqrt()
    mshape = [1, 1] + list(shape[1:-1]) + [1]
    mask = (torch.rand(mshape, generator=g) < 0.5).float()
    op = Sense(maps.to(dev), mask.to(dev), nfft)
    image = torch.randn(shape, dtype=torch.complex64, generator=g).to(dev)
    aty = op.adjoint(fftc(image.unsqueeze(1) * op.maps, op.dims) * op.mask)
    target = torch.randn(shape, dtype=torch.complex64, generator=g).to(dev)
    print(f"pytorch_modl: torch {torch.__version__} case={a.case} scale={a.scale} shape={shape} "
          f"device={dev} threads={torch.get_num_threads()}")
    print(f"{'variant':<12} {'unrolls':>7} {'peak':>12} {'step [s]':>10} {'cpu [s]':>9}")
    for n in [int(u) for u in a.unrolls.split(",")]:
        for variant in a.variants.split(","):
            torch.manual_seed(0)
            model = Modl(conv3d, n, a.cg_iters, implicit=variant in ("mel-implicit", "mel-best"),
                         bf16=variant == "mel-best").to(dev)
            rss_before = current_rss_bytes() if dev.type == "cpu" else 0
            step(model, variant, op, aty, target)  # warm-up, gradients allocated
            if dev.type == "cuda":
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
            times, cpu_times = [], []
            for _ in range(a.repeats):
                t0, c0 = time.perf_counter(), time.process_time()
                step(model, variant, op, aty, target)
                if dev.type == "cuda":
                    torch.cuda.synchronize()
                times.append(time.perf_counter() - t0)
                cpu_times.append(time.process_time() - c0)
            peak = torch.cuda.max_memory_allocated() if dev.type == "cuda" else max_rss_bytes() - rss_before
            label = "peak allocated" if dev.type == "cuda" else "RSS growth, upper bound"
            median = lambda v: sorted(v)[len(v) // 2]
            print(f"{variant:<12} {n:>7} {peak / 2**20:>9.1f} MiB {median(times):>10.3f} "
                  f"{median(cpu_times):>9.3f}   ({label})", flush=True)


if __name__ == "__main__":
    main()

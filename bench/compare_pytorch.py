#!/usr/bin/env python3
"""melrecon against the PyTorch reference (bench/pytorch_modl.py), like for like, side by side.

For each case and unroll count, in rounds that alternate the two so that both see the same
machine: melrecon's `mel` (implicit CG backward) against PyTorch MEL with the implicit CG backward
(`mel-implicit`), and melrecon's `mel` with a bfloat16 CNN against PyTorch's `mel-best` (MEL +
implicit CG + bfloat16 autocast). Every measurement is its own process with the same thread count;
step time is the median over rounds of each process's median step. Memory: the resident-set
growth of each process (the one measure PyTorch has on the CPU; an upper bound of the live-tensor
peak) and, for melrecon, the exact live-tensor peak of its counting allocator.

  .venv/bin/python bench/compare_pytorch.py --build build --cases 2d,3d-slab,cine --unrolls 1,5,10
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 2.0**20


def run(cmd, env):
    return subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout


def size_mib(text):
    value, unit = text.split()
    return float(value) * (1024.0 if unit == "GiB" else 1.0)


def melrecon(a, env, case, n, precision):
    out = run([os.path.join(a.build, "bench", "mel_memory"), "--scale", a.scale, "--cases", case,
               "--strategies", "mel", "--unrolls", str(n), "--precision", precision,
               "--repeats", str(a.repeats)], env)
    row = next(l for l in out.splitlines() if l.startswith(case + " "))
    fields = row.split()
    rss = re.search(r"resident-set growth over the run: ([\d.]+ [MG]iB)", out).group(1)
    return {"step": float(fields[5]), "peak": size_mib(fields[3] + " " + fields[4]), "rss": size_mib(rss)}


def pytorch(a, env, case, n, variant):
    out = run([sys.executable, os.path.join(HERE, "pytorch_modl.py"), "--one", "--scale", a.scale,
               "--case", case, "--unrolls", str(n), "--variants", variant,
               "--repeats", str(a.repeats)], env)
    fields = out.strip().splitlines()[-1].split()
    return {"step": float(fields[4]), "rss": size_mib(fields[2] + " " + fields[3])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--scale", default="cpu", choices=["cpu", "full"])
    ap.add_argument("--cases", default="2d,3d-slab,cine")
    ap.add_argument("--unrolls", default="1,5,10")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), MKL_NUM_THREADS=str(a.threads))
    pairs = [("float32", "mel-implicit"), ("bfloat16", "mel-best")]
    print(f"compare_pytorch: scale={a.scale} threads={a.threads} rounds={a.rounds} "
          f"steps per process={a.repeats} (+1 warm-up)")
    print("| case | unrolls | melrecon | step [s] | peak (exact) | RSS growth | PyTorch | step [s] "
          "| RSS growth | PyTorch / melrecon time | RSS ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for case in a.cases.split(","):
        for n in [int(u) for u in a.unrolls.split(",")]:
            for precision, variant in pairs:
                ours, theirs = [], []
                for _ in range(a.rounds):
                    ours.append(melrecon(a, env, case, n, precision))
                    theirs.append(pytorch(a, env, case, n, variant))
                t_ours = statistics.median(r["step"] for r in ours)
                t_theirs = statistics.median(r["step"] for r in theirs)
                rss_ours = statistics.median(r["rss"] for r in ours)
                rss_theirs = statistics.median(r["rss"] for r in theirs)
                label = "mel" if precision == "float32" else "mel, bf16 CNN"
                print(f"| {case} | {n} | {label} | {t_ours:.3f} | {ours[0]['peak']:.1f} MiB "
                      f"| {rss_ours:.1f} MiB | {variant} | {t_theirs:.3f} | {rss_theirs:.1f} MiB "
                      f"| {t_theirs / t_ours:.2f} | {rss_theirs / rss_ours:.2f} |", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Data-parallel training throughput: examples per second of `melrecon train` with 1 and 2
ranks (`--nproc`, Gloo over loopback on the CPU), the same model and data, side by side.

Rows: 1 process (batch 1; and batch 2, the two-rank run's effective batch) and 2 processes
(batch 1 each). Each rank gets cores / ranks threads (run.threads=0) unless --threads is given.
Examples/s counts the steps after --warmup, from log.jsonl's per-step seconds as rank 0 measured
them (the step includes the gradient allreduce).

  .venv/bin/python bench/data_parallel.py [--melrecon build/app/melrecon] [--kind 2d]
      [--shape 128,128] [--coils 8] [--steps 12] [--warmup 2] [--threads N] [--device cuda]
"""
import argparse
import json
import os
import subprocess
import tempfile


def run(melrecon, data, folder, extra):
    cmd = [melrecon, "train", "--data", data, "--run", folder] + extra
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(folder, "log.jsonl")) as log:
        return [json.loads(line) for line in log if '"type":"step"' in line.replace(" ", "")]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--melrecon", default="build/app/melrecon")
    p.add_argument("--kind", default="2d")
    p.add_argument("--shape", default="128,128")
    p.add_argument("--coils", default="8")
    p.add_argument("--steps", type=int, default=12)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--device", default="cpu", help="cpu, or cuda (rank r takes cuda:r)")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        subprocess.run([a.melrecon, "simulate", "--kind", a.kind, "--shape", a.shape, "--cases",
                        "8", "--coils", a.coils, "--seed", "1", "--out", data],
                       check=True, stdout=subprocess.DEVNULL)
        common = ["--steps", str(a.steps), "--set", "run.progress=false",
                  "--set", "run.val_every=100000", "--set", f"run.threads={a.threads}",
                  "--set", "model.unrolls=5", "--set", "model.features=64",
                  "--device", a.device]
        rows = [("1 process, batch 1", []), ("1 process, batch 2", ["--set", "optim.batch=2"]),
                ("2 processes, batch 1 each", ["--nproc", "2"])]
        print(f"{a.kind} {a.shape}, {a.coils} coils, MoDL 5 unrolls, 5x64 CNN, mel; "
              f"{os.cpu_count()} cores; steps {a.warmup + 1}..{a.steps}")
        print("| run | effective batch | s/step | examples/s |")
        print("|---|---|---|---|")
        for i, (label, extra) in enumerate(rows):
            steps = run(a.melrecon, data, os.path.join(tmp, f"run{i}"), common + extra)
            timed = steps[a.warmup:]
            batch = timed[0].get("effective_batch", 1)
            seconds = sum(s["seconds"] for s in timed) / len(timed)
            print(f"| {label} | {batch} | {seconds:.3f} | {batch / seconds:.2f} |")


if __name__ == "__main__":
    main()

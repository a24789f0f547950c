#!/usr/bin/env python3
"""Learning curves of training runs as a Markdown table: validation PSNR / SSIM against the step
and the training time so far, with the mean training loss and the learned lambda since the last
validation. Reads <run>/log.jsonl (docs/training.md); the training time is the sum of the logged
steps' seconds (scaled by the logging interval when not every step is logged), validation
excluded.

Usage: scripts/learning_curve.py RUN [RUN ...]
"""
import json
import sys


def curve(run):
    rows, loss, seconds, last_logged, lam = [], [], 0.0, 0, None
    with open(f"{run}/log.jsonl") as f:
        for line in f:
            entry = json.loads(line)
            if entry["type"] == "step":
                seconds += entry["seconds"] * (entry["step"] - last_logged)
                last_logged = entry["step"]
                loss.append(entry["loss"])
                lam = entry.get("lambda", lam)
            elif entry["type"] == "val":
                mean_loss = sum(loss) / len(loss) if loss else float("nan")
                rows.append((entry["step"], seconds, entry["psnr"], entry["ssim"], mean_loss, lam))
                loss = []
    return rows


def main(runs):
    if not runs:
        sys.exit(__doc__.strip().splitlines()[-1])
    print("| run | step | training time | val PSNR (dB) | val SSIM | mean loss | lambda |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        try:
            rows = curve(run)
        except (OSError, ValueError, KeyError) as e:
            sys.exit(f"learning_curve: {run}/log.jsonl: {e}")
        for step, seconds, psnr, ssim, loss, lam in rows:
            lam_text = "" if lam is None else f"{lam:.4g}"
            print(f"| {run} | {step} | {seconds / 60:.1f} min | {psnr:.2f} | {ssim:.3f} | "
                  f"{loss:.4f} | {lam_text} |")


if __name__ == "__main__":
    main(sys.argv[1:])

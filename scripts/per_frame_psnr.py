#!/usr/bin/env python3
"""PSNR of a trained cine (or 3D) model frame by frame (slice by slice), averaged over the cases
of a dataset: where along the series a reconstruction is worse. Each case is undersampled with
a mask of the model's training pattern, acceleration and calibration (seeded by the case's
index, so not the masks `melrecon eval` draws), reconstructed as `recon` does, and scored per
frame on magnitudes against the series' reference maximum (as eval's PSNR).

Usage: scripts/per_frame_psnr.py MODEL DATASET [MAX_EXAMPLES]
Needs the melrecon Python module (PYTHONPATH=build/python).
"""
import sys

import torch

import melrecon

PATTERNS = {"cine": "cine-vista", "3d": "3d"}  # sampling.pattern auto, as training resolves it


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__)
    model = melrecon.load_model(argv[1])
    data = melrecon.Dataset(argv[2])
    if data.kind not in PATTERNS:
        sys.exit(f"{argv[2]}: {data.kind} data has no frames or slices")
    count = min(len(data), int(argv[3])) if len(argv) == 4 else len(data)
    sampling = model.config["sampling"]
    pattern = sampling["pattern"] if sampling["pattern"] != "auto" else PATTERNS[data.kind]
    per_case = []
    for i in range(count):
        case = data[i]
        reference = case["reference"][0].abs()
        mask = melrecon.make_mask(pattern, list(reference.shape), accel=sampling["accel"],
                                  calib=sampling["calib"], seed=i)
        image = model.reconstruct(case["kspace"] * mask, case["maps"], mask)[0].abs()
        mse = ((image - reference) ** 2).flatten(1).mean(1)
        per_case.append(10 * torch.log10(reference.max() ** 2 / mse))
    psnr = torch.stack(per_case).mean(0).tolist()
    print(f"{argv[1]} on {count} case(s) of {argv[2]}, PSNR [dB] per frame:")
    print(" ".join(f"{v:.2f}" for v in psnr))
    if len(psnr) > 10:
        print(f"first 5 {sum(psnr[:5]) / 5:.2f}, last 5 {sum(psnr[-5:]) / 5:.2f}, "
              f"the others {sum(psnr[5:-5]) / (len(psnr) - 10):.2f}")


if __name__ == "__main__":
    main(sys.argv)

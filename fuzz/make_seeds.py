#!/usr/bin/env python3
"""Seed corpora for the fuzz targets: one small valid input per target (and a variant or two),
made from melrecon's own outputs where it writes the format, else written here.

  make_seeds.py <melrecon executable> <output folder>
"""
import gzip
import json
import os
import struct
import subprocess
import sys
import zlib

import h5py
import numpy as np


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def nifti(shape, dtype_code, data):
    """A NIfTI-1 single file (348-byte header, vox_offset 352)."""
    hdr = bytearray(348)
    struct.pack_into("<i", hdr, 0, 348)
    dims = [len(shape)] + list(shape) + [1] * (7 - len(shape))
    struct.pack_into("<8h", hdr, 40, *dims)
    struct.pack_into("<h", hdr, 70, dtype_code)
    struct.pack_into("<h", hdr, 72, data.itemsize * 8)
    struct.pack_into("<8f", hdr, 76, 1, 1, 1, 1, 1, 1, 1, 1)
    struct.pack_into("<f", hdr, 108, 352.0)
    hdr[344:348] = b"n+1\0"
    return bytes(hdr) + b"\0" * 4 + data.tobytes()


def png(gray):
    """An 8-bit grayscale PNG."""
    h, w = gray.shape
    raw = b"".join(b"\0" + gray[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    melrecon, out = sys.argv[1], sys.argv[2]
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(1)

    # A tiny simulated dataset: cfl/hdr pairs and dataset.json.
    data = os.path.join(work, "data")
    run(melrecon, "simulate", "--kind", "2d", "--shape", "8,8", "--cases", "1", "--coils", "2",
        "--seed", "1", "--out", data, "--overwrite")
    case = os.path.join(data, "case_0000")
    for part in ("kspace", "maps", "reference"):
        write(f"{out}/cfl/{part}", read(f"{case}/{part}.hdr") + b"\0" + read(f"{case}/{part}.cfl"))
    write(f"{out}/json/dataset", read(os.path.join(data, "dataset.json")))

    # A checkpoint of a one-step run of a tiny model; its configuration is also a JSON seed.
    run_dir = os.path.join(work, "run")
    run(melrecon, "train", "--data", data, "--run", run_dir, "--steps", "1", "--set",
        "model.features=2", "--set", "model.layers=2", "--set", "model.unrolls=1",
        "--set", "model.cg_iters=1", "--set", "sampling.calib=2", "--set", "sampling.accel=2",
        "--set", "run.progress=false")
    write(f"{out}/checkpoint/tiny", read(os.path.join(run_dir, "checkpoint.pt")))
    write(f"{out}/json/config", read(os.path.join(run_dir, "config.json")))

    # NIfTI: float32 and int16, plain (first byte 0) and gzip (first byte 1).
    volume = rng.standard_normal((4, 3, 2)).astype("<f4")
    plain = nifti(volume.shape, 16, volume.ravel(order="F"))
    write(f"{out}/nifti/float", b"\0" + plain)
    write(f"{out}/nifti/float_gz", b"\1" + gzip.compress(plain))
    write(f"{out}/nifti/int16", b"\0" + nifti((5, 4), 4, np.arange(20, dtype="<i2")))

    write(f"{out}/png/gray", png((np.arange(48).reshape(6, 8) * 5) % 256))

    # fastMRI: kspace [slices, coils, readout, phase] complex64, header, RSS.
    path = os.path.join(work, "fastmri.h5")
    with h5py.File(path, "w") as f:
        k = (rng.standard_normal((2, 2, 8, 6)) + 1j * rng.standard_normal((2, 2, 8, 6))).astype("c8")
        f["kspace"] = k
        f["ismrmrd_header"] = "<?xml version=\"1.0\"?><ismrmrdHeader></ismrmrdHeader>"
        f["reconstruction_rss"] = np.abs(k).sum(1).astype("f4")
    write(f"{out}/fastmri/small", read(path))

    # ISMRMRD: the Cartesian Shepp-Logan of ismrmrd-tools, small.
    path = os.path.join(work, "ismrmrd.h5")
    run("ismrmrd_generate_cartesian_shepp_logan", "-m", "8", "-c", "2", "-n", "0", "-o", path)
    write(f"{out}/ismrmrd/shepp_logan", read(path))


if __name__ == "__main__":
    main()

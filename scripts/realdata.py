"""Real-anatomy benchmark from Debian packages (docs/data.md, "Real-anatomy benchmark").

Sources: ITK 5.2.1's test data (Debian source package insighttoolkit5, orig tarball) and
Colin27 (Debian mricron-data). Each is written as a magnitude NIfTI to <out>/sources/, then
`melrecon simulate` makes the multi-coil k-space; the cases of each split are gathered into one
dataset folder per split. Everything is decided by the constants below: re-running gives the
same bytes.
"""

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

TARBALL_URL = ("http://deb.debian.org/debian/pool/main/i/insighttoolkit5/"
               "insighttoolkit5_5.2.1.orig.tar.xz")
TARBALL_SIZE = 282723808
TARBALL_SHA256 = "a267fe9b37921cecbe85aa3f6ca64185c602d7a8ca3f148a705a4971f1b88202"
MEMBER_DIR = "InsightToolkit-5.2.1/.ExternalData/MD5/"
MEMBERS = {  # name -> MD5 (the member's file name is its MD5)
    "brainweb_t1": "aa0a1e072e0c39fb8b26a769b5a54b68",
    "brainweb_pd": "0b2135e2035e5bd84d82f4929e68fbdc",
    "brainweb_t2": "d045320797977db7787a76eaa30cd95c",
    "philips_par": "ec89da2106b94a7dd9dcf3df53919a99",
    "philips_rec_gz": "3647c2a963e800b45f7898cc9ecb9ae3",
    "cine_dicom": "15e7b2e06fbb82b6afb274ab2efded4a",
}
COLIN27 = Path("/usr/share/mricron/templates/ch2.nii.gz")

# 3D: Z,Y,X = superior-inferior, anterior-posterior, left-right at 1.5 mm isotropic; the slab
# starts at the vertex. melrecon's readout is X (3D masks are Poisson-disc over kz, ky).
SHAPE_3D = (80, 160, 128)
VOXEL_MM = 1.5
VERTEX_MARGIN_MM = 4
SNR_3D = 30
# Split by subject. BrainWeb's phantom is built from Colin Holmes' scans, the subject of
# Colin27: validation shares the training anatomy; only the Philips head is independent.
SPLIT_3D = {  # split -> [(source, cases, seed)]
    "train": [("brainweb_t1", 4, 101), ("brainweb_pd", 4, 102), ("brainweb_t2", 4, 103)],
    "val": [("colin27_t1", 2, 201)],
    "test": [("philips_t1tfe", 4, 301)],
}

# Cine: only these partitions may be used (the others are kept for independent evaluation).
CINE_ALLOWED = set(range(0, 14)) | set(range(49, 65))
SHAPE_CINE = (25, 128, 128)
SNR_CINE = 25
CINE_CASES = 2
# Sagittal partitions 1.85 mm apart, 3.7 mm thick: two unused partitions between blocks, so no
# slice profile is in two splits. Test: the left ventricle; validation: right heart and great
# vessels; training: the rest (lateral left chest with part of the LV, right heart to the liver).
SPLIT_CINE = {
    "train": list(range(0, 8)) + list(range(54, 65)),
    "val": [49, 50, 51],
    "test": [10, 11, 12, 13],
}


class Failure(Exception):
    pass


def check(ok, message):
    if not ok:
        raise Failure(message)


def log(message):
    print(message, flush=True)


def file_hash(path, algorithm):
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---- sources: tarball, members ----

def verify_tarball(path):
    check(path.is_file(), f"{path}: no such file")
    check(path.stat().st_size == TARBALL_SIZE,
          f"{path}: {path.stat().st_size} bytes, expected {TARBALL_SIZE}")
    check(file_hash(path, "sha256") == TARBALL_SHA256,
          f"{path}: sha256 mismatch (a damaged copy: delete it)")


def download_tarball(cache):
    path = cache / Path(TARBALL_URL).name
    if path.is_file():
        verify_tarball(path)
        return path
    cache.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    log(f"downloading {TARBALL_URL} ({TARBALL_SIZE >> 20} MiB) -> {path}")
    try:
        urllib.request.urlretrieve(TARBALL_URL, part)
    except OSError as e:
        raise Failure(f"download of {TARBALL_URL} failed: {e}")
    verify_tarball(part)
    part.rename(path)
    return path


def extract_members(tarball, dest):
    names = [MEMBER_DIR + md5 for md5 in MEMBERS.values()]
    check(shutil.which("tar") and shutil.which("xz"),
          "tar and xz are needed (apt-get install xz-utils)")
    r = subprocess.run(["tar", "-xJf", str(tarball), "-C", str(dest)] + names,
                       capture_output=True, text=True)
    err = r.stderr.strip().splitlines()
    check(r.returncode == 0, f"tar -xJf {tarball}: {err[-1] if err else r.returncode}")
    files = {}
    for key, md5 in MEMBERS.items():
        path = dest / MEMBER_DIR / md5
        check(file_hash(path, "md5") == md5, f"{path}: MD5 does not match its name")
        files[key] = path
    return files


# ---- readers ----

def read_mha(path):
    """A MetaImage .mha with its data in the file (LOCAL), as (array [x, y, z], header)."""
    raw = path.read_bytes()
    header, pos = {}, 0
    while "ElementDataFile" not in header:
        end = raw.index(b"\n", pos)
        key, _, value = raw[pos:end].decode("ascii").partition("=")
        header[key.strip()] = value.strip()
        pos = end + 1
    types = {"MET_UCHAR": np.uint8, "MET_SHORT": np.int16, "MET_USHORT": np.uint16,
             "MET_FLOAT": np.float32}
    check(header.get("ObjectType") == "Image" and header.get("NDims") == "3",
          f"{path}: not a 3D MetaImage")
    check(header["ElementDataFile"] == "LOCAL", f"{path}: data not in the file")
    check(header.get("ElementType") in types, f"{path}: element type {header.get('ElementType')}")
    check(header.get("BinaryDataByteOrderMSB", "False") == "False", f"{path}: big-endian data")
    check(header.get("ElementSpacing") == "1 1 1", f"{path}: spacing is not 1 mm")
    dims = [int(v) for v in header["DimSize"].split()]
    data = raw[pos:]
    if header.get("CompressedData") == "True":
        data = zlib.decompress(data)
    a = np.frombuffer(data, types[header["ElementType"]])
    check(a.size == np.prod(dims), f"{path}: {a.size} voxels, expected {dims}")
    return a.reshape(dims[::-1]).transpose(2, 1, 0), header


def load_brainweb(path):
    import nibabel as nib
    a, _ = read_mha(path)
    # Voxel axes are BrainWeb's (MNI) L->R, P->A, I->S, whatever the header's label "RAI"
    # says: the volume matches Colin27 on the same grid (checked in check_brainweb_grid).
    return nib.Nifti1Image(a.astype(np.float32), np.diag([1.0, 1.0, 1.0, 1.0]))


def check_brainweb_grid(brainweb, colin):
    a = np.asarray(brainweb.dataobj, dtype=np.float64)
    b = np.asarray(colin.dataobj, dtype=np.float64)[:, :, : a.shape[2]]
    r = np.corrcoef(a.ravel(), b.ravel())[0, 1]
    check(r > 0.9, f"BrainWeb T1 does not match Colin27 voxel for voxel (r = {r:.3f})")


def load_philips(par, rec_gz, work):
    import nibabel as nib
    # nibabel finds the .REC beside the .PAR by name.
    (work / "t1tfe.PAR").write_bytes(par.read_bytes())
    with gzip.open(rec_gz, "rb") as f:
        (work / "t1tfe.REC").write_bytes(f.read())
    img = nib.load(str(work / "t1tfe.PAR"))
    return nib.Nifti1Image(img.get_fdata(dtype=np.float32), img.affine)


def load_colin():
    import nibabel as nib
    check(COLIN27.is_file(), f"{COLIN27} missing (apt-get install mricron-data)")
    return nib.load(str(COLIN27))


# ---- 3D framing ----

def to_ras_1mm(img, name):
    import nibabel as nib
    img = nib.as_closest_canonical(img)
    zooms = img.header.get_zooms()[:3]
    check(np.allclose(zooms, 1.0, atol=1e-3), f"{name}: voxels {zooms}, expected 1 mm")
    return np.asarray(img.dataobj, dtype=np.float32)


def foreground(v):
    return v > 0.15 * np.percentile(v, 99)


def frame_head(v):
    """The box (x, y, z in 1 mm voxels) of SHAPE_3D * VOXEL_MM, from the vertex down, centred
    left-right and front-back on the head in that slab; zero outside the source."""
    box = [round(s * VOXEL_MM) for s in SHAPE_3D[::-1]]  # x, y, z
    fg = foreground(v)
    # The vertex: the highest slice with 2% of its area in the head (ignores skin markers).
    rows = np.nonzero(fg.sum(axis=(0, 1)) > 0.02 * fg.shape[0] * fg.shape[1])[0]
    check(rows.size > 0, "no head found")
    top = rows[-1] + 1 + VERTEX_MARGIN_MM
    z0 = top - box[2]
    slab = fg[:, :, max(z0, 0):top].any(axis=2)
    starts = []
    for axis in (0, 1):
        idx = np.nonzero(slab.any(axis=1 - axis))[0]
        starts.append((idx[0] + idx[-1] + 1) // 2 - box[axis] // 2)
    starts.append(z0)
    out = np.zeros(box, np.float32)
    src, dst = [], []
    for s, n, size in zip(starts, box, v.shape):
        lo, hi = max(s, 0), min(s + n, size)
        src.append(slice(lo, hi))
        dst.append(slice(lo - s, hi - s))
    out[tuple(dst)] = v[tuple(src)]
    return out


def write_nifti(a, affine, path):
    """float32 NIfTI-1, gzip without a time stamp (same bytes every run)."""
    import nibabel as nib
    img = nib.Nifti1Image(np.ascontiguousarray(a, dtype=np.float32), affine)
    img.header.set_xyzt_units("mm", "msec")
    path.write_bytes(gzip.compress(img.to_bytes(), compresslevel=6, mtime=0))


# ---- cine ----

def read_cine(path):
    """The enhanced multi-frame DICOM as {partition: [T, rows, cols]} for CINE_ALLOWED, and
    its geometry. Partition = order along the slice normal, frame = order of trigger delay
    (its Temporal Position Index is 1 in every frame)."""
    import pydicom
    ds = pydicom.dcmread(str(path))
    frames = ds.PerFrameFunctionalGroupsSequence
    check(len(frames) == int(ds.NumberOfFrames), f"{path}: frame count")
    iops = {tuple(float(v) for v in f.PlaneOrientationSequence[0].ImageOrientationPatient)
            for f in frames}
    check(len(iops) == 1, f"{path}: several orientations")
    iop = np.array(iops.pop())
    normal = np.cross(iop[:3], iop[3:])
    keys = []
    for f in frames:
        pos = np.array([float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient])
        delay = float(f.CardiacSynchronizationSequence[0].NominalCardiacTriggerDelayTime)
        keys.append((round(float(pos @ normal), 3), delay))
    positions = sorted({k[0] for k in keys})
    delays = sorted({k[1] for k in keys})
    check(len(positions) == 65 and len(delays) == SHAPE_CINE[0] and len(set(keys)) == len(keys),
          f"{path}: expected 65 partitions x {SHAPE_CINE[0]} frames, each once")
    # In-Stack Position Number must agree with the geometric order.
    for f, k in zip(frames, keys):
        check(int(f.FrameContentSequence[0].InStackPositionNumber) == positions.index(k[0]) + 1,
              f"{path}: In-Stack Position Number disagrees with the slice positions")
    pixels = ds.pixel_array  # [frames, rows, cols]
    slopes = [float(f.PixelValueTransformationSequence[0].RescaleSlope) for f in frames]
    series = {}
    for p in sorted(CINE_ALLOWED):
        series[p] = np.zeros((len(delays),) + pixels.shape[1:], np.float32)
    for i, k in enumerate(keys):
        p = positions.index(k[0])
        if p in CINE_ALLOWED:
            series[p][delays.index(k[1])] = pixels[i] * slopes[i]
    spacing = [float(v) for v in frames[0].PixelMeasuresSequence[0].PixelSpacing]
    return series, {"positions_mm": positions, "delays_ms": delays, "spacing": spacing,
                    "iop": iop.tolist()}


def cine_nifti(series, spacing, path):
    """[T, rows, cols] -> NIfTI (x = columns, y = rows upwards, z = 1, t): melrecon puts NIfTI's
    +y on the top row, so the DICOM's first row stays on top."""
    a = series[:, ::-1, :].transpose(2, 1, 0)[:, :, None, :]
    affine = np.diag([spacing[1], spacing[0], 1.0, 1.0])
    write_nifti(a, affine, path)


# ---- simulation and splits ----

def simulate(melrecon, build, kind, shape, source, cases, snr, seed, out):
    cmd = [str(melrecon), "simulate", "--kind", kind, "--shape", ",".join(map(str, shape)),
           "--source", source, "--cases", str(cases), "--coils", "8", "--snr", str(snr),
           "--seed", str(seed), "--out", out]
    r = subprocess.run(cmd, cwd=build, capture_output=True, text=True)
    lines = (r.stderr or r.stdout).strip().splitlines()
    check(r.returncode == 0, f"melrecon simulate {source}: {lines[-1] if lines else r.returncode}")
    return json.loads((build / out / "dataset.json").read_text())


def assemble(build, split_dir, parts, note):
    """One dataset folder from several simulated ones: cases renamed <part>_NNNN."""
    (build / split_dir).mkdir(parents=True)
    cases, sources, kind, fft_axes = [], [], None, None
    for name, sim_dir, info in parts:
        kind = kind or info["kind"]
        fft_axes = fft_axes or info["fft_axes"]
        check(info["kind"] == kind and info["fft_axes"] == fft_axes, f"{split_dir}: mixed kinds")
        names = []
        for case in info["cases"]:
            new = f"{name}_{case.removeprefix('case_')}"
            (build / sim_dir / case).rename(build / split_dir / new)
            names.append(new)
        shutil.rmtree(build / sim_dir)
        cases += names
        sources.append({"cases": names, "simulation": info["simulation"]})
    index = {"format": "melrecon-dataset", "version": 1, "kind": kind, "cases": cases,
             "fft_axes": fft_axes,
             "generator": "scripts/realdata.py (melrecon simulate per source)",
             "split": note, "sources": sources}
    (build / split_dir / "dataset.json").write_text(json.dumps(index, indent=2) + "\n")
    return len(cases)


def make_sources_3d(files, build, work):
    colin = load_colin()
    images = {
        "brainweb_t1": load_brainweb(files["brainweb_t1"]),
        "brainweb_pd": load_brainweb(files["brainweb_pd"]),
        "brainweb_t2": load_brainweb(files["brainweb_t2"]),
        "colin27_t1": colin,
        "philips_t1tfe": load_philips(files["philips_par"], files["philips_rec_gz"], work),
    }
    check_brainweb_grid(images["brainweb_t1"], colin)
    for name, img in images.items():
        v = frame_head(to_ras_1mm(img, name))
        write_nifti(v, np.diag([1.0, 1.0, 1.0, 1.0]), build / "sources" / f"{name}.nii.gz")
        log(f"  sources/{name}.nii.gz  {v.shape[2]}x{v.shape[1]}x{v.shape[0]} mm (z,y,x)")


def make_brain3d(melrecon, build):
    notes = {"train": "BrainWeb T1, PD, T2 (one subject: Colin Holmes)",
             "val": "Colin27 T1 (the same subject as BrainWeb, another acquisition)",
             "test": "Philips T1-TFE head (an independent subject)"}
    summary = {}
    for split, items in SPLIT_3D.items():
        parts = []
        for name, cases, seed in items:
            sim_dir = f"work/{name}"
            info = simulate(melrecon, build, "3d", SHAPE_3D, f"sources/{name}.nii.gz", cases,
                            SNR_3D, seed, sim_dir)
            parts.append((name, sim_dir, info))
        summary[split] = assemble(build, f"brain3d/{split}", parts, notes[split])
    return summary


def make_sources_cine(build, dicom):
    series, geometry = read_cine(dicom)
    used = sorted(p for partitions in SPLIT_CINE.values() for p in partitions)
    for p in used:
        cine_nifti(series[p], geometry["spacing"], build / "sources" / f"cine_p{p:02d}.nii.gz")
    log(f"  sources/cine_pNN.nii.gz  partitions {used}, "
        f"{SHAPE_CINE[0]} frames of {series[0].shape[1]}x{series[0].shape[2]}")


def make_cine(melrecon, build):
    summary = {}
    for split, partitions in SPLIT_CINE.items():
        check(set(partitions) <= CINE_ALLOWED, f"cine {split}: partition outside the allowed set")
        parts = []
        for p in partitions:
            sim_dir = f"work/cine_p{p:02d}"
            info = simulate(melrecon, build, "cine", SHAPE_CINE, f"sources/cine_p{p:02d}.nii.gz",
                            CINE_CASES, SNR_CINE, 1000 + p, sim_dir)
            parts.append((f"p{p:02d}", sim_dir, info))
        note = f"partitions {partitions} of the Philips 3D bSSFP cine (sagittal, 1.85 mm)"
        summary[split] = assemble(build, f"cine/{split}", parts, note)
    return summary


def source_names():
    cine = sorted(p for partitions in SPLIT_CINE.values() for p in partitions)
    return [f"{name}.nii.gz" for name, _, _ in sum(SPLIT_3D.values(), [])] + [
        f"cine_p{p:02d}.nii.gz" for p in cine]


def copy_sources(sources, build):
    """The magnitude sources of an earlier run (<out>/sources), e.g. carried to a machine
    without network access: everything after them is made by melrecon alone."""
    for name in source_names():
        check((sources / name).is_file(), f"{sources / name}: missing (sources of an earlier run)")
        shutil.copyfile(sources / name, build / "sources" / name)
    log(f"copied {len(source_names())} sources from {sources}")


def replace_folder(build, out):
    old = out.with_name(out.name + f".old.{os.getpid()}")
    if out.exists():
        out.rename(old)
    build.rename(out)
    if old.exists():
        shutil.rmtree(old)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "data/realdata"), help="output folder")
    parser.add_argument("--tarball", default=os.environ.get("REALDATA_TARBALL", ""),
                        help="local copy of the insighttoolkit5 orig tarball (else downloaded)")
    parser.add_argument("--sources", default="",
                        help="the sources/ folder of an earlier run: no tarball, no nibabel or "
                             "pydicom needed (a machine without network access)")
    parser.add_argument("--cache", default=str(ROOT / "data/cache"),
                        help="where the downloaded tarball is kept")
    args = parser.parse_args()
    melrecon = Path(os.environ.get("MELRECON", str(ROOT / "build/app/melrecon"))).resolve()
    out = Path(args.out).resolve()
    try:
        check(os.access(melrecon, os.X_OK), f"{melrecon}: no melrecon binary (set MELRECON)")
        if not args.sources:
            if args.tarball:
                tarball = Path(args.tarball)
                verify_tarball(tarball)
            else:
                tarball = download_tarball(Path(args.cache))
        out.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=out.name + ".tmp.", dir=out.parent))
        try:
            (build / "sources").mkdir()
            (build / "work").mkdir()
            if args.sources:
                copy_sources(Path(args.sources), build)
            else:
                with tempfile.TemporaryDirectory(dir=build) as work:
                    log(f"extracting {len(MEMBERS)} members of {tarball.name}")
                    files = extract_members(tarball, Path(work))
                    log("sources:")
                    make_sources_3d(files, build, Path(work))
                    make_sources_cine(build, files["cine_dicom"])
            log("simulating 3D brains")
            brain = make_brain3d(melrecon, build)
            log("simulating cine")
            cine = make_cine(melrecon, build)
            (build / "work").rmdir()
            replace_folder(build, out)
        finally:
            if build.exists():
                shutil.rmtree(build)
    except Failure as e:
        print(f"realdata: error: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # one line for anything else too (a library's error on bad input)
        print(f"realdata: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    log(f"wrote {out}:")
    for split, n in brain.items():
        log(f"  brain3d/{split}: {n} cases of 3d {'x'.join(map(str, SHAPE_3D))} (Z,Y,X), 8 coils")
    for split, n in cine.items():
        log(f"  cine/{split}: {n} cases of cine {'x'.join(map(str, SHAPE_CINE))} (T,Y,X), 8 coils")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The analysis scripts docs/results.md uses: scripts/derive_model.py (a trained network's weights
under other model keys) and scripts/per_frame_psnr.py (PSNR along a cine's frames)."""

import os
import pathlib
import subprocess
import sys

import pytest
import torch

import melrecon
from conftest import run_cli

SCRIPTS = pathlib.Path(__file__).resolve().parents[2] / "scripts"
TINY = {"model": {"unrolls": 2, "layers": 3, "features": 4, "cg_iters": 4},
        "sampling": {"accel": 2.0, "calib": 4}}


def run_script(name, *args):
    return subprocess.run([sys.executable, str(SCRIPTS / name), *map(str, args)], text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ,
                          check=False)


@pytest.fixture(scope="module")
def cine(tmp_path_factory):
    """2 cine series, 6 frames of 16×16, 2 coils; a small untrained cine network saved beside."""
    root = tmp_path_factory.mktemp("cine")
    r = run_cli("simulate", "--kind", "cine", "--shape", "6,16,16", "--cases", "2", "--coils", "2",
                "--seed", "3", "--out", root / "data")
    assert r.returncode == 0, r.stdout
    torch.manual_seed(0)
    model = melrecon.build_model(TINY, "cine")
    model.save(root / "model.pt")
    return root


def test_derived_model_keeps_the_weights_under_the_new_keys(cine):
    case = melrecon.Dataset(cine / "data")[0]
    mask = melrecon.make_mask("cine-vista", [6, 16, 16], accel=2.0, calib=4, seed=1)
    source = melrecon.load_model(cine / "model.pt")
    weights = dict(source.network.named_parameters())
    expected = source.reconstruct(case["kspace"] * mask, case["maps"], mask)
    for change in ["cyclic_depth=true", "unrolls=3"]:  # one key at a time: each one acts
        out = cine / "derived.pt"
        r = run_script("derive_model.py", cine / "model.pt", out, change)
        assert r.returncode == 0, r.stdout
        derived = melrecon.load_model(out)
        key, value = change.split("=")
        assert derived.config["model"][key] == {"true": True, "3": 3}[value]
        for name, p in derived.network.named_parameters():
            assert torch.equal(p, weights[name]), (change, name)
        got = derived.reconstruct(case["kspace"] * mask, case["maps"], mask)
        assert (got - expected).abs().max() > 1e-4, change


def test_derive_model_refuses_unknown_keys_and_weights_that_do_not_fit(cine):
    r = run_script("derive_model.py", cine / "model.pt", cine / "x.pt", "cyclic=true")
    assert r.returncode != 0 and "cyclic=true: expected KEY=JSON" in r.stdout, r.stdout
    r = run_script("derive_model.py", cine / "model.pt", cine / "x.pt", "features=8")
    assert r.returncode != 0 and "does not fit the derived model" in r.stdout, r.stdout
    r = run_script("derive_model.py", cine / "model.pt", cine / "x.pt", "unrolls=three")
    assert r.returncode != 0 and "the value is not JSON" in r.stdout, r.stdout
    # Unshared CNNs: one unroll fewer would drop the last unroll's trained weights.
    torch.manual_seed(1)
    unshared = melrecon.build_model({**TINY, "model": {**TINY["model"], "share_weights": False}},
                                    "cine")
    unshared.save(cine / "unshared.pt")
    r = run_script("derive_model.py", cine / "unshared.pt", cine / "x.pt", "unrolls=1")
    assert r.returncode != 0 and "has no place for" in r.stdout, r.stdout
    assert not (cine / "x.pt").exists()


def test_per_frame_psnr_scores_every_frame(cine, demo_data):
    r = run_script("per_frame_psnr.py", cine / "model.pt", cine / "data")
    assert r.returncode == 0, r.stdout
    values = [float(v) for v in r.stdout.splitlines()[1].split()]
    assert len(values) == 6 and all(0 < v < 100 for v in values), r.stdout
    r = run_script("per_frame_psnr.py", cine / "model.pt", demo_data)
    assert r.returncode != 0 and "2d data has no frames" in r.stdout, r.stdout

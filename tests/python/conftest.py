"""Shared fixtures: the melrecon command line (MELRECON_EXE, set by CTest) and a small simulated
dataset written by it."""

import os
import subprocess

import pytest


def run_cli(*args):
    """Runs `melrecon args...`; returns the completed process (stdout and stderr together)."""
    exe = os.environ.get("MELRECON_EXE", "melrecon")
    return subprocess.run([exe, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory):
    """3 cases of 2D k-space, 4 coils, 32×24, with maps, references and noise."""
    out = tmp_path_factory.mktemp("demo") / "data"
    r = run_cli("simulate", "--kind", "2d", "--shape", "32,24", "--cases", "3", "--coils", "4",
                "--seed", "5", "--out", out)
    assert r.returncode == 0, r.stdout
    return out

"""The example of docs/python.md (python/examples/train_python_modl.py) runs and learns."""

import os
import pathlib
import re
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).parents[2] / "python" / "examples" / "train_python_modl.py"


def test_python_defined_modl_learns_with_mel(demo_data):
    r = subprocess.run([sys.executable, str(EXAMPLE), str(demo_data), "30"], text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ, check=False)
    assert r.returncode == 0, r.stdout
    losses = [float(x) for x in re.findall(r"loss ([0-9.]+)", r.stdout)]
    assert len(losses) == 30
    # The same three cases in the first and the last epoch (new masks every step).
    assert sum(losses[-3:]) < 0.85 * sum(losses[:3]), losses

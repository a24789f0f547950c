"""melrecon from Python: the C++ library of unrolled MRI reconstruction with memory-efficient
learning, called on torch.Tensors without copies.

    import torch, melrecon
    op = melrecon.SenseOp(maps, mask)              # A = M·F·S, differentiable
    model = melrecon.build_model({"model": {"unrolls": 5}}, kind="2d")   # a torch.nn.Module
    step = melrecon.training_step(model.network, melrecon.Problem(op, kspace),
                                  loss="l1", reference=ref, strategy="mel")

Networks written in Python train through the same gradient strategies: any object with
`num_unrolls` and `unroll(k, x, problem)` can be passed to `training_step` (docs/python.md).
"""

import torch  # LibTorch first: the extension links against this torch's libraries

from . import _core
from ._core import (  # noqa: F401  (the public API)
    Error,
    Network,
    Problem,
    SenseOp,
    UsageError,
    acceleration,
    cg_sense,
    data_consistency,
    estimate_coil_maps,
    make_mask,
    memory,
    nrmse,
    psnr,
    read_case,
    read_cfl,
    read_dataset_info,
    reconstruct,
    ssim,
    train,
    training_step,
    write_case,
    write_cfl,
    write_dataset_info,
)
from .dataset import Dataset  # noqa: F401
from .model import Model, build_model, load_model  # noqa: F401

__version__ = _core.__version__

# Readers of optional formats, present when the library was built with them.
if hasattr(_core, "FastmriFile"):
    from ._core import FastmriFile  # noqa: F401
if hasattr(_core, "read_ismrmrd"):
    from ._core import read_ismrmrd  # noqa: F401

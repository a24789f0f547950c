"""melrecon's unrolled networks (MoDL, VarNet) as torch.nn.Modules whose parameters are the C++
network's own tensors: a PyTorch optimiser stepping them trains the C++ network, and the C++
gradient strategies fill their .grad."""

import torch

from . import _core


def _place(root, dotted_name, tensor, parameter):
    """Registers `tensor` under its C++ name ("denoiser.body.0.weight") in a tree of modules, so
    that state_dict() keys are the C++ checkpoint's names."""
    *path, leaf = dotted_name.split(".")
    owner = root
    for part in path:
        child = owner._modules.get(part)
        if child is None:
            child = torch.nn.Module()
            owner.add_module(part, child)
        owner = child
    if parameter:
        owner.register_parameter(leaf, tensor)
    else:
        owner.register_buffer(leaf, tensor)
    return owner, leaf


class Model(torch.nn.Module):
    """A melrecon network with the configuration and data kind it was built for.

    forward(problem) -> x_N [B, *S] (under autograd when grad mode is on); reconstruct(kspace,
    maps, mask=None, fft_axes=None) as `melrecon recon`; save(path) writes a checkpoint that the
    command line reads; `network` is the C++ network for `training_step`."""

    def __init__(self, trained):
        super().__init__()
        self._trained = trained
        self._buffer_slots = []
        for name, tensor in trained.network.named_parameters():
            # The same tensor object (same storage, same autograd leaf), now a Parameter.
            tensor.__class__ = torch.nn.Parameter
            _place(self, name, tensor, parameter=True)
        for name, tensor in trained.network.named_buffers():
            owner, leaf = _place(self, name, tensor, parameter=False)
            self._buffer_slots.append((owner, leaf, tensor))

    @property
    def network(self):
        return self._trained.network

    @property
    def config(self):
        return self._trained.config

    @property
    def kind(self):
        return self._trained.kind

    @property
    def num_unrolls(self):
        return self._trained.network.num_unrolls

    def forward(self, problem):
        return self._trained.network.forward(problem)

    def reconstruct(self, kspace, maps, mask=None, fft_axes=None):
        return self._trained.reconstruct(kspace, maps, mask, fft_axes)

    def save(self, path, step=0):
        self._trained.save(str(path), step)

    def train(self, mode=True):
        super().train(mode)
        self._trained.network.set_training(mode)
        return self

    def _apply(self, fn, recurse=True):
        # Parameters are converted in place (Module._apply sets .data); buffers are replaced,
        # so move the C++ buffer onto the new data and keep it as the registered one.
        result = super()._apply(fn, recurse)
        for owner, leaf, tensor in self._buffer_slots:
            converted = owner._buffers[leaf]
            if converted is not tensor:
                tensor.data = converted
                owner._buffers[leaf] = tensor
        return result


def build_model(config=None, kind="2d"):
    """A new network from a configuration dict (the sections of `melrecon train`'s config.json;
    missing keys take their defaults) for data kind '2d', '3d' or 'cine'."""
    return Model(_core.build_model(config or {}, kind))


def load_model(path, device="cpu", tile=None, coil_chunk=None):
    """A trained network from a run folder or a checkpoint file.

    `tile` (CNN tiles per image axis, 0: uncut) and `coil_chunk` replace the trained
    model.tile and model.coil_chunk for reconstruction (`melrecon recon --tile --coil-chunk`):
    the same image in less memory.
    """
    return Model(_core.load_model(str(path), device, tile, coil_chunk))

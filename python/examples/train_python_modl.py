"""Trains a MoDL written in plain PyTorch with melrecon's memory-efficient learning (MEL).
Usage: python train_python_modl.py <dataset folder> [steps]   (a 2D dataset: `melrecon simulate`)"""
import sys

import torch

import melrecon


class PythonModl(torch.nn.Module):
    """x_{k+1} = (AᴴA + λI)⁻¹(Aᴴy + λ·D(x_k)), D = I + a CNN shared by the unrolls."""

    def __init__(self, num_unrolls=8, features=32):
        super().__init__()
        self.num_unrolls = num_unrolls  # what melrecon's gradient strategies need: this ...
        self.cnn = torch.nn.Sequential(
            torch.nn.Conv2d(2, features, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(features, features, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(features, 2, 3, padding=1))
        self.lam = torch.nn.Parameter(torch.tensor(0.05))

    def unroll(self, k, x, problem):  # ... and this
        residual = self.cnn(torch.view_as_real(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        z = x + torch.view_as_complex(residual.contiguous())
        return melrecon.data_consistency(problem, problem.aty + self.lam * z, self.lam, cg_iters=8)


data, steps = melrecon.Dataset(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200
model = PythonModl()
optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
for step in range(steps):
    case = data[step % len(data)]
    mask = melrecon.make_mask("2d-lines", list(case["kspace"].shape[-2:]), accel=4, calib=8,
                              seed=step)
    op = melrecon.SenseOp(case["maps"], mask)
    scale = op.adjoint(case["kspace"] * mask).abs().max()  # max |Aᴴy| = 1, as melrecon trains
    problem = melrecon.Problem(op, case["kspace"] * mask / scale)
    optimiser.zero_grad()
    result = melrecon.training_step(model, problem, "l1", "mel", reference=case["reference"] / scale)
    optimiser.step()
    print(f"step {step + 1}: loss {result['loss']:.4f}, λ {model.lam.item():.4f}")

"""melrecon's networks in PyTorch code: torch.nn.Modules over the C++ network's own tensors,
gradient strategies that fill .grad, checkpoints shared with the command line."""

import json

import torch

import melrecon
from conftest import run_cli

SMALL = {"model": {"unrolls": 3, "layers": 3, "features": 6, "cg_iters": 6}}


def example(dataset, index=0, dtype=torch.complex64, accel=3.0):
    case = melrecon.Dataset(dataset)[index]
    mask = melrecon.make_mask("2d-lines", [32, 24], accel=accel, calib=6, seed=index)
    op = melrecon.SenseOp(case["maps"].to(dtype), mask)
    kspace = (case["kspace"] * mask).to(dtype)
    problem = melrecon.Problem(op, kspace / op.adjoint(kspace).abs().max())
    reference = case["reference"].to(dtype) / op.adjoint(kspace).abs().max()
    return case, mask, problem, reference


def gradients(model):
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


def test_strategies_fill_grad_like_pytorch_autograd(demo_data):
    model = melrecon.build_model(SMALL, "2d").double()
    _, _, problem, reference = example(demo_data, dtype=torch.complex128)

    loss = (model(problem) - reference).abs().mean()  # plain PyTorch autograd through C++
    loss.backward()
    expected = gradients(model)
    assert len(expected) == len(list(model.parameters()))
    for strategy in ["full", "mel"]:
        model.zero_grad()
        r = melrecon.training_step(model.network, problem, "l1", strategy, reference=reference)
        assert abs(r["loss"] - loss.item()) < 1e-12
        got = gradients(model)
        assert got.keys() == expected.keys(), strategy  # every parameter's .grad was filled
        for name, g in got.items():
            err = (g - expected[name]).norm() / expected[name].norm()
            assert err < 1e-10, (strategy, name, float(err))


def test_pytorch_optimiser_trains_the_cpp_network(demo_data):
    model = melrecon.build_model(SMALL, "2d")
    _, _, problem, reference = example(demo_data)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    with torch.no_grad():
        before = model(problem)
    losses = []
    for _ in range(8):
        opt.zero_grad()
        losses.append(melrecon.training_step(model.network, problem, "l1", "mel",
                                             reference=reference)["loss"])
        opt.step()
    assert losses[-1] < 0.9 * losses[0], losses
    # What the optimiser changed is what the C++ network computes with.
    with torch.no_grad():
        assert (melrecon.reconstruct(model.network, problem) - before).abs().max() > 1e-4


def test_checkpoint_from_cpp_reconstructs_like_the_command_line(demo_data, tmp_path):
    config = dict(SMALL, data={"train": str(demo_data)}, sampling={"accel": 3, "calib": 4},
                  optim={"steps": 4, "lr": 1e-3},
                  run={"val_every": 2, "checkpoint_every": 2, "progress": False})
    entries = []
    summary = melrecon.train(config, str(tmp_path / "run"), callback=entries.append)
    assert summary["steps"] == 4
    assert [e["step"] for e in entries if e["type"] == "step"] == [1, 2, 3, 4]
    assert any(e["type"] == "val" for e in entries)
    logged = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert logged == entries

    model = melrecon.load_model(tmp_path / "run")
    case = melrecon.Dataset(demo_data)[2]
    image = model.reconstruct(case["kspace"], case["maps"])
    r = run_cli("recon", "--model", tmp_path / "run", demo_data / "case_0002" / "kspace",
                demo_data / "case_0002" / "maps", tmp_path / "x")
    assert r.returncode == 0, r.stdout
    cli = melrecon.read_cfl(str(tmp_path / "x"), role="image", kind="2d")
    assert torch.equal(cli, image)
    # In CNN tiles and coil chunks (recon --tile --coil-chunk): the same image.
    tiled = melrecon.load_model(tmp_path / "run", tile=[16, 0], coil_chunk=1)
    assert tiled.config["model"]["tile"] == [16, 0] and tiled.config["model"]["coil_chunk"] == 1
    assert torch.allclose(tiled.reconstruct(case["kspace"], case["maps"]), image, rtol=1e-4,
                          atol=1e-5 * image.abs().max().item())


def test_model_saved_from_python_is_read_by_the_command_line(demo_data, tmp_path):
    model = melrecon.build_model(SMALL, "2d")
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.01)
    model.save(tmp_path / "model.pt", step=7)
    again = melrecon.load_model(tmp_path / "model.pt")
    for (n, a), (m, b) in zip(model.state_dict().items(), again.state_dict().items()):
        assert n == m and torch.equal(a, b)
    case = melrecon.Dataset(demo_data)[0]
    r = run_cli("recon", "--model", tmp_path / "model.pt", demo_data / "case_0000" / "kspace",
                demo_data / "case_0000" / "maps", tmp_path / "y")
    assert r.returncode == 0, r.stdout
    cli = melrecon.read_cfl(str(tmp_path / "y"), role="image", kind="2d")
    assert torch.equal(cli, model.reconstruct(case["kspace"], case["maps"]))

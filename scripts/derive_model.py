#!/usr/bin/env python3
"""A checkpoint with a trained model's weights and some of its model keys replaced: try a trained
network as it would run with another setting, without training it again (e.g. a cine network
trained with zero temporal padding, run with model.cyclic_depth=true; more or fewer unrolls; a
scaled lambda is a weight, not a key). Only keys that keep every weight's shape fit; the new
checkpoint is what `melrecon recon --model`, `eval --model` and `load_model` read.

Usage: scripts/derive_model.py RUN_OR_CHECKPOINT OUT.pt KEY=JSON [KEY=JSON ...]
       e.g. scripts/derive_model.py runs/cine out.pt cyclic_depth=true unrolls=10
Needs the melrecon Python module (PYTHONPATH=build/python).
"""
import json
import sys

import torch

import melrecon


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    source, out, changes = argv[1], argv[2], argv[3:]
    trained = melrecon.load_model(source)
    config = trained.config
    for change in changes:
        key, sep, value = change.partition("=")
        if not sep or key not in config["model"]:
            sys.exit(f"{change}: expected KEY=JSON with KEY one of model's keys "
                     f"({', '.join(sorted(config['model']))})")
        try:
            config["model"][key] = json.loads(value)
        except json.JSONDecodeError as e:
            sys.exit(f"{change}: the value is not JSON ({e})")
    derived = melrecon.build_model(config, trained.kind)
    weights = dict(trained.network.named_parameters())
    derived_weights = dict(derived.network.named_parameters())
    unused = sorted(set(weights) - set(derived_weights))
    if unused:  # e.g. fewer unrolls of unshared CNNs: the derived model would drop trained weights
        sys.exit(f"{source}: the derived model has no place for {', '.join(unused)}")
    with torch.no_grad():
        for name, p in derived_weights.items():
            if name not in weights or weights[name].shape != p.shape:
                sys.exit(f"{source}: weight '{name}' does not fit the derived model")
            p.copy_(weights[name])
    derived.save(out)
    print(f"{out}: {source} with {', '.join(changes)}")


if __name__ == "__main__":
    main(sys.argv)

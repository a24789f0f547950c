#!/usr/bin/env python3
"""Checks that the Gloo headers melrecon compiles against match the Gloo inside LibTorch.

Usage: check_gloo_headers.py PROGRAM LIBTORCH_CPU

PROGRAM was compiled with those headers and holds the virtual table of torch's GlooStore (a
gloo::rendezvous::Store defined inline in torch's header): every Gloo virtual table and type
description it defines must have the size that libtorch_cpu's has, and every Gloo function it
calls must be defined in libtorch_cpu. Prints what it compared; exits 1 on any mismatch, or when
nothing could be compared (a check that compares nothing proves nothing).
"""
import subprocess
import sys


def symbols(path, dynamic):
    """{mangled name: (type letter, size or None)} from nm."""
    args = ["nm", "--print-size"] + (["--dynamic"] if dynamic else []) + [path]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            table[parts[3]] = (parts[2], int(parts[1], 16))
        elif len(parts) == 3 and parts[1] in "VWTDRBvw":
            table[parts[2]] = (parts[1], None)
        elif len(parts) == 2:
            table[parts[1]] = (parts[0], None)
    return table


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    program, library = sys.argv[1], sys.argv[2]
    ours, theirs = symbols(program, False), symbols(library, True)
    # Gloo's own names (namespace gloo, mangled "4gloo") and torch's ProcessGroupGloo's.
    gloo = lambda name: "4gloo" in name or "Gloo" in name
    tables = [n for n in ours if gloo(n) and n.startswith(("_ZTV", "_ZTI")) and ours[n][1]]
    compared, failures = 0, []
    for name in sorted(tables):
        if name not in theirs or theirs[name][1] is None:
            continue
        compared += 1
        if ours[name][1] != theirs[name][1]:
            failures.append(f"{name}: {ours[name][1]} bytes here, {theirs[name][1]} in {library}")
        else:
            print(f"same size ({ours[name][1]} bytes): {name}")
    calls = [n for n, (kind, _) in ours.items() if kind == "U" and gloo(n)]
    for name in sorted(calls):
        if name not in theirs or theirs[name][0] == "U":
            failures.append(f"{name}: called here, not defined in {library}")
    print(f"{compared} Gloo tables compared, {len(calls)} Gloo functions called")
    if compared == 0:
        failures.append("no Gloo virtual table of the program is in the library: nothing compared")
    for f in failures:
        print("mismatch:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks that modules depend one way: a file of src/<module>/ includes headers only of
<module> itself and of the modules it depends on (directly or through them), as declared by
melrecon_module(<module> DEPS ...) in src/CMakeLists.txt. Prints each include that points
elsewhere and exits 1 if there is one."""
import pathlib
import re
import sys


def declared_dependencies(cmake_text):
    deps = {}
    for m in re.finditer(r"melrecon_module\(\s*(\w+)(.*?)\)", cmake_text, re.S):
        words = m.group(2).split()
        if "EXCLUDE" in words:
            words = words[: words.index("EXCLUDE")]
        deps[m.group(1)] = {w[len("melrecon_"):] for w in words if w.startswith("melrecon_")}
    return deps


def closure(deps, module, seen=None):
    seen = set() if seen is None else seen
    for d in deps.get(module, ()):
        if d not in seen:
            seen.add(d)
            closure(deps, d, seen)
    return seen


def main(root):
    src = pathlib.Path(root) / "src"
    deps = declared_dependencies((src / "CMakeLists.txt").read_text())
    modules = {p.name for p in src.iterdir() if p.is_dir()}
    undeclared = modules - deps.keys()
    problems = [f"src/{m}/: no melrecon_module({m} ...) in src/CMakeLists.txt" for m in undeclared]
    include = re.compile(r'^\s*#\s*include\s+"(\w+)/', re.M)
    for module in sorted(modules & deps.keys()):
        allowed = closure(deps, module) | {module}
        for path in sorted((src / module).iterdir()):
            if path.suffix not in (".h", ".cpp"):
                continue
            for target in include.findall(path.read_text()):
                if target in modules and target not in allowed:
                    problems.append(f"{path.relative_to(root)} includes {target}/, but {module} "
                                    f"does not depend on {target}")
    for p in problems:
        print(p)
    print(f"{len(deps)} modules, {len(problems)} include(s) against the declared dependencies")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))

"""Run every benchmarks/bench_*.py module's main() and print their ratios."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks


def main() -> int:
    names = sorted(
        (m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")),
        # The export benchmark starts browsers that linger for a while: run it last so that
        # they do not slow the others down.
        key=lambda name: (name == "bench_export", name),
    )
    only = set(sys.argv[1:])
    missed = []
    for name in names:
        if only and name not in only and name.removeprefix("bench_") not in only:
            continue
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        if not module.main():
            missed.append(name)
    if missed:
        print(f"goals missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

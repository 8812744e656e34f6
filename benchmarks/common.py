"""Shared timing helpers: ratios against a baseline measured in the same process."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn`` over ``repeats`` runs after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(name: str, subject: float, baseline: float, goal: float, lower_is_better=True) -> bool:
    """Print one benchmark line and return whether the ratio meets the goal."""
    ratio = subject / baseline if baseline > 0 else float("inf")
    ok = ratio <= goal if lower_is_better else ratio >= goal
    print(
        f"{name}: subject {subject * 1000:.1f} ms, baseline {baseline * 1000:.1f} ms, "
        f"ratio {ratio:.2f} (goal <= {goal}) {'OK' if ok else 'MISSED'}",
        flush=True,
    )
    return ok

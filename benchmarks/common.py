"""Shared helpers: timing ratios against a baseline measured in the same process, and the peak
memory of reading one file in a fresh process."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]
READ_ONE_FILE = """
import sys
from analysis.sipri import SipriFormatError, read_sipri
try:
    export = read_sipri(sys.argv[1])
    print(f"read: {len(export.flows):,} flows")
except SipriFormatError as exc:
    print(f"refused: {str(exc)[:90]}")
try:
    with open("/proc/self/status") as status:
        print(next(line for line in status if line.startswith("VmHWM:")).split()[1])
except (OSError, StopIteration):
    print("")
"""


def read_in_child(path: Path) -> tuple[float, float, str]:
    """Seconds, peak memory (MB) and outcome of read_sipri(path) in a fresh Python process.

    The peak is the child's own high-water mark (VmHWM): the interpreter, pandas and pyarrow
    (about 113 MB) plus whatever reading the file took at its height. ru_maxrss from wait4 is
    the fallback only: Linux carries the parent's peak into it across fork and exec, so after
    a benchmark that grew this process every child would seem to need as much.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", READ_ONE_FILE, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    lines = (proc.stdout.read() if proc.stdout else "").strip("\n").split("\n")
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak_kb = int(lines[-1]) if len(lines) > 1 and lines[-1].isdigit() else usage.ru_maxrss
    outcome = "\n".join(lines[:-1] if len(lines) > 1 else lines).strip()
    return seconds, peak_kb / 1024, outcome  # both in KiB on Linux


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

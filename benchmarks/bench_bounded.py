"""Bounded work: inputs up to the upload limit are read or refused promptly, in bounded memory.

Each input is generated at run time in a temporary folder and read by read_sipri in a fresh
child process, so that its peak memory (ru_maxrss) is its own. Goal per input: at most 10 s and
at most 4 x the file size + 150 MB. bench_memory measures the memory of genuine registers and
samples on its own.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import MB, read_in_child
from benchmarks.synthetic import C_PREAMBLE, register_file


def _short_lines(path: Path, n: int, header: bool) -> None:
    with open(path, "wb") as fh:
        if header:
            fh.write(C_PREAMBLE.encode("cp1252"))
        line = b"India,Russia,2010,7\n"  # 20 bytes: 5 million lines make 100 MB
        for _ in range(n // 10_000):
            fh.write(line * 10_000)


def _no_header(path: Path, size: int) -> None:
    line = b"alpha,beta,gamma,delta,epsilon,1,2,3,4,5,6,7,8,9\n"
    with open(path, "wb") as fh:
        fh.write(line * (size // len(line)))


def main() -> bool:
    cases = {
        "100 MB register-shaped file": lambda p: register_file(p, size=100 * MB),
        "5 million short lines after a register header": lambda p: _short_lines(p, 5_000_000, True),
        "register of 95,000 records (under the line cap)": lambda p: register_file(
            p, records=95_000
        ),
        "90,000 short lines after a register header": lambda p: _short_lines(p, 90_000, True),
        "5 million short lines, no header": lambda p: _short_lines(p, 5_000_000, False),
        "20 MB with no SIPRI header": lambda p: _no_header(p, 20 * MB),
    }
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in cases.items():
            path = Path(tmp) / "input.csv"
            make(path)
            size = path.stat().st_size / MB
            seconds, peak, outcome = read_in_child(path)
            goal_mb = 4 * size + 150
            good = seconds <= 10 and peak <= goal_mb
            ok &= good
            print(
                f"{name} ({size:.0f} MB): {seconds:.1f} s (goal <= 10), peak {peak:.0f} MB "
                f"(goal <= {goal_mb:.0f}) {'OK' if good else 'MISSED'}; {outcome}",
                flush=True,
            )
            path.unlink()
    return ok

"""Loading memory: the peak memory of a fresh process that reads one register, against the goal.

Goal: at most 4 x the file size + 150 MB (the interpreter with pandas and pyarrow is about
113 MB of it). Measured on generated per-deal registers of 60,000 and 95,000 records (SIPRI's
whole register is about 30,000; 100,000 lines is the cap) and on every real export in
../shared/sipri-samples/ when that folder exists. Each line prints the ratio to the goal
(<= 1 meets it) and, for information, the seconds it took (bench_bounded holds the time goal).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import MB, ROOT, read_in_child
from benchmarks.synthetic import register_file

SAMPLES = ROOT.parent / "shared" / "sipri-samples"


def _report(name: str, path: Path) -> bool:
    size = path.stat().st_size / MB
    seconds, peak, outcome = read_in_child(path)
    goal = 4 * size + 150
    print(
        f"{name} ({size:.1f} MB): peak {peak:.0f} MB, goal <= {goal:.0f} MB, "
        f"ratio {peak / goal:.2f} {'OK' if peak <= goal else 'MISSED'}; {seconds:.1f} s; {outcome}",
        flush=True,
    )
    return peak <= goal


def main() -> bool:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for records in (60_000, 95_000):
            path = Path(tmp) / f"register-{records}.csv"
            register_file(path, records=records)
            ok &= _report(f"register of {records:,} records", path)
            path.unlink()
    samples = (
        sorted(SAMPLES.glob("*.csv"), key=lambda p: -p.stat().st_size) if SAMPLES.is_dir() else []
    )
    for path in samples:
        ok &= _report(f"sample {path.name}", path)
    if not samples:
        print(f"(no real exports in {SAMPLES}: only generated registers measured)")
    return ok

"""A throwaway local PostgreSQL cluster around a command: `make test` and `make run-team` use it.

    python tools/pg_cluster.py [--data DIR] [--database NAME] [--env VAR] -- COMMAND ARGS...

Starts a cluster (initdb in a temporary folder, or in DIR to keep it between runs) on a free
port of 127.0.0.1, sets VAR (default ``ARMS_TEST_PG_URL``) to its SQLAlchemy URL, runs COMMAND,
then stops the cluster (and removes the temporary folder) whatever COMMAND did, and exits with
COMMAND's status. PostgreSQL refuses to run as root: as root the server runs as the ``postgres``
user that Debian's package creates. Without PostgreSQL's programs the command runs without the
variable (its tests then skip, or fail under CI=true) and one line says why.

Standard library only: it runs before and outside the project's venv.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVER_USER = "postgres"  # the user Debian's postgresql package creates
SUPERUSER = "arms"  # the cluster's own superuser (trust authentication on 127.0.0.1 only)


def find_bindir() -> Path | None:
    """PostgreSQL's server programs: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """One local cluster: ``start()``, ``url(database)``, ``create_database(name)``, ``stop()``."""

    def __init__(self, bindir: Path, data: Path | None = None) -> None:
        self.bindir = bindir
        self.keep = data is not None
        self.root = Path(data).resolve() if data else Path(tempfile.mkdtemp(prefix="arms-pg-"))
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check)

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        data = self.root / "data"
        if not (data / "PG_VERSION").exists():
            self._run(
                "initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                "--locale=C", "--no-sync",
            )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        if not self.keep:  # a throwaway cluster needs no durability: faster tests
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "-o", options, "start")  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        exists = self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", "postgres",
            "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        )  # fmt: skip
        if exists.stdout.strip() != "1":
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop", check=False)
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


def _say(text: str) -> None:
    print(f"[setup] {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="keep the cluster in DIR (default: throwaway)")
    parser.add_argument("--database", default="postgres", help="database the URL names")
    parser.add_argument("--env", default="ARMS_TEST_PG_URL", help="variable set to the URL")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    bindir = find_bindir()
    if bindir is None:
        _say("PostgreSQL is not installed: its tests will be skipped (required under CI=true)")
        return subprocess.call(command)
    t0 = time.monotonic()
    _say("starting a local PostgreSQL ...")
    cluster = Cluster(bindir, args.data)
    try:
        cluster.start()
        if args.database != "postgres":
            cluster.create_database(args.database)
    except subprocess.CalledProcessError as exc:
        cluster.stop()
        print(f"PostgreSQL did not start: {exc.stderr or exc.stdout}", file=sys.stderr)
        return 1
    _say(f"starting a local PostgreSQL: done in {time.monotonic() - t0:.1f} s "
         f"({cluster.url(args.database)}, data in {cluster.root})")  # fmt: skip
    child = None
    try:
        child = subprocess.Popen(command, env={**os.environ, args.env: cluster.url(args.database)})
        return child.wait()
    except (KeyboardInterrupt, SystemExit) as exc:
        _stop_child(child)
        return 130 if isinstance(exc, KeyboardInterrupt) else 143
    finally:
        cluster.stop()
        _say("stopped the local PostgreSQL")


def _stop_child(child: subprocess.Popen | None) -> None:
    """Ctrl-C or SIGTERM: the command ends (politely, then not) before the cluster stops."""
    if child is None:
        return
    for sig, grace in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(sig)
        try:
            child.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())

"""A throwaway PostgreSQL server for the tests that need a real one (the stress tests).

Started once per test session from Debian's binaries (`make test-stress` installs them),
on a free port of 127.0.0.1 with fsync off: the data is thrown away with the server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin directory, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    """A running throwaway server: its URL, and a way to stop it and start it again."""

    url: str
    stop: Callable[[], None]
    start: Callable[[], None]


@contextmanager
def throwaway_postgres(database: str = "briefs_stress") -> Iterator[str]:
    """Start a server, create `database` and yield its SQLAlchemy URL; stop it after."""
    with postgres_server(database) as server:
        yield server.url


@contextmanager
def postgres_server(database: str = "briefs_stress") -> Iterator[PostgresServer]:
    """Start a server and create `database`; yield it (stoppable, restartable); remove it."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError(
            "These tests need PostgreSQL: `make test-stress` installs it "
            "(Debian: apt-get install postgresql)."
        )
    # initdb refuses to run as root: run the server as the postgres user then.
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    work = Path(tempfile.mkdtemp(prefix="briefs-pg-"))
    if as_user:
        subprocess.run(["chown", "postgres", str(work)], check=True)
    port = _free_port()
    data, log = work / "data", work / "log"
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(
        [*as_user, bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "postgres"], **quiet
    )
    options = (
        f"-k {work} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    )

    def start() -> None:
        subprocess.run(
            [*as_user, bin_dir / "pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start"],
            **quiet,
        )

    def stop() -> None:
        """Stop as an administrator would: open sessions are ended, not waited for."""
        subprocess.run([*as_user, bin_dir / "pg_ctl", "-D", data, "-m", "fast", "stop"], **quiet)

    start()
    try:
        subprocess.run(
            [bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database],
            **quiet,
        )
        yield PostgresServer(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}", stop, start
        )
    finally:
        # Not checked: a test may have left it stopped.
        subprocess.run(
            [*as_user, bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        subprocess.run(["rm", "-rf", str(work)], check=False)

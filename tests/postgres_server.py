"""A real, throwaway PostgreSQL server for the tests (the `postgres_url` fixture, conftest.py).

Debian's server binaries (the `postgresql` apt package, /usr/lib/postgresql/<version>/bin)
run a fresh cluster in a temporary directory. The server listens only on a Unix socket in
that directory, so it can collide neither with another test run nor with a server the
machine already runs, whatever port number it is given.

Neither psycopg nor pytest is imported here: the module only starts and stops the server.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

DBNAME = "gmm_viz_test"
SUPERUSER = "postgres"
# Where Debian installs each major version's server binaries.
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"
NEEDED_BINARIES = ("initdb", "pg_ctl", "postgres", "createdb")
# pg_ctl -w waits for the server to accept connections up to this ceiling; a wait on a
# condition costs nothing when all is well (a busy CI machine can be slow).
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30
# A Unix socket's path is limited to 107 bytes on Linux: "<dir>/.s.PGSQL.<port>".
MAX_SOCKET_DIR_LEN = 107 - len("/.s.PGSQL.65535")


def postgres_bin_dir() -> Path | None:
    """The newest Debian PostgreSQL server binaries.

    Returns
    -------
    Path or None
        ``/usr/lib/postgresql/<version>/bin`` of the highest version holding every
        binary the server needs, or None when there is none.
    """

    def version(bin_dir: Path) -> tuple[int, ...]:
        # "15" or "9.6": compare as numbers, so that 10 comes after 9.6.
        name = bin_dir.parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit())

    candidates = [
        path
        for path in map(Path, glob.glob(DEBIAN_BIN_GLOB))
        if all((path / name).is_file() for name in NEEDED_BINARIES)
    ]
    return max(candidates, key=version, default=None)


def postgres_missing() -> str | None:
    """Why no server can be started here, or None when one can.

    Returns
    -------
    str or None
        A reason for a skip (or, under CI, a failure) of the tests that need the server.
    """
    if postgres_bin_dir() is None:
        return (
            "PostgreSQL server binaries not found "
            f"({DEBIAN_BIN_GLOB}/{{{','.join(NEEDED_BINARIES)}}}; Debian package `postgresql`)"
        )
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root; it runs as the `postgres` system user instead.
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            return f"running as root and there is no `{SUPERUSER}` system user to run PostgreSQL"
        if shutil.which("runuser") is None:
            return "running as root and `runuser` (util-linux) is missing"
    return None


def _free_port() -> int:
    # The socket file in a private directory cannot collide whatever the number; a free
    # TCP number just keeps the server's name distinct in logs and process listings.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _make_temp_dir() -> Path:
    base = tempfile.gettempdir()
    if len(base) + len("/gmm_viz_pg_XXXXXXXX") > MAX_SOCKET_DIR_LEN:
        base = "/tmp"  # a long TMPDIR would make the socket's path too long
    return Path(tempfile.mkdtemp(prefix="gmm_viz_pg_", dir=base))


class _Runner:
    """Runs the PostgreSQL binaries as a user PostgreSQL accepts.

    As root, through ``runuser -u postgres --``; otherwise as the current user.
    """

    def __init__(self, bin_dir: Path, work_dir: Path):
        self.bin_dir = bin_dir
        self.work_dir = work_dir
        self.as_root = os.geteuid() == 0
        # A developer's PGDATA, PGPORT, PGHOST... must not redirect the throwaway server.
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}

    def run(self, name: str, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bin_dir / name), *args]
        if self.as_root:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        # cwd: the postgres user may not be allowed into the caller's directory.
        return subprocess.run(
            cmd,
            cwd=self.work_dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )


def _check(result: subprocess.CompletedProcess, what: str, log_path: Path | None = None):
    if result.returncode != 0:
        message = f"{what} failed (exit code {result.returncode}):\n{result.stdout}{result.stderr}"
        if log_path is not None and log_path.exists():
            message += "\nserver log:\n" + log_path.read_text(errors="replace")
        raise RuntimeError(message)


@contextmanager
def temporary_postgres(dbname: str = DBNAME) -> Iterator[str]:
    """Start a throwaway PostgreSQL cluster; stop it and delete its files on exit.

    Parameters
    ----------
    dbname : str
        The database created in the cluster (owned by the superuser ``postgres``).

    Yields
    ------
    str
        A libpq / psycopg 3 connection URL over the cluster's Unix socket, in the form
        ``postgresql://postgres@/gmm_viz_test?host=/tmp/gmm_viz_pg_XXXX&port=NNNNN``;
        no password (trust authentication, the socket is in a private directory).

    Raises
    ------
    RuntimeError
        When the server cannot be started here (the reason of `postgres_missing`), or
        when initdb, pg_ctl or createdb fails (with their output and the server log).
    """
    reason = postgres_missing()
    if reason is not None:
        raise RuntimeError(reason)
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None
    temp_dir = _make_temp_dir()
    data_dir = temp_dir / "data"
    log_path = temp_dir / "server.log"
    runner = _Runner(bin_dir, temp_dir)
    port = _free_port()
    started = False
    try:
        if runner.as_root:
            # The postgres user must own the cluster's directory (and write its socket there).
            user = pwd.getpwnam(SUPERUSER)
            os.chown(temp_dir, user.pw_uid, user.pw_gid)
        # --no-sync: nothing here needs to survive a crash of the machine.
        _check(
            runner.run("initdb", "-D", str(data_dir), "-A", "trust", "-U", SUPERUSER, "--no-sync"),
            "initdb",
        )
        server_options = shlex.join(
            [
                "-k", str(temp_dir),
                "-p", str(port),
                "-c", "listen_addresses=",  # no TCP at all: only the private socket
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
            ]
        )  # fmt: skip
        # -w waits until the server accepts connections (no sleeps); -l keeps the server's
        # output out of our pipes, so pg_ctl returns once the server is up. Even a failed or
        # interrupted start may leave a server behind: from here on, always stop it.
        started = True
        result = runner.run(
            "pg_ctl", "start", "-w", "-t", str(START_TIMEOUT_S),
            "-D", str(data_dir), "-l", str(log_path), "-o", server_options,
        )  # fmt: skip
        _check(result, "pg_ctl start", log_path)
        _check(
            runner.run("createdb", "-h", str(temp_dir), "-p", str(port), "-U", SUPERUSER, dbname),
            f"createdb {dbname}",
            log_path,
        )
        yield f"postgresql://{SUPERUSER}@/{dbname}?host={quote(str(temp_dir))}&port={port}"
    finally:
        if started:
            _stop(runner, data_dir)
        shutil.rmtree(temp_dir, ignore_errors=True)


def _stop(runner: _Runner, data_dir: Path):
    # Immediate: the cluster is thrown away, so no checkpoint is worth waiting for.
    result = runner.run(
        "pg_ctl", "stop", "-w", "-t", str(STOP_TIMEOUT_S), "-m", "immediate", "-D", str(data_dir)
    )
    if result.returncode == 0:
        return
    # pg_ctl could not stop it (or it was not running): kill the postmaster if its pid file
    # is still there; its children exit on their own when they see it gone.
    try:
        os.kill(int((data_dir / "postmaster.pid").read_text().split()[0]), signal.SIGKILL)
    except (OSError, ValueError, IndexError):
        pass

"""``gmm-viz class``: launch the app for a class, with the teacher's secret and the class's
database, and print the two links (the teacher's, to keep to oneself, and the students').

It runs Voila as the README's class-day command does, with three settings in the
environment that every kernel of the server inherits (:mod:`~gmm_viz.classroom.join`).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

__all__ = ["add_class_parser", "launch_class"]

APP = Path("notebooks") / "app.ipynb"


def add_class_parser(sub, whole):
    """The ``class`` subcommand's options (``whole(lo, what)`` checks whole numbers)."""
    p = sub.add_parser(
        "class",
        help="launch the app for a class: the teacher asks, the students' pages answer",
        description="Launch the web app (Voila) for a class. The teacher opens the printed "
        "teacher's link on the projector and asks the room questions at any half-step; every "
        "other page answers them. Run it from the repository's root.",
    )
    p.add_argument("--port", type=whole(1, "the port"), default=8866, help="default 8866")
    p.add_argument(
        "--ip",
        default="127.0.0.1",
        help="where to listen: 127.0.0.1 (this computer only, the default) or 0.0.0.0 "
        "(every network this computer is on: for students' laptops)",
    )
    p.add_argument(
        "--database",
        default=None,
        help="a SQLite file, or a postgresql:// URL (default: a file in Jupyter's runtime "
        "folder named after the port, kept across restarts)",
    )
    p.add_argument(
        "--pool-size",
        type=whole(1, "the pool size"),
        default=2,
        help="kernels kept ready (the class plus a third; default 2)",
    )
    return p


def launch_class(args, stdout, environ=None, exec_=os.execvpe):
    """Print the links and replace this process with Voila. Raises ``GMMVizError`` (via the
    CLI's ``error:`` line) when the app's notebook is not here."""
    from gmm_viz.classroom.join import default_database
    from gmm_viz.errors import GMMVizError

    environ = dict(os.environ if environ is None else environ)
    if not APP.is_file():
        raise GMMVizError(f"{APP} is not here: run 'gmm-viz class' from the repository's root.")
    token = environ.get("GMM_VIZ_TEACHER_TOKEN") or _kept_token(args.port)
    database = args.database or environ.get("GMM_VIZ_CLASS_DB")
    if not database:
        database = str(default_database().with_name(f"gmm-viz-class-{args.port}.sqlite3"))
    environ.update(GMM_VIZ_TEACHER_TOKEN=token, GMM_VIZ_CLASS_DB=database)
    host = args.ip if args.ip not in ("0.0.0.0", "::") else "<this computer's address>"
    shown_db = database.split("@")[-1] if "://" in database else database  # no password
    print(
        f"Teacher's page (the projector; keep this link to yourself):\n"
        f"  http://127.0.0.1:{args.port}/?teacher={token}\n"
        f"Students' page:\n  http://{host}:{args.port}/\n"
        f"The class's answers are kept in {shown_db}.\nCtrl+C stops the server.",
        file=stdout,
        flush=True,
    )
    command = [
        sys.executable, "-m", "voila", str(APP), "--no-browser", f"--Voila.ip={args.ip}",
        f"--port={args.port}", f"--pool_size={args.pool_size}",
    ]  # fmt: skip
    if args.pool_size > 2:  # a class's pool: refilled after class, not while it arrives
        command.append("--VoilaKernelManager.fill_delay=3600")
    exec_(command[0], command, environ)


def _kept_token(port):
    """The teacher's secret for the server on ``port``: made once and kept (readable by
    this user only) beside the class's file, so that the teacher's link still works after
    the server is restarted mid-class."""
    from gmm_viz.classroom.join import default_database

    path = default_database().with_name(f"gmm-viz-class-{port}.teacher-token")
    try:
        token = path.read_text().strip()
    except FileNotFoundError:
        token = ""
    if len(token) < 16:
        token = secrets.token_urlsafe(18)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(token)
    return token

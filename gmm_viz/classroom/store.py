"""Where a class's questions and answers live: one database shared by every kernel of a server.

:class:`ClassStore` is a handful of short SQL statements over either

* **SQLite** (the default): one file, opened in WAL mode with a busy timeout, so that the
  kernels of a whole class write at once without "database is locked" and readers never
  wait for writers; or
* **PostgreSQL** (a ``postgresql://`` URL, through psycopg 3), when kernels run on different
  machines (JupyterHub on Kubernetes).

Both take the same statements (``?`` placeholders are turned into psycopg's ``%s``). Each call
is one transaction of its own: a kernel killed between two calls has lost nothing it had sent.
The rules of who may do what are not here but in :mod:`~gmm_viz.classroom.seat`; this layer
only keeps the invariants a database can keep for everyone: one answer per student and
question (the last one counts), and no answer to a question that is not open.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Answer", "ClassStore", "StoredQuestion", "open_store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id {id_column},
    class_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    spec TEXT NOT NULL,
    truth TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'revealed')),
    asked_at DOUBLE PRECISION NOT NULL,
    closed_at DOUBLE PRECISION,
    revealed_at DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS questions_of_class ON questions (class_code, id);
CREATE TABLE IF NOT EXISTS answers (
    question_id BIGINT NOT NULL REFERENCES questions (id),
    student TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (question_id, student)
);
"""

_ID_COLUMN = {
    "sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "postgresql": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
}

_QUESTION_COLUMNS = "id, class_code, kind, spec, truth, status, asked_at, closed_at, revealed_at"


@dataclass(frozen=True)
class StoredQuestion:
    """One question as the database holds it (``spec`` and ``truth`` decoded from JSON)."""

    id: int
    class_code: str
    kind: str
    spec: dict
    truth: object
    status: str
    asked_at: float
    closed_at: float | None
    revealed_at: float | None


@dataclass(frozen=True)
class Answer:
    """One student's answer (``value`` decoded from JSON) and when it was last changed."""

    student: str
    value: object
    answered_at: float


class ClassStore:
    """The questions and answers of every class on a server.

    Parameters
    ----------
    location : str or Path
        A file path (SQLite, created with its folder if missing) or a ``postgresql://`` URL.
    timeout : float
        Seconds a writer waits for another's lock (SQLite's busy timeout, PostgreSQL's
        connect timeout).
    """

    def __init__(self, location, *, timeout=10.0):
        location = str(location)
        self.location = location
        if location.startswith(("postgresql://", "postgres://")):
            import psycopg  # only where a class uses PostgreSQL

            self.dialect = "postgresql"
            self._conn = psycopg.connect(location, autocommit=True, connect_timeout=timeout)
        else:
            self.dialect = "sqlite"
            Path(location).parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: every statement commits on its own, as psycopg's autocommit.
            self._conn = sqlite3.connect(location, timeout=timeout, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
        self._create()

    # ------------------------------------------------------------------ plumbing

    def _sql(self, statement):
        return statement.replace("?", "%s") if self.dialect == "postgresql" else statement

    def _execute(self, statement, params=()):
        return self._conn.execute(self._sql(statement), params)

    def _create(self):
        schema = _SCHEMA.format(id_column=_ID_COLUMN[self.dialect])
        for statement in filter(str.strip, schema.split(";")):
            if self.dialect == "postgresql":
                # Two kernels creating the schema at once: PostgreSQL's IF NOT EXISTS is not
                # atomic against a concurrent CREATE, so the loser retries and finds it.
                import psycopg

                try:
                    self._execute(statement)
                except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateTable):
                    pass
            else:
                self._execute(statement)

    @contextmanager
    def _transaction(self):
        """Statements that must land together (or not at all)."""
        if self.dialect == "postgresql":
            with self._conn.transaction():
                yield
            return
        # IMMEDIATE: take the write lock at once (waiting up to the busy timeout), so two
        # writers never both read, then fail to upgrade.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def close(self):
        """Close the connection (the data stay)."""
        self._conn.close()

    # ------------------------------------------------------------------ questions

    def ask(self, class_code, kind, spec, truth):
        """Store a new open question; closes the class's earlier open ones. Returns it."""
        now = time.time()
        with self._transaction():
            self._execute(
                "UPDATE questions SET status = 'closed', closed_at = ? "
                "WHERE class_code = ? AND status = 'open'",
                (now, class_code),
            )
            row = self._execute(
                "INSERT INTO questions (class_code, kind, spec, truth, status, asked_at) "
                f"VALUES (?, ?, ?, ?, 'open', ?) RETURNING {_QUESTION_COLUMNS}",
                (class_code, kind, json.dumps(spec), json.dumps(truth), now),
            ).fetchone()
        return _question(row)

    def latest(self, class_code):
        """The class's most recent question (whatever its status), or None."""
        row = self._execute(
            f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE class_code = ? "
            "ORDER BY id DESC LIMIT 1",
            (class_code,),
        ).fetchone()
        return None if row is None else _question(row)

    def question(self, question_id):
        """The question ``question_id``, or None."""
        row = self._execute(
            f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE id = ?", (question_id,)
        ).fetchone()
        return None if row is None else _question(row)

    def questions(self, class_code):
        """Every question of the class, oldest first."""
        rows = self._execute(
            f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE class_code = ? ORDER BY id",
            (class_code,),
        ).fetchall()
        return [_question(row) for row in rows]

    def set_status(self, question_id, status, *, only_from):
        """Move a question to ``status`` if it is now ``only_from``; True if it moved."""
        column = {"closed": "closed_at", "revealed": "revealed_at"}[status]
        cursor = self._execute(
            f"UPDATE questions SET status = ?, {column} = ? WHERE id = ? AND status = ?",
            (status, time.time(), question_id, only_from),
        )
        return cursor.rowcount == 1

    # ------------------------------------------------------------------ answers

    def answer(self, question_id, student, value):
        """Store ``student``'s answer, replacing their earlier one, if the question is open.

        Returns True if stored, False if the question is not open (closed meanwhile): the
        check and the write are one statement, so no answer slips in after a close.
        """
        # PostgreSQL: the question's row is share-locked, so a close waits for the answers
        # being written and an answer written after a close sees it (without the lock an
        # answer whose snapshot predates the close still landed after it: 2 of 60 in a test).
        # SQLite has one writer at a time, which gives the same.
        lock = " FOR SHARE" if self.dialect == "postgresql" else ""
        cursor = self._execute(
            "INSERT INTO answers (question_id, student, value, answered_at) "
            "SELECT ?, ?, ?, ? WHERE EXISTS "
            f"(SELECT 1 FROM questions WHERE id = ? AND status = 'open'{lock}) "
            "ON CONFLICT (question_id, student) DO UPDATE SET "
            "value = excluded.value, answered_at = excluded.answered_at",
            (question_id, student, json.dumps(value), time.time(), question_id),
        )
        return cursor.rowcount == 1

    def answer_of(self, question_id, student):
        """``student``'s answer to the question, or None."""
        row = self._execute(
            "SELECT student, value, answered_at FROM answers "
            "WHERE question_id = ? AND student = ?",
            (question_id, student),
        ).fetchone()
        return None if row is None else Answer(row[0], json.loads(row[1]), row[2])

    def count(self, question_id):
        """How many students have answered the question."""
        row = self._execute(
            "SELECT COUNT(*) FROM answers WHERE question_id = ?", (question_id,)
        ).fetchone()
        return int(row[0])

    def answers(self, question_id):
        """Every answer to the question, in the order they were last changed."""
        rows = self._execute(
            "SELECT student, value, answered_at FROM answers WHERE question_id = ? "
            "ORDER BY answered_at, student",
            (question_id,),
        ).fetchall()
        return [Answer(row[0], json.loads(row[1]), row[2]) for row in rows]


def _question(row):
    return StoredQuestion(
        id=int(row[0]),
        class_code=row[1],
        kind=row[2],
        spec=json.loads(row[3]),
        truth=json.loads(row[4]),
        status=row[5],
        asked_at=row[6],
        closed_at=row[7],
        revealed_at=row[8],
    )


def open_store(location, **kwargs):
    """A :class:`ClassStore` on ``location`` (a SQLite file path or a PostgreSQL URL)."""
    return ClassStore(location, **kwargs)

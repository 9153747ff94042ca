"""The throwaway PostgreSQL server of the `postgres_url` fixture (postgres_server.py):
psycopg 3 reaches it, and it is a real server, shared by concurrent connections."""

from __future__ import annotations

import psycopg


def test_psycopg_creates_a_table_and_reads_back_a_row(postgres_url):
    assert postgres_url.startswith("postgresql://postgres@/gmm_viz_test?host=/")
    with psycopg.connect(postgres_url) as conn:
        assert conn.info.dbname == "gmm_viz_test"
        conn.execute("CREATE TABLE answers_roundtrip (student text PRIMARY KEY, answer float8)")
        conn.execute("INSERT INTO answers_roundtrip VALUES (%s, %s)", ("ada", 0.25))
        rows = conn.execute("SELECT student, answer FROM answers_roundtrip").fetchall()
    assert rows == [("ada", 0.25)]


def test_two_connections_see_each_others_committed_rows(postgres_url):
    # autocommit: each statement is committed at once, as two students' sessions would be.
    with (
        psycopg.connect(postgres_url, autocommit=True) as first,
        psycopg.connect(postgres_url, autocommit=True) as second,
    ):
        assert first.info.backend_pid != second.info.backend_pid  # two server processes
        first.execute("CREATE TABLE answers_shared (student text, answer int)")
        first.execute("INSERT INTO answers_shared VALUES ('ada', 1)")
        second.execute("INSERT INTO answers_shared VALUES ('bob', 2)")
        for conn in (first, second):
            rows = conn.execute("SELECT * FROM answers_shared ORDER BY student").fetchall()
            assert rows == [("ada", 1), ("bob", 2)]

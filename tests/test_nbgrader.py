"""Lesson 6 as an nbgrader assignment (courses/nbgrader): the source is made from the lesson;
`nbgrader generate_assignment` releases it without the solutions; `nbgrader autograde`
gives a right submission full marks and a wrong M-step fewer, its feedback naming the first
number that differs, with the checkers of gmm_viz.exercises.

nbgrader is a test-only dependency (requirements-dev.txt); without it the nbgrader tests
skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "courses" / "nbgrader"
TIMEOUT_S = 300

_spec = importlib.util.spec_from_file_location("make_source", COURSE / "make_source.py")
make_source = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_source)

WRONG_M_STEP = '''
def my_m_step(X, responsibilities):
    """The covariance divided by N: a usual slip."""
    N, D = X.shape
    Nk = responsibilities.sum(axis=0)
    means = responsibilities.T @ X / Nk[:, None]
    covariances = np.empty((len(Nk), D, D))
    for k in range(len(Nk)):
        diff = X - means[k]
        covariances[k] = (responsibilities[:, k, None] * diff).T @ diff / N
    return Nk / N, means, covariances
'''


def _nbgrader_missing():
    if importlib.util.find_spec("nbgrader") is not None:
        return None
    if os.environ.get("CI") == "true":
        pytest.fail("nbgrader is missing: pip install -r requirements-dev.txt")
    return "nbgrader is not installed (pip install -r requirements-dev.txt)"


def test_the_course_source_is_made_from_lesson_6():
    """courses/nbgrader/source/write_em/write_em.ipynb is what make_source.py makes from the
    lesson now (run it after editing the lesson)."""
    expected = make_source.course_notebook(make_source.lesson())
    saved = nbformat.read(make_source.TARGET, as_version=4)
    assert [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in saved.cells] == [
        (c.cell_type, c.source, c.metadata.get("nbgrader")) for c in expected.cells
    ]


def test_the_source_has_two_solution_cells_and_three_graded_tests():
    nb = nbformat.read(make_source.TARGET, as_version=4)
    graded = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    solutions = [m["grade_id"] for m in graded if m["solution"]]
    tests = {m["grade_id"]: m["points"] for m in graded if m["grade"]}
    assert solutions == ["my_e_step", "my_m_step"]
    assert tests == {"check_e_step": 4, "check_m_step": 4, "run_beside_reference": 2}
    assert all(m["schema_version"] == 3 and m["locked"] == (not m["solution"]) for m in graded)
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("solution"):
            assert "### BEGIN SOLUTION" in c.source and "### END SOLUTION" in c.source
        if c.metadata.get("nbgrader", {}).get("grade"):
            assert "assert " in c.source
    # The lesson's <details> solutions stay out of the assignment.
    assert not any("def my_" in c.source for c in nb.cells if c.cell_type == "markdown")


def _nbgrader(course, *args):
    """`nbgrader <args>` in the course folder, with this interpreter; nbgrader runs its
    `alembic` by name, so the interpreter's bin goes first on PATH."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _submit(course, student, codes):
    release = nbformat.read(course / "release" / "write_em" / "write_em.ipynb", as_version=4)
    filled = make_source.with_code(release, codes)
    target = course / "submitted" / student / "write_em" / "write_em.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(filled, target)


def _test_outputs(notebook, grade_id):
    cell = next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )
    return "\n".join(
        out.get("text", "") + out.get("evalue", "") + "\n".join(out.get("traceback", []))
        for out in cell.outputs
    )


def test_generate_and_autograde_a_right_and_a_wrong_submission(tmp_path):
    reason = _nbgrader_missing()
    if reason:
        pytest.skip(reason)
    course = tmp_path / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns("__pycache__"))

    _nbgrader(course, "generate_assignment", "write_em")
    release = (course / "release" / "write_em" / "write_em.ipynb").read_text()
    assert "BEGIN SOLUTION" not in release and "log_w_dens" not in release
    assert "np.linalg.slogdet(covariances[k])" not in release  # the E-step's solution
    assert "/ Nk[k]" not in release  # the M-step's solution
    assert release.count("raise NotImplementedError  # replace this line") == 2

    right = make_source.solutions(make_source.lesson())
    _submit(course, "right", right)
    _submit(course, "wrong", {**right, "my_m_step": WRONG_M_STEP})
    _nbgrader(course, "autograde", "write_em")
    _nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))

    with open(tmp_path / "grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    assert float(grades["right"]["max_score"]) == 10
    assert float(grades["right"]["score"]) == 10
    assert float(grades["wrong"]["score"]) == 4  # the E-step only

    graded = nbformat.read(
        course / "autograded" / "wrong" / "write_em" / "write_em.ipynb", as_version=4
    )
    said = _test_outputs(graded, "check_m_step")
    assert "AssertionError" in said
    assert (
        "Not yet: on the five toy points, after the worked example's E-step, the variance of "
        "component 1 is 0.351 in the reference and 0.1799 in yours (0.171 apart): divide by "
        "N_k = sum_n beta_nk, not by N." in said
    ), said
    assert "At M-step 1, entry (1, 1) of the covariance of component 1" in _test_outputs(
        graded, "run_beside_reference"
    )

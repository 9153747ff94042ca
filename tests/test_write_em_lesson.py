"""Lesson 6 with a student's code filled in, run top to bottom: the lesson's own solutions
get ticks and a run that agrees with the reference at every half-step; a wrong M-step gets
"not yet" with the first number that differs, and the lesson still runs to its end.
(The saved lesson, with the stubs, is checked by nbval and tests/test_lessons.py.)"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "make_source", ROOT / "courses" / "nbgrader" / "make_source.py"
)
make_source = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_source)

WRONG_M_STEP = '''
def my_m_step(X, responsibilities):
    """np.cov with weights, but without bias=True: a usual slip."""
    N, D = X.shape
    Nk = responsibilities.sum(axis=0)
    means = responsibilities.T @ X / Nk[:, None]
    covariances = np.array([np.cov(X.T, aweights=r).reshape(D, D) for r in responsibilities.T])
    return Nk / N, means, covariances
'''


def _run(codes):
    nb = make_source.with_code(make_source.lesson(), codes)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    client.execute()
    return nb


def _shown(nb, calls):
    """What the code cell that calls ``calls`` (and defines nothing) shows, as markdown."""
    cell = next(
        c
        for c in nb.cells
        if c.cell_type == "code" and calls in c.source and "def " not in c.source
    )
    return "\n".join(out.get("data", {}).get("text/markdown", "") for out in cell.outputs)


@pytest.fixture(scope="module")
def right():
    return _run(make_source.solutions(make_source.lesson()))


def test_the_lessons_solutions_get_ticks_and_agree_with_the_reference(right):
    assert _shown(right, "check_e_step(my_e_step)").startswith("✅ Right: your E-step")
    assert _shown(right, "check_m_step(my_m_step)").startswith("✅ Right: your M-step")
    assert _shown(right, "yours = student_em").startswith(
        "✅ Your run and the reference agree at every one of the 8 half-steps"
    )


def test_a_wrong_m_step_is_named_at_its_first_differing_number():
    right = make_source.solutions(make_source.lesson())
    nb = _run({**right, "my_m_step": WRONG_M_STEP})
    assert _shown(nb, "check_e_step(my_e_step)").startswith("✅")
    checked = _shown(nb, "check_m_step(my_m_step)")
    assert checked.startswith("❌ Not yet: on the five toy points, after the worked example's")
    assert "unless you pass bias=True" in checked
    run = _shown(nb, "yours = student_em")
    assert run.startswith("❌ At M-step 1, entry (1, 1) of the covariance of component 1 is ")
    assert "in the reference and" in run
    # The lesson goes on to its end: the covariance types' table is there.
    last_code = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert last_code.outputs, "the lesson ran to its last cell"

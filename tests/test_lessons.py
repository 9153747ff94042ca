"""Every lesson teaches actively: a goal, predictions before reveals, checked exercises with
a collapsible solution, a static strip wherever EM is stepped, and what to remember.

The lessons' numbers are checked by nbval (the saved outputs); this checks their shape, from
the plain-text sources and the saved notebooks.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p for p in (ROOT / "notebooks" / "lessons").glob("[0-9]*.py"))


def _plain(output):
    text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def _cells(source):
    nb = nbformat.read(ROOT / "notebooks" / f"{source.stem}.ipynb", as_version=4)
    return nb.cells


# The lessons where the student writes EM in numpy: their student-function cells and their
# solutions (marked STUDENT_CODE) may hold EM's arithmetic; nothing else in any lesson may.
WRITES_EM = {"06_write_em"}
STUDENT_CODE = "# student code:"


def test_there_are_six_lessons_why_em_climbs_and_write_em_among_them():
    assert [p.stem[:2] for p in LESSONS] == ["01", "02", "03", "04", "05", "06"]
    assert LESSONS[4].stem == "05_why_em_climbs"
    assert LESSONS[5].stem == "06_write_em"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_goal_predictions_exercises_solutions_and_summary(source):
    cells = _cells(source)
    markdown = [c.source for c in cells if c.cell_type == "markdown"]
    # A goal near the top, a summary at the end.
    assert any("## Goal" in m for m in markdown[:3]), "a '## Goal' section near the top"
    goal = next(m for m in markdown[:3] if "## Goal" in m).split("## Goal", 1)[1]
    assert 2 <= len(re.findall(r"^\* ", goal, flags=re.M)) <= 4, "2-4 things the student can do"
    assert "## What to remember" in markdown[-1]
    # At least two predictions, each revealed by the engine: made in the cell, or asked by a
    # function of gmm_viz.questions that keeps the answer out of the cell.
    predictions = [
        c
        for c in cells
        if c.cell_type == "code"
        and (
            re.search(r"predict_(number|choice)\(", c.source)
            or any(_plain(out).startswith("Predict:") for out in c.get("outputs", []))
        )
    ]
    assert len(predictions) >= 2
    # At least two checked exercises, each followed by a collapsible solution.
    checks = [i for i, c in enumerate(cells) if c.cell_type == "code" and "check_" in c.source]
    assert len(checks) >= 2
    for i in checks:
        if i + 1 in checks:
            continue  # one exercise in several cells: the solution follows the last
        after = "".join(c.source for c in cells[i + 1 : i + 3] if c.cell_type == "markdown")
        assert "<details>" in after and "<summary>" in after, f"a solution after cell {i}"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_a_prediction_asks_before_it_tells(source):
    """No answer in a prediction's cell: the cell calls gmm_viz.questions, never the widget
    with its answer and explanation; saved, the reveal is folded under the question and the
    plain text holds only the question."""
    text = source.read_text()
    assert "from gmm_viz.questions import" in text
    assert not re.search(r"predict_(number|choice)\(", text), "ask through gmm_viz.questions"
    assert "explain=" not in text
    folded = 0
    for cell in _cells(source):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            page = data.get("text/html", "")
            if "<b>Predict:</b>" not in page:
                continue
            folded += 1
            question, reveal = page.split("<details>", 1)
            assert "the engine says" not in question and "the engine says" in reveal
            assert "the engine says" not in data["text/plain"]
    assert folded >= 2


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_saved_exercises_ask_for_an_answer_instead_of_showing_a_verdict(source):
    """The answers start as None: saved, every exercise asks for one (a pencil), never a tick
    or a cross before the student did anything."""
    text = source.read_text()
    unanswered = re.findall(r"^my_\w+ = None\b", text, flags=re.M)
    stubs = re.findall(r"raise NotImplementedError", text)  # lesson 6: functions to write
    assert len(unanswered) + len(stubs) >= 2
    assert not re.search(r"^my_\w+ = -?[\d.]+", text, flags=re.M), "an answer filled in"
    marks = []
    for cell in _cells(source):
        # The student's own answers (a demonstration, like lesson 6's classmate, may be wrong).
        if cell.cell_type != "code" or not re.search(r"exercises\.check_\w+\(my_", cell.source):
            continue
        for out in cell.get("outputs", []):
            marks.append(out.get("data", {}).get("text/markdown", "")[:2])
    assert marks and all(m.startswith("✏") for m in marks), marks


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_lessons_that_step_em_show_the_motion_on_a_static_page(source):
    text = source.read_text()
    if "EMExplorer(" in text or "history_" in text or "run_beside_reference(" in text:
        assert re.search(r"(step|compare)_strip\(", text), "a static strip of half-steps"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_no_em_math_inside_a_lesson(source):
    """Lessons call gmm_viz for EM; they do not re-implement its formulas in numpy. The one
    exception: where the student writes EM (WRITES_EM), the cells of student code (theirs,
    a classmate's, the solutions in <details>) carry the STUDENT_CODE marker."""
    cells = re.split(r"^# %%", source.read_text(), flags=re.M)
    if source.stem in WRITES_EM:
        marked = [c for c in cells if STUDENT_CODE in c]
        assert len(marked) >= 4, "the student's E- and M-step cells and their solutions"
        assert any(re.search(r"np\.exp\(", c) for c in marked), "student code does EM math"
        cells = [c for c in cells if STUDENT_CODE not in c]
    else:
        assert STUDENT_CODE not in source.read_text(), f"only {sorted(WRITES_EM)} write EM"
    text = "".join(cells)
    for pattern in (r"np\.exp\(", r"\.sum\(axis=1, keepdims", r"scipy"):
        assert not re.search(pattern, text), pattern


def test_in_write_em_the_saved_functions_are_stubs_and_never_ticked():
    """The saved lesson shows the student's functions unwritten: "not written yet", never
    a tick before the student did anything; the solutions are folded under <details>."""
    cells = _cells(ROOT / "notebooks" / "lessons" / "06_write_em.py")
    stubs = [c for c in cells if c.cell_type == "code" and "def my_" in c.source]
    assert len(stubs) == 2
    assert all("raise NotImplementedError" in c.source for c in stubs)
    shown = [
        out.get("data", {}).get("text/markdown", "")
        for c in cells
        if c.cell_type == "code"
        for out in c.get("outputs", [])
    ]
    assert not any(s.startswith("✅") for s in shown), "a tick before the student wrote code"
    assert sum(s.startswith("✏️ Not written yet") for s in shown) == 3  # two checks, the run
    solutions = [c.source for c in cells if c.cell_type == "markdown" and "def my_" in c.source]
    assert len(solutions) == 2 and all("<details>" in s for s in solutions)

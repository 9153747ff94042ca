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


def _cells(source):
    nb = nbformat.read(ROOT / "notebooks" / f"{source.stem}.ipynb", as_version=4)
    return nb.cells


def test_there_are_five_lessons_and_why_em_climbs_is_one():
    assert [p.stem[:2] for p in LESSONS] == ["01", "02", "03", "04", "05"]
    assert LESSONS[-1].stem == "05_why_em_climbs"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_goal_predictions_exercises_solutions_and_summary(source):
    cells = _cells(source)
    markdown = [c.source for c in cells if c.cell_type == "markdown"]
    code = [c.source for c in cells if c.cell_type == "code"]
    # A goal near the top, a summary at the end.
    assert any("## Goal" in m for m in markdown[:3]), "a '## Goal' section near the top"
    goal = next(m for m in markdown[:3] if "## Goal" in m).split("## Goal", 1)[1]
    assert 2 <= len(re.findall(r"^\* ", goal, flags=re.M)) <= 4, "2-4 things the student can do"
    assert "## What to remember" in markdown[-1]
    # At least two predictions, each revealed by the engine.
    predictions = [c for c in code if re.search(r"predict_(number|choice)\(", c)]
    assert len(predictions) >= 2
    # At least two checked exercises, each followed by a collapsible solution.
    checks = [i for i, c in enumerate(cells) if c.cell_type == "code" and "check_" in c.source]
    assert len(checks) >= 2
    for i in checks:
        after = "".join(c.source for c in cells[i + 1 : i + 3] if c.cell_type == "markdown")
        assert "<details>" in after and "<summary>" in after, f"a solution after cell {i}"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_saved_predictions_show_an_example_guess_and_exercises_a_verdict(source):
    """Read without a kernel, a prediction shows its example guess and the reveal, and an
    exercise its checker's sentence."""
    cells = _cells(source)
    texts = []
    for c in cells:
        if c.cell_type != "code":
            continue
        for out in c.get("outputs", []):
            texts.append(out.get("data", {}).get("text/plain", "") + out.get("text", ""))
    shown = "\n".join(texts)
    assert shown.count("Example guess:") >= 2
    assert re.search(r"(Right|Not yet|That is|Divide|Use the|Count|Give)", shown)


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_lessons_that_step_em_show_the_motion_on_a_static_page(source):
    text = source.read_text()
    if "EMExplorer(" in text or "history_" in text:
        assert "step_strip(" in text, "a static strip of half-steps"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_no_em_math_inside_a_lesson(source):
    """Lessons call gmm_viz for EM; they do not re-implement its formulas in numpy."""
    text = source.read_text()
    for pattern in (r"np\.exp\(", r"\.sum\(axis=1, keepdims", r"scipy"):
        assert not re.search(pattern, text), pattern

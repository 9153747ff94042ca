"""Every lesson has a student copy beside it (``notebooks/<name>.student.ipynb``): the same
cells, nothing revealed, nothing drawn; and it runs from top to bottom as a student would
first run it, every exercise still unanswered."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "notebooks"))
import build_notebooks  # noqa: E402

LESSONS = build_notebooks.lesson_sources()


def _copy(source):
    return ROOT / "notebooks" / f"{source.stem}{build_notebooks.STUDENT_SUFFIX}"


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_the_student_copy_is_the_lesson_without_outputs(source):
    executed = nbformat.read(ROOT / "notebooks" / f"{source.stem}.ipynb", as_version=4)
    student = nbformat.read(_copy(source), as_version=4)
    assert [(c.cell_type, c.source) for c in student.cells] == [
        (c.cell_type, c.source) for c in executed.cells
    ], "rebuild with notebooks/build_notebooks.py"
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("source", LESSONS, ids=lambda p: p.stem)
def test_the_student_copy_runs_from_top_to_bottom(source):
    from nbclient import NotebookClient

    nb = nbformat.read(_copy(source), as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    client.execute()  # raises CellExecutionError on the first cell that fails
    verdicts = [
        out["data"]["text/markdown"]
        for cell in nb.cells
        # The student's own answers (lesson 6's classmate is a demonstration, and wrong).
        if cell.cell_type == "code" and re.search(r"exercises\.check_\w+\(my_", cell.source)
        for out in cell.outputs
        if "text/markdown" in out.get("data", {})
    ]
    assert verdicts and all(v.startswith("✏️") for v in verdicts), verdicts

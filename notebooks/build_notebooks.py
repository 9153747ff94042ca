"""Build the lesson notebooks from their sources and save them executed.

Each lesson is written as a plain-text notebook, ``notebooks/lessons/<name>.py`` in
jupytext's percent format (``# %% [markdown]`` and ``# %%`` cells): a teacher edits it as a
document, in any editor, or opens it in JupyterLab as a notebook. This script reads each
source with jupytext, executes it top to bottom in ``notebooks/`` with the python3 kernel
(nbclient), and writes ``notebooks/<name>.ipynb`` with its outputs, so that it reads on a
static viewer and nbval can check it. Beside it, ``notebooks/<name>.student.ipynb`` is the student's copy: the
same cells with no outputs, to hand out (nothing revealed, no picture drawn before the
student runs it). Run from the repository root after changing a lesson or the package:

    .venv/bin/python notebooks/build_notebooks.py            # all notebooks
    .venv/bin/python notebooks/build_notebooks.py 02         # the ones whose name has "02"
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "lessons"
# The student's copy of <name>.ipynb: <name>.student.ipynb, beside it (so that the files a
# lesson reads, like heights.csv, are found from either).
STUDENT_SUFFIX = ".student.ipynb"


def build(source):
    """Execute one lesson source and write its .ipynb beside this script."""
    nb = jupytext.read(source)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    target = HERE / f"{source.stem}.ipynb"
    nbformat.write(nb, target)
    print("wrote", target.name)
    if source in lesson_sources():
        student = HERE / f"{source.stem}{STUDENT_SUFFIX}"
        nbformat.write(student_copy(nb), student)
        print("wrote", student.name)


def student_copy(nb):
    """The lesson with every output and execution count cleared (a new notebook)."""
    copy = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    copy.metadata.pop("widgets", None)  # saved widget state belongs to the executed copy
    return copy


def main(argv):
    wanted = argv[1:] or [""]
    for source in sorted(SOURCES.glob("*.py")):
        if any(w in source.name for w in wanted):
            build(source)


def lesson_sources():
    """The lessons' sources (the app's notebook is not a lesson: it has no student copy)."""
    return sorted(p for p in SOURCES.glob("[0-9]*.py"))


if __name__ == "__main__":
    main(sys.argv)

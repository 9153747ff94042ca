"""Build the nbgrader assignment "write_em" from lesson 6's source, so the two never drift.

    .venv/bin/python courses/nbgrader/make_source.py     # writes source/write_em/write_em.ipynb

The assignment is lesson 6 (``notebooks/lessons/06_write_em.py``) with:

* the student's two functions as **solution cells**: the stub's body replaced by the
  lesson's own solution (from the ``<details>`` after its check) between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``, which ``nbgrader generate_assignment``
  turns back into a stub;
* the lesson's checks as **autograded test cells** with points: the same checkers as
  ``gmm_viz.exercises`` (and the run beside the reference), asserting their verdict, so a
  failed test shows the checker's sentence;
* the ``<details>`` solutions left out (the release must not hold them).

The functions here are also what ``tests/test_write_em_lesson.py`` uses to run the lesson
with a student's code filled in.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import jupytext
import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LESSON = ROOT / "notebooks" / "lessons" / "06_write_em.py"
TARGET = HERE / "source" / "write_em" / "write_em.ipynb"

# The student's functions, and the autograded tests that check them: the lesson's cell
# (recognised by what it calls), the test's source, its points.
FUNCTIONS = ("my_e_step", "my_m_step")
TESTS = {
    "check_e_step": (
        "exercises.check_e_step(my_e_step)",
        "feedback = exercises.check_e_step(my_e_step)\n"
        "print(feedback)\n"
        "assert feedback.correct, feedback.message",
        4,
    ),
    "check_m_step": (
        "exercises.check_m_step(my_m_step)",
        "feedback = exercises.check_m_step(my_m_step)\n"
        "print(feedback)\n"
        "assert feedback.correct, feedback.message",
        4,
    ),
    "run_beside_reference": (
        "run_beside_reference(my_e_step, my_m_step",
        None,  # the lesson's own cell, with its verdict asserted
        2,
    ),
}
SCHEMA_VERSION = 3  # nbgrader 0.9's cell metadata
MARKER = "# student code:"


def lesson():
    """Lesson 6 as a notebook (jupytext's reading of its source)."""
    return jupytext.read(LESSON)


def solutions(nb):
    """{function name: its solution's code} from the lesson's ``<details>`` cells."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "<details>" not in cell.source:
            continue
        for code in re.findall(r"```python\n(.*?)```", cell.source, flags=re.S):
            for name in FUNCTIONS:
                if f"def {name}(" in code:
                    found[name] = code
    missing = set(FUNCTIONS) - set(found)
    if missing:
        raise ValueError(f"lesson 6 has no <details> solution for {sorted(missing)}")
    return found


def _function_cell(nb, name):
    """The index of the lesson's cell where the student writes ``name``."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and f"def {name}(" in cell.source:
            return i
    raise ValueError(f"lesson 6 has no cell defining {name}")


def _split(code, name):
    """The function's head (def line and docstring) and its body, as text."""
    lines = code.splitlines()
    (fn,) = [n for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]
    assert fn.name == name, fn.name
    first = fn.body[1] if ast.get_docstring(fn) is not None else fn.body[0]
    start = first.lineno - 1
    return lines[fn.lineno - 1 : start], lines[start : fn.end_lineno]


def with_code(nb, codes):
    """A copy of the lesson whose student functions are ``codes`` ({name: code}), e.g. the
    lesson's solutions, or a student's wrong M-step; the stub cell's marker line stays."""
    nb = nbformat.from_dict(nb)
    for name, code in codes.items():
        cell = nb.cells[_function_cell(nb, name)]
        marker = cell.source.splitlines()[0]
        cell.source = "\n".join([marker, _unmarked(code)])
    return nb


def _unmarked(code):
    """The code without its "# student code:" marker line (the cell keeps its own)."""
    lines = code.strip("\n").splitlines()
    return "\n".join(line for line in lines if not line.startswith(MARKER))


def _meta(grade_id, *, solution=False, grade=False, points=None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
    }
    if points is not None:
        meta["points"] = points
    return meta


def course_notebook(nb):
    """The nbgrader source notebook made from the lesson ``nb``."""
    nb = nbformat.from_dict(nb)
    answers = solutions(nb)
    for name in FUNCTIONS:
        cell = nb.cells[_function_cell(nb, name)]
        head, body = _split(_unmarked(answers[name]), name)
        indent = re.match(r"\s*", body[0]).group(0)
        cell.source = "\n".join(
            [
                cell.source.splitlines()[0],
                *head,
                f"{indent}### BEGIN SOLUTION",
                *body,
                f"{indent}### END SOLUTION",
            ]
        )
        cell.metadata["nbgrader"] = _meta(name, solution=True)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "<details>" in cell.source:
            if any(f"def {name}(" in cell.source for name in FUNCTIONS):
                cell.source = _without_details(cell.source)
                if not cell.source.strip():
                    continue
        if cell.cell_type == "code":
            for grade_id, (calls, test, points) in TESTS.items():
                if calls in cell.source and "def " not in cell.source:
                    if test is None:  # "run = ...(...)\nrun": print it, assert its verdict
                        *lines, variable = cell.source.strip().splitlines()
                        test = "\n".join(
                            [
                                *lines,
                                f"print({variable})",
                                f"assert {variable}.same, {variable}.sentence()",
                            ]
                        )
                    cell.source = test
                    cell.metadata["nbgrader"] = _meta(grade_id, grade=True, points=points)
        cells.append(cell)
    nb.cells = cells
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def _without_details(text):
    """The markdown without its <details> block (the solution): what follows it stays."""
    return re.sub(r"<details>.*?</details>\n*", "", text, flags=re.S).strip("\n")


def main(argv):
    nb = course_notebook(lesson())
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, TARGET)
    print("wrote", TARGET.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

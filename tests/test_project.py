"""The project's promises about itself: install files in step, README commands true,
notebooks saved executed."""

import re
import runpy
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The executed notebooks (the student copies, *.student.ipynb, are tested on their own).
NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.endswith(".student.ipynb")
)


def _requirement_names(path):
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        names.add(re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0].lower())
    return names


def test_environment_yml_installs_requirements_txt():
    text = (ROOT / "environment.yml").read_text()
    assert "conda-forge" in text
    assert re.search(r"^\s*-\s*pip\s*$", text, re.M), "pip must be a conda dependency"
    assert re.search(r"^\s*-\s*-r requirements\.txt\s*$", text, re.M)
    # Any package environment.yml names itself must also be in requirements.txt.
    dependencies = text.split("dependencies:", 1)[1]
    conda_names = {
        m.group(1).lower()
        for m in re.finditer(r"^  - ([A-Za-z0-9_.-]+)", dependencies, re.M)
        if m.group(1) not in {"python", "pip"}
    }
    assert conda_names <= _requirement_names(ROOT / "requirements.txt")


def test_requirements_pin_ranges_and_include_the_package():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert "-e ." in lines
    for name in ("numpy", "matplotlib", "ipywidgets", "jupyterlab", "voila"):
        (line,) = [x for x in lines if x.lower().startswith(name)]
        assert ">=" in line and "<" in line, f"{name} needs a compatible range: {line}"
    dev = _requirement_names(ROOT / "requirements-dev.txt")
    assert {"pytest", "nbval", "scikit-learn", "hypothesis", "ruff", "playwright"} <= dev
    assert "scikit-learn" not in _requirement_names(ROOT / "requirements.txt")


def _quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, re.S)


def test_readme_quick_start_has_two_commands_and_ci_runs_the_test_one():
    commands = _quick_start_commands()
    assert len(commands) == 2, commands
    app, tests = commands
    assert "\n" not in app and "\n" not in tests
    assert "pip install -r requirements.txt" in app and "voila notebooks/app.ipynb" in app
    assert "--Voila.ip=127.0.0.1" in app
    ci = (ROOT / ".ci" / "run").read_text()
    assert f"TEST_COMMAND='{tests}'" in ci
    assert 'bash -c "$TEST_COMMAND"' in ci


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_saved_executed_with_python3(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code tests nothing"
    counts = [c.execution_count for c in code]
    assert None not in counts, "save the notebook executed (notebooks/build_notebooks.py)"
    assert counts == list(range(1, len(code) + 1)), "executed top to bottom in one run"
    assert all(o.output_type != "error" for c in code for o in c.outputs)
    if path.name != "app.ipynb":  # the app shows the explorer first, its help below it
        assert nb.cells[0].cell_type == "markdown", "narrative first"


def test_readme_python_examples_run_and_say_what_they_print(tmp_path, monkeypatch):
    """The README's "In Python" blocks run as written (as one script, in an empty folder),
    and the values and files their comments promise are the ones they give."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## In Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 3
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "readme_in_python.py"
    script.write_text("\n".join(blocks))
    namespace = runpy.run_path(str(script))
    assert namespace["search"].best_params_ == {"n_components": 2}
    assert namespace["slow"].history_.n_iter == 6
    assert not hasattr(namespace["fresh"], "means_")
    assert namespace["view"].step == 2
    assert (tmp_path / "m-step-1.svg").read_text().startswith("<?xml")
    assert "var frames" in (tmp_path / "run.html").read_text()


@pytest.mark.parametrize("source", sorted((ROOT / "notebooks" / "lessons").glob("*.py")), ids=str)
def test_each_saved_notebook_is_built_from_its_lesson_source(source):
    """The .ipynb holds exactly the cells of its plain-text source (rebuild with
    notebooks/build_notebooks.py after editing a lesson)."""
    jupytext = pytest.importorskip("jupytext")
    expected = [(c.cell_type, c.source) for c in jupytext.read(source).cells]
    saved = nbformat.read(ROOT / "notebooks" / f"{source.stem}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in saved.cells] == expected


def test_every_notebook_has_a_lesson_source():
    stems = {p.stem for p in (ROOT / "notebooks" / "lessons").glob("*.py")}
    assert {p.stem for p in NOTEBOOKS} == stems

"""The command line: ``gmm-viz solve`` and ``python -m gmm_viz solve``.

Good runs and a handful of errors go through a subprocess (the real entry points); most
bad inputs call :func:`gmm_viz.cli.main` in-process, which is much faster.
"""

import io
import json
import os
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from gmm_viz.cli import main

SEED_MEANS = (1.3065753725700628, 1.4982149218892322)
SEED_VARIANCES = (0.3510142879511143, 0.408060269961259)
SEED_WEIGHT_1 = 0.5124981885949778
TOY_TEXT = "0.9 0.7 1.2 2.4 1.8\n"
SEED_START = ["--means", "1,2", "--variances", "2,2", "--weights", "0.5,0.5"]


def run(*args, input=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gmm_viz", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def assert_seed_json(d):
    assert set(d) == {"iterations", "final"}
    final = d["final"]
    np.testing.assert_allclose(np.ravel(final["means"]), SEED_MEANS, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.ravel(final["covariances"]), SEED_VARIANCES, rtol=0, atol=1e-12)
    assert final["weights"][0] == pytest.approx(SEED_WEIGHT_1, abs=1e-12)


def assert_one_error_line(rc, err):
    assert rc == 2
    assert err.startswith("error: ")
    assert err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------
# Good runs, through a subprocess
# --------------------------------------------------------------------------------------


def test_text_output_has_the_seed_numbers():
    r = run("solve", "--data", "toy")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    for number in ("1.30658", "1.49821", "0.351014", "0.40806", "0.512498"):
        assert number in r.stdout
    for beta in ("0.574443", "0.598688", "0.53743", "0.389361", "0.46257"):
        assert beta in r.stdout
    assert "= 3.34809 / 2.56249\n" in r.stdout
    assert "alpha_1 = N_1 / N = 2.56249 / 5 = 0.512498" in r.stdout
    assert "suggested start" in r.stdout


def test_json_output_schema_and_numbers():
    r = run("solve", "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert_seed_json(d)
    (it,) = d["iterations"]
    assert set(it) == {"log_likelihood", "e_step", "m_step"}
    assert isinstance(it["log_likelihood"], float)
    assert np.shape(it["e_step"]["densities"]) == (5, 2)
    assert np.shape(it["e_step"]["responsibilities"]) == (5, 2)
    assert np.shape(it["m_step"]["weights"]) == (2,)
    assert np.shape(it["m_step"]["means"]) == (2, 1)
    assert np.shape(it["m_step"]["covariances"]) == (2, 1, 1)
    assert set(d["final"]) == {"weights", "means", "covariances", "log_likelihood"}


def test_markdown_output_has_a_table():
    r = run("solve", "--format", "markdown", "--iterations", "2", "--digits", "4")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("# ")
    assert any(line.startswith("| n | x |") for line in lines)
    assert any(line.startswith("| ---: |") for line in lines)
    assert "## Iteration 2" in r.stdout and "1.307" in r.stdout


def test_standard_input():
    r = run("solve", "--data", "-", *SEED_START, "--format", "json", input=TOY_TEXT)
    assert r.returncode == 0, r.stderr
    assert_seed_json(json.loads(r.stdout))


def test_csv_file_with_columns(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("id,x\n" + "".join(f"{i},{v}\n" for i, v in enumerate(TOY_TEXT.split())))
    r = run("solve", "--data", str(path), "--columns", "x", *SEED_START, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert_seed_json(json.loads(r.stdout))
    r = run("solve", "--data", str(path), "--columns", "1", "--k", "2", *SEED_START)
    assert r.returncode == 0, r.stderr
    assert "1.30658" in r.stdout


def test_faithful_two_d_json():
    r = run("solve", "--data", "faithful", "--k", "2", "--iterations", "3", "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert len(d["iterations"]) == 3
    for it in d["iterations"]:
        assert np.shape(it["e_step"]["responsibilities"]) == (272, 2)
        assert np.shape(it["m_step"]["means"]) == (2, 2)
        assert np.shape(it["m_step"]["covariances"]) == (2, 2, 2)
    assert np.shape(d["final"]["covariances"]) == (2, 2, 2)
    lls = [it["log_likelihood"] for it in d["iterations"]] + [d["final"]["log_likelihood"]]
    assert all(b >= a - 1e-9 for a, b in pairwise(lls))


def test_console_script():
    script = Path(sys.executable).with_name("gmm-viz")
    exe = str(script) if script.exists() else shutil.which("gmm-viz")
    if exe is None:
        pytest.skip("the gmm-viz console script is not installed")
    r = subprocess.run(
        [exe, "solve", "--format", "json"], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert_seed_json(json.loads(r.stdout))


def test_help_shows_examples():
    r = run("solve", "--help")
    assert r.returncode == 0
    assert "examples:" in r.stdout and "--data faithful" in r.stdout
    assert "--variances" in r.stdout


@pytest.mark.parametrize(
    "args, stdin",
    [
        (["solve", "--data", "nope"], None),
        (["solve", "--k", "0"], None),
        ([], None),
        (["solve", "--bogus"], None),
        (["solve", "--data", "-", "--k", "2"], "0.9, abc\n"),
    ],
)
def test_errors_through_a_subprocess(args, stdin):
    r = run(*args, input=stdin if stdin is not None else "")
    assert r.stdout == ""
    assert_one_error_line(r.returncode, r.stderr)


# --------------------------------------------------------------------------------------
# In-process: quick checks of options and of every kind of bad input
# --------------------------------------------------------------------------------------


def call(capsys, monkeypatch, args, stdin=None):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def test_main_in_process(capsys, monkeypatch):
    rc, out, err = call(capsys, monkeypatch, ["solve", "--format", "json"])
    assert rc == 0 and err == ""
    assert_seed_json(json.loads(out))
    rc, out, _ = call(
        capsys, monkeypatch, ["solve", "--data", "-", "--k", "2", *SEED_START], TOY_TEXT
    )
    assert rc == 0 and "0.512498" in out


def test_iterations_zero_is_just_the_start(capsys, monkeypatch):
    rc, out, _ = call(capsys, monkeypatch, ["solve", "--iterations", "0", "--format", "json"])
    assert rc == 0
    d = json.loads(out)
    assert d["iterations"] == []
    assert d["final"]["means"] == [[1.0], [2.0]]


def test_negative_values_and_options(capsys, monkeypatch):
    # "-1,2" is a value, not an unknown option.
    rc, out, err = call(
        capsys,
        monkeypatch,
        ["solve", "--means", "-1,2", "--covariance-type", "spherical", "--format", "json"],
    )
    assert rc == 0, err
    d = json.loads(out)
    assert d["iterations"][0]["e_step"]["densities"][0][0] == pytest.approx(
        np.exp(-(1.9**2) / 4) / np.sqrt(4 * np.pi), rel=1e-12
    )
    rc, out, err = call(
        capsys,
        monkeypatch,
        [
            "solve",
            "--data",
            "faithful",
            "--k",
            "2",
            "--means",
            "2,55;4.5,80",
            "--weights",
            "0.4,0.6",
            "--fixed",
            "weights",
            "--covariance-type",
            "diag",
            "--reg-covar",
            "1e-6",
            "--iterations",
            "2",
            "--format",
            "json",
        ],
    )
    assert rc == 0, err
    d = json.loads(out)
    assert d["final"]["weights"] == pytest.approx([0.4, 0.6], abs=1e-12)
    assert d["iterations"][0]["m_step"]["covariances"][0][0][1] == 0.0
    rc, out, err = call(
        capsys,
        monkeypatch,
        ["solve", "--data", "galaxies", "--k", "3", "--init", "k-means++", "--seed", "1"],
    )
    assert rc == 0, err
    assert "82 points" in out and "k-means++ (seed 1)" in out


def bad_csv(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,x\n")
    return str(path)


BAD_INPUTS = [
    # data
    (["solve", "--data", "nope"], None),
    (["solve", "--data", "missing_file.csv"], None),
    (["solve", "--data", "TMP_BAD_CSV"], None),
    (["solve", "--data", "TMP_DIR/"], None),
    (["solve", "--data", "-"], ""),
    (["solve", "--data", "-"], "1 2 x\n"),
    (["solve", "--data", "-"], "3 3 3\n"),
    (["solve", "--columns", "nope"], None),
    (["solve", "--data", "faithful", "--columns", "7"], None),
    (["solve", "--columns", ","], None),
    # K
    (["solve", "--k", "0"], None),
    (["solve", "--k", "-2"], None),
    (["solve", "--k", "two"], None),
    (["solve", "--k", "6"], None),
    (["solve", "--data", "-", "--k", "3"], "1 1 1 2 2\n"),
    # means
    (["solve", "--k", "2", "--means", "1,2,3"], None),
    (["solve", "--means", "1"], None),
    (["solve", "--means", "a,b"], None),
    (["solve", "--means", "1,,2"], None),
    (["solve", "--means", "1,nan"], None),
    (["solve", "--data", "faithful", "--k", "2", "--means", "1,2,3,4"], None),
    (["solve", "--data", "faithful", "--k", "2", "--means", "1,2;3"], None),
    (["solve", "--data", "faithful", "--k", "3", "--means", "1,2;3,4"], None),
    # variances
    (["solve", "--variances", "-1,2"], None),
    (["solve", "--variances", "0,2"], None),
    (["solve", "--variances", "1,2,3"], None),
    (["solve", "--variances", "1,x"], None),
    (["solve", "--data", "faithful", "--variances", "1,1"], None),
    (["solve", "--covariance-type", "tied", "--variances", "1,2"], None),
    # weights
    (["solve", "--weights", "0.3,0.3"], None),
    (["solve", "--weights", "1.2,-0.2"], None),
    (["solve", "--weights", "0.5,0.25,0.25"], None),
    # iterations and other options
    (["solve", "--iterations", "-1"], None),
    (["solve", "--iterations", "1.5"], None),
    (["solve", "--init", "magic"], None),
    (["solve", "--covariance-type", "round"], None),
    (["solve", "--fixed", "colours"], None),
    (["solve", "--reg-covar", "-1"], None),
    (["solve", "--reg-covar", "inf"], None),
    (["solve", "--digits", "0"], None),
    (["solve", "--seed", "-1"], None),
    (["solve", "--format", "xml"], None),
    (["solve", "--k"], None),
    (["solve", "--bogus"], None),
    (["solve", "extra"], None),
    # commands
    ([], None),
    (["fit"], None),
    (["--bogus"], None),
]


@pytest.mark.parametrize("args, stdin", BAD_INPUTS, ids=lambda v: " ".join(v) if v else "-")
def test_bad_input_is_one_error_line_and_status_2(args, stdin, tmp_path, capsys, monkeypatch):
    args = [
        a.replace("TMP_BAD_CSV", bad_csv(tmp_path)).replace("TMP_DIR", str(tmp_path)) for a in args
    ]
    monkeypatch.chdir(tmp_path)
    rc, out, err = call(capsys, monkeypatch, args, stdin)
    assert out == ""
    assert_one_error_line(rc, err)


def test_error_messages_say_what_is_wrong(capsys, monkeypatch):
    cases = {
        ("solve", "--k", "2", "--means", "1,2,3"): "--means: got 3 means for 2 components",
        ("solve", "--variances", "-1,2"): "positive",
        ("solve", "--weights", "0.3,0.3"): "sum to 1",
        ("solve", "--data", "faithful", "--variances", "1,1"): "1-D",
        ("solve", "--data", "nope"): "toy, faithful, galaxies",
        ("solve", "--k", "6"): "distinct",
        (): "missing command",
        ("solve", "--bogus"): "unrecognized arguments: --bogus",
    }
    for args, fragment in cases.items():
        rc, _, err = call(capsys, monkeypatch, list(args))
        assert rc == 2 and fragment in err, (args, err)


def test_environment_is_not_needed(tmp_path):
    # Run from an unrelated folder with a minimal environment: the package data ship
    # with the package.
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8"}
    r = subprocess.run(
        [sys.executable, "-m", "gmm_viz", "solve", "--data", "galaxies", "--iterations", "0"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "82 points" in r.stdout


# --------------------------------------------------------------------------------------
# gmm-viz animate, and the history as CSV
# --------------------------------------------------------------------------------------


def test_animate_writes_a_gif_of_every_half_step(tmp_path):
    from PIL import Image

    out = tmp_path / "toy.gif"
    r = run("animate", "--data", "toy", *SEED_START, "--iterations", "3", "--output", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"wrote {out} (7 half-steps, 3 iterations)\n"
    with Image.open(out) as gif:
        assert gif.n_frames == 7


@pytest.mark.parametrize("suffix", [".html", ".mp4"])
def test_animate_other_formats_to_convergence(tmp_path, capsys, monkeypatch, suffix):
    pytest.importorskip("imageio_ffmpeg")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    out = tmp_path / f"faithful{suffix}"
    args = ["animate", "--data", "faithful", "--k", "2", "--size", "projector", "--fps", "5"]
    assert main([*args, "--output", str(out)]) == 0
    assert "converged" in capsys.readouterr().out
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["--output", "run.avi"], "end the file name with .gif, .mp4, .html"),
        (["--output", "run"], "end the file name with"),
        (["--output", "run.gif", "--fps", "0"], "--fps: must be from 0.1 to 60"),
        (["--output", "run.gif", "--fps", "fast"], "--fps: must be a number"),
        (["--output", "run.gif", "--size", "huge"], "--size: invalid choice"),
        (["--output", "nowhere/run.gif"], "the folder 'nowhere' does not exist"),
        (["--output", "run.gif", "--data", "nothing"], "no data set or file called"),
        (["--output", "run.gif", "--k", "9"], "only 5 distinct points, fewer than the 9"),
        ([], "the following arguments are required: --output"),
    ],
)
def test_animate_errors_are_one_line_and_leave_no_file(
    args, pattern, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["animate", *args]) == 2
    captured = capsys.readouterr()
    assert_one_error_line(2, captured.err)
    assert pattern in captured.err
    assert list(tmp_path.iterdir()) == []


def test_animate_into_a_read_only_folder(tmp_path, capsys, monkeypatch):
    if os.geteuid() == 0:
        pytest.skip("root may write into a read-only folder")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["animate", "--output", str(folder / "run.gif")]) == 2
        assert "Cannot write" in capsys.readouterr().err
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_solve_csv_is_the_history(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["solve", "--data", "toy", *SEED_START, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "step,phase,iteration,log_likelihood,component,weight,mean_x,var_x"
    assert len(lines) == 1 + 3 * 2  # start, E-step 1, M-step 1; two components
    m1 = lines[5].split(",")
    assert m1[:3] == ["2", "M", "1"]
    assert float(m1[6]) == pytest.approx(SEED_MEANS[0], abs=1e-15)
    assert float(m1[7]) == pytest.approx(SEED_VARIANCES[0], abs=1e-15)


def test_standard_input_is_labelled_as_such_and_decimal_commas_are_said():
    r = run(
        "solve", "--data", "-", "--k", "2", "--means", "1,2", "--variances", "2,2",
        "--weights", "0.5,0.5", "--iterations", "1", input="0,9 0,7 1,2 2,4 1,8\n",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Data: standard input, 5 points (source: standard input)" in r.stdout
    assert "uploaded file" not in r.stdout
    assert r.stderr.startswith("note: Read with decimal commas ('0,9' as 0.9): 5 values.")
    assert "Traceback" not in r.stderr


def test_a_bug_is_told_apart_from_a_mistake_in_the_input(monkeypatch, capsys):
    """Issue 17: any ValueError used to become an `error:` line and exit 2, so a bug of
    gmm_viz read as the user's mistake. Now only the package's own errors (one sentence
    about the input) do; anything else says it is an internal error, with its traceback."""
    from gmm_viz import cli

    def broken(args, stdin, stdout):
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(cli, "_solve", broken)
    assert cli.main(["solve", "--data", "toy"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("internal error: gmm-viz failed on a problem of its own")
    assert "Traceback" in err and "operands could not be broadcast" in err
    monkeypatch.undo()
    assert cli.main(["solve", "--data", "nowhere.csv"]) == 2  # the input: one sentence
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err

"""Tests for gmm_viz.datasets: bundled data, synthetic data and the CSV / text reader."""

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_viz import datasets
from gmm_viz.datasets import (
    DATASET_NAMES,
    Dataset,
    faithful,
    galaxies,
    load,
    load_csv,
    parse_text,
    synthetic,
    toy,
    validate_data,
)
from gmm_viz.errors import DataError, GMMVizError, ParameterError

DATA_DIR = Path(datasets.__file__).parent.parent / "data"  # gmm_viz/data


def csv_rows(name):
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def error_text(func, *args, **kwargs):
    """Run func, expect a DataError, and return its message."""
    with pytest.raises(DataError) as info:
        func(*args, **kwargs)
    return str(info.value)


# --------------------------------------------------------------------------------------
# Bundled data sets
# --------------------------------------------------------------------------------------


def test_faithful_matches_csv_file():
    rows = csv_rows("faithful.csv")
    ds = faithful()
    assert ds.columns == tuple(rows[0]) == ("eruptions", "waiting")
    assert ds.X.shape == (272, 2) == (len(rows) - 1, 2)
    assert ds.X[0].tolist() == [float(v) for v in rows[1]] == [3.6, 79.0]
    assert ds.X[-1].tolist() == [float(v) for v in rows[-1]] == [4.467, 74.0]
    assert ds.n_samples == 272 and ds.n_features == 2
    assert "faithful" in ds.source and "Azzalini" in ds.source and "Härdle" in ds.source
    assert ds.truth is None


def test_faithful_demo_start_travels_to_the_answer():
    """The class demo's start is visibly wrong (short eruptions with long waits), so that
    the ellipses travel; EM still reaches the fit a k-means start finds."""
    from gmm_viz import GaussianMixtureEM

    ds = faithful()
    start = ds.start_for(2, "full")
    np.testing.assert_array_equal(start["means_init"], [[2.0, 85.0], [4.5, 55.0]])
    demo = GaussianMixtureEM(2, reg_covar=0, tol=1e-6, max_iter=500, **start).fit(ds.X)
    usual = GaussianMixtureEM(2, reg_covar=0, tol=1e-6, random_state=0).fit(ds.X)
    assert demo.n_iter_ >= 20 and demo.converged_
    order = np.argsort(demo.means_[:, 0])
    np.testing.assert_allclose(
        demo.means_[order], usual.means_[np.argsort(usual.means_[:, 0])], rtol=1e-4
    )
    travelled = np.abs(demo.means_[order] - start["means_init"][::-1]).max(axis=0)
    assert travelled[1] > 4  # minutes of waiting time: the ellipses visibly move


def test_faithful_matches_shared_copy_when_present():
    shared = Path("/work/shared/data/faithful.csv")
    if not shared.exists():
        pytest.skip("shared data folder not available")
    assert (DATA_DIR / "faithful.csv").read_bytes() == shared.read_bytes()


@pytest.mark.parametrize(
    ("columns", "expected_cols", "first"),
    [
        ("eruptions", ("eruptions",), [3.6]),
        ("waiting", ("waiting",), [79.0]),
        (1, ("waiting",), [79.0]),
        (["waiting", "eruptions"], ("waiting", "eruptions"), [79.0, 3.6]),
    ],
)
def test_faithful_column_choice(columns, expected_cols, first):
    ds = faithful(columns)
    assert ds.columns == expected_cols
    assert ds.X.shape == (272, len(expected_cols))
    assert ds.X[0].tolist() == first


def test_faithful_unknown_column_names_the_valid_ones():
    msg = error_text(faithful, "duration")
    assert "'duration'" in msg and "'eruptions'" in msg and "'waiting'" in msg


def test_galaxies_matches_csv_file():
    rows = csv_rows("galaxies.csv")
    ds = galaxies()
    assert ds.columns == ("velocity_km_s",)
    assert ds.X.shape == (82, 1) == (len(rows) - 1, 1)
    assert ds.X[0, 0] == float(rows[1][0]) == 9172.0
    assert ds.X[-1, 0] == float(rows[-1][0]) == 34279.0
    assert "MASS::galaxies" in ds.source and "Roeder 1990" in ds.source


def test_toy_values_and_start():
    ds = toy()
    assert ds.X.shape == (5, 1)
    assert ds.X[:, 0].tolist() == [0.9, 0.7, 1.2, 2.4, 1.8]
    assert ds.columns == ("x",)
    assert "seed 001" in ds.source
    assert ds.start["weights"].tolist() == [0.5, 0.5]
    assert ds.start["means"].tolist() == [[1.0], [2.0]]
    assert ds.start["covariances"].tolist() == [[[2.0]], [[2.0]]]
    assert ds.start["covariances"].shape == (2, 1, 1)
    assert ds.truth is None


def test_toy_start_reproduces_worked_example():
    # One EM step by hand from the suggested start gives the seed's printed numbers.
    ds = toy()
    x = ds.X[:, 0]
    mu = ds.start["means"][:, 0]
    var = ds.start["covariances"][:, 0, 0]
    w = ds.start["weights"]
    dens = w * np.exp(-((x[:, None] - mu) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var)
    resp = dens / dens.sum(axis=1, keepdims=True)
    nk = resp.sum(axis=0)
    new_mu = resp.T @ x / nk
    new_var = (resp * (x[:, None] - new_mu) ** 2).sum(axis=0) / nk
    np.testing.assert_allclose(new_mu, [1.3065753725700628, 1.4982149218892322], rtol=1e-12)
    np.testing.assert_allclose(new_var, [0.3510142879511143, 0.408060269961259], rtol=1e-12)
    np.testing.assert_allclose(nk[0] / 5, 0.5124981885949778, rtol=1e-12)


def test_dataset_arrays_are_read_only():
    ds = toy()
    with pytest.raises(ValueError):
        ds.X[0, 0] = 5.0
    with pytest.raises(ValueError):
        ds.start["means"][0, 0] = 5.0
    assert ds.X[0, 0] == 0.9


def test_dataset_copies_its_input():
    values = np.array([[1.0], [2.0], [4.0]])
    ds = Dataset(values, ("v",), name="mine")
    values[0, 0] = 99.0
    assert ds.X[:, 0].tolist() == [1.0, 2.0, 4.0]
    assert values.flags.writeable


def test_dataset_one_dimensional_input_becomes_a_column():
    ds = Dataset([1.0, 2.0, 3.0], "v")
    assert ds.X.shape == (3, 1) and ds.columns == ("v",)


def test_dataset_rejects_wrong_number_of_names():
    msg = error_text(Dataset, np.ones((3, 2)) * [[1], [2], [3]], ("a",), name="mine")
    assert "2 columns" in msg and "1 column names" in msg


def test_dataset_repr_is_short():
    assert repr(faithful()) == (
        "Dataset(name='faithful', n_samples=272, columns=('eruptions', 'waiting'))"
    )


def test_select_by_name_and_index_and_errors():
    ds = faithful()
    assert ds.select("waiting").X[:, 0].tolist() == ds.X[:, 1].tolist()
    assert ds.select([0]).columns == ("eruptions",)
    assert ds.select("waiting").name == "faithful:waiting"
    assert ds.select(["eruptions", "waiting"]).name == "faithful"
    msg = error_text(ds.select, "nope")
    assert "'nope'" in msg and "'eruptions', 'waiting'" in msg
    msg = error_text(ds.select, 2)
    assert "2" in msg and "positions 0 to 1" in msg
    assert "twice" in error_text(ds.select, ["waiting", 1])
    assert "at least one" in error_text(ds.select, [])
    assert "position" in error_text(ds.select, [1.5])


def test_select_keeps_marginal_truth():
    ds = synthetic(200, n_components=2, n_features=2, random_state=3)
    one = ds.select("x2")
    np.testing.assert_array_equal(one.truth["means"][:, 0], ds.truth["means"][:, 1])
    np.testing.assert_array_equal(
        one.truth["covariances"][:, 0, 0], ds.truth["covariances"][:, 1, 1]
    )
    np.testing.assert_array_equal(one.truth["weights"], ds.truth["weights"])
    np.testing.assert_array_equal(one.labels, ds.labels)


# --------------------------------------------------------------------------------------
# load()
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shape", "columns"),
    [
        ("toy", (5, 1), ("x",)),
        ("faithful", (272, 2), ("eruptions", "waiting")),
        ("faithful:eruptions", (272, 1), ("eruptions",)),
        ("faithful:waiting", (272, 1), ("waiting",)),
        (" Faithful:Waiting ", (272, 1), ("waiting",)),
        ("galaxies", (82, 1), ("velocity_km_s",)),
        ("synthetic", (300, 1), ("x",)),
    ],
)
def test_load_by_name(name, shape, columns):
    ds = load(name)
    assert ds.X.shape == shape
    assert ds.columns == columns


def test_load_names_are_all_loadable():
    for name in DATASET_NAMES:
        assert load(name).n_samples >= 5


def test_load_passes_options():
    ds = load("synthetic", n_samples=50, n_features=2, random_state=7)
    assert ds.X.shape == (50, 2)


def test_load_unknown_name_lists_known_names():
    msg = error_text(load, "iris")
    assert "'iris'" in msg
    for name in ("toy", "faithful", "faithful:eruptions", "galaxies", "synthetic"):
        assert name in msg
    assert "known names" in error_text(load, 3)


def test_load_unknown_column():
    msg = error_text(load, "faithful:height")
    assert "'height'" in msg and "'eruptions'" in msg


# --------------------------------------------------------------------------------------
# synthetic()
# --------------------------------------------------------------------------------------


def test_synthetic_is_deterministic_for_a_seed():
    a = synthetic(random_state=11)
    b = synthetic(random_state=11)
    c = synthetic(random_state=12)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.truth["means"], b.truth["means"])
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize(("k", "d"), [(1, 1), (3, 1), (2, 2), (5, 2), (3, 3)])
def test_synthetic_truth_shapes(k, d):
    ds = synthetic(120, n_components=k, n_features=d, random_state=0)
    assert ds.X.shape == (120, d)
    assert ds.truth["weights"].shape == (k,)
    assert ds.truth["means"].shape == (k, d)
    assert ds.truth["covariances"].shape == (k, d, d)
    assert ds.labels.shape == (120,) and set(ds.labels) <= set(range(k))
    np.testing.assert_allclose(ds.truth["weights"].sum(), 1.0)
    for cov in ds.truth["covariances"]:
        np.testing.assert_allclose(cov, cov.T)
        assert np.all(np.linalg.eigvalsh(cov) > 0)
    assert ds.columns == (("x",) if d == 1 else tuple(f"x{j + 1}" for j in range(d)))


@pytest.mark.parametrize("d", [1, 2])
def test_synthetic_means_are_separated(d):
    ds = synthetic(100, n_components=4, n_features=d, separation=4.0, random_state=5)
    means = ds.truth["means"]
    largest_sd = np.sqrt(max(np.linalg.eigvalsh(c).max() for c in ds.truth["covariances"]))
    gaps = [np.linalg.norm(means[i] - means[j]) for i in range(4) for j in range(i + 1, 4)]
    # The gap is measured in the largest per-axis standard deviation (at most largest_sd).
    assert min(gaps) >= 4.0 * 0.5 - 1e-12
    assert min(gaps) > 0
    assert largest_sd <= 1.5 + 1e-12


def test_synthetic_from_given_mixture():
    ds = synthetic(
        2000,
        weights=[0.25, 0.75],
        means=[-5.0, 5.0],
        covariances=[[[1.0]], [[0.25]]],
        random_state=1,
    )
    assert ds.X.shape == (2000, 1)
    np.testing.assert_array_equal(ds.truth["means"], [[-5.0], [5.0]])
    np.testing.assert_array_equal(ds.truth["covariances"], [[[1.0]], [[0.25]]])
    left = ds.X[:, 0] < 0
    assert 0.2 < left.mean() < 0.3
    assert abs(ds.X[left, 0].mean() + 5.0) < 0.2
    assert abs(ds.X[~left, 0].std() - 0.5) < 0.05
    np.testing.assert_array_equal(left, ds.labels == 0)


def test_synthetic_given_means_defaults():
    ds = synthetic(10, means=[[0.0, 0.0], [9.0, 9.0]], random_state=0)
    np.testing.assert_array_equal(ds.truth["weights"], [0.5, 0.5])
    np.testing.assert_array_equal(ds.truth["covariances"], [np.eye(2), np.eye(2)])
    assert ds.X.shape == (10, 2)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n_samples": 1}, "at least 2"),
        ({"n_samples": 2.5}, "whole number"),
        ({"n_components": 0}, "at least 1"),
        ({"n_features": True}, "whole number"),
        ({"separation": -1.0}, "separation"),
        ({"weights": [0.5, 0.5]}, "means too"),
        ({"means": [0.0, 1.0], "n_components": 3}, "make them agree"),
        ({"means": [0.0, 1.0], "weights": [0.2, 0.2]}, "sum to 1"),
    ],
)
def test_synthetic_bad_options(kwargs, words):
    with pytest.raises(ParameterError) as info:
        synthetic(**kwargs)
    assert words in str(info.value)


# --------------------------------------------------------------------------------------
# parse_text: formats
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0.9, 0.7, 1.2, 2.4, 1.8",
        "0.9 0.7 1.2 2.4 1.8",
        "0.9;0.7;1.2;2.4;1.8",
        "0.9\t0.7\t1.2\t2.4\t1.8",
        "0.9\n0.7\n1.2\n2.4\n1.8\n",
        "0.9, 0.7 1.2\n2.4 1.8",
        "  0.9 ,0.7,  1.2 ,2.4,1.8  ",
        "\n\n0.9\n\n0.7\n1.2\n\n2.4\n1.8\n\n",
        "x\n0.9\n0.7\n1.2\n2.4\n1.8",
    ],
)
def test_parse_lists_of_numbers_are_one_dimensional(text):
    ds = parse_text(text)
    assert ds.X.shape == (5, 1)
    assert ds.X[:, 0].tolist() == [0.9, 0.7, 1.2, 2.4, 1.8]


def test_parse_brief_example():
    ds = parse_text("0.9, 0.7 1.2\n2.4")
    assert ds.X[:, 0].tolist() == [0.9, 0.7, 1.2, 2.4]
    assert ds.columns == ("x",)


@pytest.mark.parametrize("sep", [",", ";", "\t", " ", "  ", ", ", " ; "])
@pytest.mark.parametrize("header", [True, False])
def test_parse_tables_with_each_delimiter(sep, header):
    lines = ["3.6", "1.8", "3.333"]
    body = [f"{a}{sep}{b}" for a, b in zip(lines, ["79", "54", "74"], strict=True)]
    text = "\n".join(([f"eruptions{sep}waiting"] if header else []) + body)
    ds = parse_text(text)
    assert ds.X.tolist() == [[3.6, 79.0], [1.8, 54.0], [3.333, 74.0]]
    assert ds.columns == (("eruptions", "waiting") if header else ("x1", "x2"))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_parse_line_endings(newline):
    ds = parse_text(newline.join(["a,b", "1,2", "", "3,5", ""]))
    assert ds.X.tolist() == [[1.0, 2.0], [3.0, 5.0]]


def test_parse_bom_and_quoted_header():
    ds = parse_text('\ufeff"eruption time","waiting, minutes"\r\n1.5,70\r\n4.5,80\r\n')
    assert ds.columns == ("eruption time", "waiting, minutes")
    assert ds.X.tolist() == [[1.5, 70.0], [4.5, 80.0]]


def test_parse_header_with_spaces_over_one_column():
    ds = parse_text("Velocity (km/s)\n9172\n9350\n")
    assert ds.columns == ("Velocity (km/s)",)
    assert ds.X[:, 0].tolist() == [9172.0, 9350.0]


def test_parse_duplicate_and_empty_header_names():
    ds = parse_text("x,x,\n1,2,3\n4,5,7")
    assert ds.columns == ("x", "x.1", "column 3")


def test_parse_number_formats():
    ds = parse_text("1, -2.5, +3., .5, 1e3, 2E-2, -1.5e+2")
    assert ds.X[:, 0].tolist() == [1.0, -2.5, 3.0, 0.5, 1000.0, 0.02, -150.0]


@pytest.mark.parametrize(
    ("columns", "expected", "names"),
    [
        ("b", [[2.0], [5.0], [8.0]], ("b",)),
        (2, [[3.0], [6.0], [9.0]], ("c",)),
        (["c", 0], [[3.0, 1.0], [6.0, 4.0], [9.0, 7.0]], ("c", "a")),
        ("B", [[2.0], [5.0], [8.0]], ("b",)),
    ],
)
def test_parse_column_choice(columns, expected, names):
    ds = parse_text("a,b,c\n1,2,3\n4,5,6\n7,8,9", columns=columns)
    assert ds.X.tolist() == expected and ds.columns == names


def test_parse_column_choice_without_header():
    ds = parse_text("1 2\n3 5\n4 4", columns="x2")
    assert ds.X[:, 0].tolist() == [2.0, 5.0, 4.0]


def test_bad_cells_in_unchosen_columns_are_ignored():
    ds = parse_text("a,b\n1,oops\n2,\n3,nan", columns="a")
    assert ds.X[:, 0].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    "text",
    ["1e150, 2e150, -3e150", "1e-150 2e-150 3e-150", "1.7e308 -1.7e308 0"],
)
def test_parse_extreme_scales(text):
    ds = parse_text(text)
    expected = [float(v) for v in text.replace(",", " ").split()]
    assert ds.X[:, 0].tolist() == expected


def test_parse_tiny_spread():
    values = [1 + 1e-9 * k for k in (0, 1, 2, 5, 3)]
    ds = parse_text("\n".join(repr(v) for v in values))
    assert ds.X[:, 0].tolist() == values
    assert np.ptp(ds.X) == pytest.approx(5e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=2, max_size=2
        ),
        min_size=2,
        max_size=20,
    ).filter(lambda rows: len({r[0] for r in rows}) > 1 and len({r[1] for r in rows}) > 1),
    st.sampled_from([",", ";", "\t", " "]),
)
def test_parse_round_trips_any_finite_table(rows, sep):
    text = "u" + sep + "v\n" + "\n".join(sep.join(repr(v) for v in row) for row in rows)
    ds = parse_text(text)
    assert ds.X.tolist() == rows


# --------------------------------------------------------------------------------------
# load_csv: paths, bytes, file objects
# --------------------------------------------------------------------------------------


def test_load_csv_path_bytes_text_agree(tmp_path):
    raw = (DATA_DIR / "faithful.csv").read_bytes()
    path = tmp_path / "mine.csv"
    path.write_bytes(raw)
    from_str = load_csv(str(path))
    from_path = load_csv(path)
    from_bytes = load_csv(raw)
    from_bytearray = load_csv(bytearray(raw))
    from_view = load_csv(memoryview(raw))
    from_file = load_csv(io.BytesIO(raw))
    from_text = parse_text(raw.decode())
    for ds in (from_path, from_bytes, from_bytearray, from_view, from_file, from_text):
        np.testing.assert_array_equal(ds.X, from_str.X)
        assert ds.columns == ("eruptions", "waiting")
    np.testing.assert_array_equal(from_str.X, faithful().X)
    assert from_path.name == "mine.csv" and from_path.source == str(path)


def test_load_csv_columns_and_name(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes((DATA_DIR / "faithful.csv").read_bytes())
    ds = load_csv(path, columns="waiting", name="geyser")
    assert ds.X.shape == (272, 1) and ds.name == "geyser"


def test_load_csv_bom_crlf_semicolon(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfa;b\r\n1.5;2\r\n2.5;4\r\n")
    ds = load_csv(path)
    assert ds.columns == ("a", "b")
    assert ds.X.tolist() == [[1.5, 2.0], [2.5, 4.0]]


def test_parse_text_accepts_bytes():
    assert parse_text(b"1 2 3").X[:, 0].tolist() == [1.0, 2.0, 3.0]


# --------------------------------------------------------------------------------------
# Bad input: every message names the problem and the place
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n \r\n", "\ufeff"])
def test_empty_input(text):
    assert "empty" in error_text(parse_text, text)


def test_no_numbers():
    msg = error_text(parse_text, "hello there")
    assert "no numbers" in msg and "'hello there'" in msg


def test_header_without_rows():
    assert "no numbers" in error_text(parse_text, "eruptions,waiting\n\n")


def test_non_numeric_cell_names_row_column_and_text():
    msg = error_text(parse_text, "a,b\n1,2\n\n3,abc\n4,5")
    assert "Row 4" in msg and "column 'b'" in msg and "'abc'" in msg and "not a number" in msg


def test_non_numeric_cell_without_header_uses_column_number():
    msg = error_text(parse_text, "1,2\n3,4\n5,x7")
    assert "Row 3" in msg and "column 2" in msg and "'x7'" in msg


def test_non_numeric_cell_in_a_list():
    msg = error_text(parse_text, "1 2 three 4")
    assert "Value 3 on row 1" in msg and "'three'" in msg


def test_long_cell_text_is_truncated():
    msg = error_text(parse_text, "x\n1\n" + "z" * 500)
    assert "zzz..." in msg and "z" * 40 not in msg


def test_first_row_typo_is_not_taken_as_header():
    msg = error_text(parse_text, "0.9x, 0.7\n1.2, 2.4\n3, 4")
    assert "Row 1" in msg and "'0.9x'" in msg and "header" in msg


def test_decimal_comma():
    msg = error_text(parse_text, "a;b\n1,5;2\n2,5;3")
    assert "Row 2" in msg and "'1,5'" in msg and "decimal point" in msg and "1.5" in msg


@pytest.mark.parametrize(
    ("cell", "word"),
    [
        ("nan", "missing"),
        ("NaN", "missing"),
        ("NA", "missing"),
        ("inf", "infinite"),
        ("-Infinity", "infinite"),
    ],
)
def test_nan_and_inf_cells(cell, word):
    msg = error_text(parse_text, f"a,b\n1,2\n3,{cell}\n5,6")
    assert "Row 3" in msg and "column 'b'" in msg and f"'{cell}'" in msg and word in msg


def test_overflowing_value():
    msg = error_text(parse_text, "v\n1\n2\n1e999")
    assert "Row 4" in msg and "'1e999'" in msg and "too large" in msg


def test_empty_cell():
    msg = error_text(parse_text, "a,b\n1,2\n,3")
    assert "Row 3" in msg and "column 'a'" in msg and "empty" in msg


def test_ragged_rows_with_header():
    msg = error_text(parse_text, "a,b\n1,2\n3,4\n5\n6,7")
    assert "Row 4" in msg and "1 value" in msg and "header (row 1) has 2" in msg


def test_ragged_rows_without_header():
    msg = error_text(parse_text, "\n1,2\n3,4,5\n6,7")
    assert "Row 3" in msg and "3 values" in msg and "first row (row 2) has 2" in msg


def test_no_spread_one_column():
    msg = error_text(parse_text, "3\n3\n3.0\n3\n3")
    assert msg == "All 5 values in the pasted text are 3.0; a mixture needs data with some spread."


def test_no_spread_two_columns():
    msg = error_text(parse_text, "1 2\n1 2\n1 2")
    assert "All 3 rows" in msg and "(1.0, 2.0)" in msg and "spread" in msg


def test_constant_column():
    msg = error_text(parse_text, "a,b\n1,7\n2,7\n3,7")
    assert "Column 'b'" in msg and "7.0" in msg and "all 3 rows" in msg and "spread" in msg


def test_single_point():
    assert "only one point" in error_text(parse_text, "a,b\n1,2")


def test_unknown_column():
    msg = error_text(parse_text, "a,b\n1,2\n3,4", columns="c")
    assert "'c'" in msg and "'a', 'b'" in msg
    msg = error_text(parse_text, "a,b\n1,2\n3,4", columns=5)
    assert "5" in msg and "positions 0 to 1" in msg


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.csv"
    msg = error_text(load_csv, missing)
    assert "no file" in msg and "nope.csv" in msg


def test_folder_given_as_file(tmp_path):
    msg = error_text(load_csv, tmp_path)
    assert "folder" in msg and str(tmp_path) in msg


def test_text_given_as_file_name():
    assert "parse_text" in error_text(load_csv, "1,2\n3,4")
    assert "file name" in error_text(load_csv, "")
    assert "file name" in error_text(load_csv, 42)


def test_non_utf8_bytes(tmp_path):
    raw = b"x\n1.0\n2.0\ncaf\xe9\n"
    msg = error_text(load_csv, raw)
    assert "UTF-8" in msg and "row 4" in msg and "0xE9" in msg
    path = tmp_path / "latin1.csv"
    path.write_bytes(raw)
    msg = error_text(load_csv, path)
    assert msg.startswith("The file 'latin1.csv' is not UTF-8 text")


def test_utf16_and_excel_files():
    assert "UTF-16" in error_text(load_csv, "x\n1\n2".encode("utf-16"))
    assert "Excel" in error_text(load_csv, b"PK\x03\x04rest of a zip")


def test_size_limit_for_files_and_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.readers, "MAX_INPUT_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("x\n" + "1.5\n2.5\n" * 20)  # 162 bytes
    msg = error_text(load_csv, path)
    assert msg.startswith("The file 'big.csv' is 162 bytes, more than the 100 bytes limit;")
    assert "limit" in error_text(load_csv, path.read_bytes())
    assert "limit" in error_text(parse_text, path.read_text())
    assert "limit" in error_text(load_csv, io.BytesIO(path.read_bytes()))
    small = tmp_path / "small.csv"
    small.write_text("x\n1\n2\n")
    assert load_csv(small).X[:, 0].tolist() == [1.0, 2.0]


def test_file_size_checked_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:  # sparse: 60 MB on paper, nothing on disk
        handle.truncate(60_000_000)
    opened = []
    monkeypatch.setattr(Path, "open", lambda *a, **k: opened.append(a) or io.BytesIO(b""))
    msg = error_text(load_csv, path)
    assert "60 MB" in msg and "50 MB limit" in msg
    assert opened == []


def test_bytes_over_real_limit_are_rejected():
    blob = bytes(datasets.MAX_INPUT_BYTES + 1)
    msg = error_text(load_csv, blob)
    assert "50 MB limit" in msg


def test_errors_are_value_errors():
    with pytest.raises(ValueError):
        parse_text("")
    with pytest.raises(GMMVizError):
        load("nope")


# --------------------------------------------------------------------------------------
# validate_data
# --------------------------------------------------------------------------------------


def test_validate_data_shapes_and_copy():
    values = [1.0, 2.0, 4.0]
    out = validate_data(values)
    assert out.shape == (3, 1) and out.dtype == float
    table = np.array([[1, 2], [3, 5]])
    out = validate_data(table)
    assert out.dtype == float and out.tolist() == [[1.0, 2.0], [3.0, 5.0]]
    out[0, 0] = 9.0
    assert table[0, 0] == 1


def test_validate_data_extreme_values():
    big = validate_data([1e150, 2e150, 3e150])
    assert big[:, 0].tolist() == [1e150, 2e150, 3e150]
    tiny = validate_data(1 + 1e-9 * np.arange(5))
    assert np.ptp(tiny) > 0
    assert validate_data([-1.7e308, 1.7e308]).shape == (2, 1)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "empty"),
        (np.empty((0, 2)), "empty"),
        (3.0, "single number"),
        (np.ones((2, 2, 2)), "3 dimensions"),
        (["a", "b"], "text"),
        ([1 + 2j, 3j], "complex"),
        ([[1, 2], [3]], "same number"),
        ([1.0, np.nan, 2.0], "Value 2 of data is NaN"),
        ([[1.0, 2.0], [3.0, np.inf]], "Row 2, column 2 of data is infinite"),
        ([2.5, 2.5, 2.5], "All 3 values in data are 2.5"),
        ([[1.0, 5.0], [2.0, 5.0]], "Column 2 of data is 5.0 in all 2 rows"),
        ([4.0], "only one point"),
    ],
)
def test_validate_data_rejects(data, words):
    assert words in error_text(validate_data, data)


def test_validate_data_uses_name_and_columns():
    msg = error_text(validate_data, [[1.0, np.nan], [2.0, 3.0]], name="geyser", columns=["a", "b"])
    assert msg.startswith("Row 1, column 'b' of geyser is NaN")


def test_validate_data_distinct_points():
    data = [0.9, 0.9, 1.2, 1.2, 1.2]
    assert validate_data(data, n_components=2).shape == (5, 1)
    msg = error_text(validate_data, data, n_components=3)
    assert "only 2 distinct points" in msg and "3 components" in msg and "at most 2" in msg


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_validate_data_bad_k(k):
    with pytest.raises(ParameterError):
        validate_data([1.0, 2.0], n_components=k)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.0, 1.2 0.8; 5.1 4.9 5.3", [1.0, 1.2, 0.8, 5.1, 4.9, 5.3]),
        ("1.5;2.5,3.5\t4", [1.5, 2.5, 3.5, 4.0]),
        ("0.9;\t0.7\n1.2, 2.4", [0.9, 0.7, 1.2, 2.4]),
    ],
)
def test_pasted_list_may_mix_delimiters(text, expected):
    ds = parse_text(text)
    assert ds.columns == ("x",)
    np.testing.assert_array_equal(ds.X.ravel(), expected)


def test_mixed_delimiters_with_decimal_commas_stay_an_error():
    # "1;2,3" could be European notation for 1 and 2.3: refuse rather than guess.
    with pytest.raises(DataError, match="decimal comma"):
        parse_text("1;2,3")


def test_one_rule_for_the_suggested_start_in_the_cli_and_the_explorer():
    """Dataset.start_for is the rule both use: the start's covariances shaped per type, and
    a sentence when K does not match or there is no start."""
    import argparse

    from gmm_viz.cli import _prepare
    from gmm_viz.widgets.state import FitOptions, _start_for

    ds = toy()
    for covariance_type, shape in (("full", (2, 1, 1)), ("diag", (2, 1)), ("spherical", (2,))):
        start = ds.start_for(2, covariance_type)
        assert start["covariances_init"].shape == shape
        explorer = _start_for(ds, FitOptions(2, covariance_type, init_params="start"))
        for key, value in start.items():
            np.testing.assert_array_equal(explorer[key], value)
        args = argparse.Namespace(
            data="toy",
            columns=None,
            covariance_type=covariance_type,
            fixed="",
            means=None,
            variances=None,
            weights=None,
            k=2,
            init=None,
            seed=0,
            reg_covar=0.0,
            iterations=1,
        )
        _, _, options, _ = _prepare(args, stdin=None)
        np.testing.assert_array_equal(options["covariances"], start["covariances_init"])
        np.testing.assert_array_equal(options["means"], start["means_init"])
    assert ds.start_for(2, "tied")["covariances_init"].shape == (1, 1)
    with pytest.raises(ParameterError, match="has 2 components; set K to 2"):
        ds.start_for(3)
    with pytest.raises(ParameterError, match="has no suggested start"):
        galaxies().start_for(2)


def test_bundled_data_know_their_units_and_axes_show_them():
    from gmm_viz import datasets
    from gmm_viz.errors import DataError

    assert datasets.faithful().axis_labels == ("eruptions (minutes)", "waiting (minutes)")
    assert datasets.faithful("waiting").axis_labels == ("waiting (minutes)",)
    assert datasets.galaxies().axis_labels == ("velocity (km/s)",)
    assert datasets.toy().axis_labels == ("x",)
    with pytest.raises(DataError, match="one unit per column"):
        datasets.Dataset(X=[[1.0], [2.0]], columns=("a",), units=("m", "s"))


@pytest.mark.parametrize(
    "text, expected, shape",
    [
        ("0,9 0,7 1,2 2,4 1,8", [0.9, 0.7, 1.2, 2.4, 1.8], (5, 1)),
        ("0,9 0,7 1,2 2,4 1,8 10", [0.9, 0.7, 1.2, 2.4, 1.8, 10.0], (6, 1)),
        ("0,9\n0,7 1,2\n 2,4   1,8\n", [0.9, 0.7, 1.2, 2.4, 1.8], (5, 1)),
        ("1,5 2,5\n3,5 4,5\n5,5 7,5", [1.5, 2.5, 3.5, 4.5, 5.5, 7.5], (3, 2)),
    ],
)
def test_decimal_commas_between_spaces_are_read_as_such_and_said(text, expected, shape):
    """Commas between digits with white space between the numbers cannot separate values
    (ten numbers '0', '9 0', ... was the old reading); the note says how it was read."""
    for ds in (parse_text(text), load_csv(text.encode())):
        assert ds.X.shape == shape
        np.testing.assert_allclose(ds.X.ravel(), expected)
        assert ds.note.startswith("Read with decimal commas (")
        assert "as 0.9)" in ds.note or "as 1.5)" in ds.note, ds.note


def test_comma_pairs_without_a_header_are_two_columns_and_said():
    ds = parse_text("0,9\n0,7\n1,2\n2,4\n1,8")
    assert ds.columns == ("x1", "x2") and ds.X.shape == (5, 2)
    assert "two columns" in ds.note and "write 0.9 instead" in ds.note


@pytest.mark.parametrize(
    "text", ["0.9, 0.7, 1.2", "1,2,3,4", "1, 2, 3, 4", "a,b\n1,2\n3,4\n5,7", "1 2 3 4"]
)
def test_plain_text_has_no_note(text):
    assert parse_text(text).note == ""


def test_uploaded_bytes_keep_their_name_as_the_source():
    assert load_csv(b"x\n1\n2\n3\n", name="standard input").source == "standard input"
    assert load_csv(b"x\n1\n2\n3\n").source == "uploaded file"

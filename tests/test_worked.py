"""The worked solution (gmm_viz.worked) against the hand-worked example of the course notes.

The seed example: data 0.9, 0.7, 1.2, 2.4, 1.8; start means 1 and 2, variances 2 and 2,
weights 0.5 and 0.5; one EM iteration. Reference values are computed here with math.exp and
math.sqrt only, independently of the engine.
"""

import json
import math
from itertools import pairwise

import numpy as np
import pytest

from gmm_viz import worked
from gmm_viz.errors import DataError, ParameterError

X = [0.9, 0.7, 1.2, 2.4, 1.8]
START = {"weights": [0.5, 0.5], "means": [1.0, 2.0], "covariances": [2.0, 2.0]}

SEED_MEANS = (1.3065753725700628, 1.4982149218892322)
SEED_VARIANCES = (0.3510142879511143, 0.408060269961259)
SEED_WEIGHT_1 = 0.5124981885949778
SEED_BETA = (
    (0.574, 0.599, 0.537, 0.389, 0.463),
    (0.426, 0.401, 0.463, 0.611, 0.537),
)


def normal_pdf(x, mean, variance):
    return math.exp(-((x - mean) ** 2) / (2 * variance)) / math.sqrt(2 * math.pi * variance)


def hand_e_step(weights, means, variances):
    """Densities, weighted densities, totals and responsibilities, by hand."""
    dens = [[normal_pdf(x, m, v) for m, v in zip(means, variances, strict=True)] for x in X]
    weighted = [[w * d for w, d in zip(weights, row, strict=True)] for row in dens]
    totals = [sum(row) for row in weighted]
    resp = [[wd / t for wd in row] for row, t in zip(weighted, totals, strict=True)]
    return dens, weighted, totals, resp


@pytest.fixture(scope="module")
def seed_solution():
    return worked.solve(
        X,
        2,
        weights=START["weights"],
        means=START["means"],
        covariances=START["covariances"],
        columns=("x",),
    )


# --------------------------------------------------------------------------------------
# The numbers
# --------------------------------------------------------------------------------------


def test_seed_example_to_1e_12(seed_solution):
    final = seed_solution.final
    assert len(seed_solution.iterations) == 1
    for k in range(2):
        assert final.means[k, 0] == pytest.approx(SEED_MEANS[k], abs=1e-12)
        assert final.full_covariances()[k, 0, 0] == pytest.approx(SEED_VARIANCES[k], abs=1e-12)
    assert final.weights[0] == pytest.approx(SEED_WEIGHT_1, abs=1e-12)
    assert final.weights[1] == pytest.approx(1 - SEED_WEIGHT_1, abs=1e-12)
    m = seed_solution.iterations[0].m_step
    np.testing.assert_allclose(m.params.means[:, 0], SEED_MEANS, rtol=0, atol=1e-12)


def test_seed_responsibilities_rounded_as_in_the_notes(seed_solution):
    resp = seed_solution.iterations[0].e_step.responsibilities
    assert resp.shape == (5, 2)
    for k in range(2):
        assert tuple(round(float(r), 3) for r in resp[:, k]) == SEED_BETA[k]


def test_true_densities_with_the_one_over_sigma_factor(seed_solution):
    e = seed_solution.iterations[0].e_step
    dens, weighted, totals, resp = hand_e_step(
        START["weights"], START["means"], START["covariances"]
    )
    np.testing.assert_allclose(e.densities, dens, rtol=1e-12)
    np.testing.assert_allclose(e.weighted_densities, weighted, rtol=1e-12)
    np.testing.assert_allclose(e.totals, totals, rtol=1e-12)
    np.testing.assert_allclose(e.responsibilities, resp, rtol=1e-12)
    # About 0.282 at the peak for variance 2, not the notes' 0.398 (1/sqrt(2 pi), which
    # drops the 1/sigma factor).
    peak = 1 / math.sqrt(2 * math.pi * 2)
    assert peak == pytest.approx(0.2821, abs=1e-4)
    assert e.densities.max() < peak
    assert e.densities[0, 0] == pytest.approx(0.2814, abs=1e-4)
    assert not np.isclose(e.densities[0, 0], 0.398, atol=0.01)


def test_m_step_numbers_match_the_formulas(seed_solution):
    _, _, _, resp = hand_e_step(START["weights"], START["means"], START["covariances"])
    m = seed_solution.iterations[0].m_step
    for k in range(2):
        nk = sum(r[k] for r in resp)
        s1 = sum(r[k] * x for r, x in zip(resp, X, strict=True))
        mean = s1 / nk
        scatter = sum(r[k] * (x - mean) ** 2 for r, x in zip(resp, X, strict=True))
        assert m.resp_sums[k] == pytest.approx(nk, rel=1e-12)
        assert m.weighted_sums[k, 0] == pytest.approx(s1, rel=1e-12)
        assert m.weighted_scatter[k, 0, 0] == pytest.approx(scatter, rel=1e-10)
        assert m.params.weights[k] == pytest.approx(nk / 5, rel=1e-12)
        assert m.params.covariances[k, 0, 0] == pytest.approx(scatter / nk, rel=1e-10)
    assert m.n_samples == 5
    assert m.resp_sums[0] == pytest.approx(2.5625, abs=1e-4)


def test_log_likelihoods(seed_solution):
    _, _, totals, _ = hand_e_step(START["weights"], START["means"], START["covariances"])
    ll0 = sum(math.log(t) for t in totals)
    it = seed_solution.iterations[0]
    assert it.log_likelihood == pytest.approx(ll0, rel=1e-12)
    assert seed_solution.initial_log_likelihood == pytest.approx(ll0, rel=1e-12)
    f = seed_solution.final
    means, variances = f.means[:, 0], f.full_covariances()[:, 0, 0]
    _, _, totals1, _ = hand_e_step(f.weights, means, variances)
    ll1 = sum(math.log(t) for t in totals1)
    assert seed_solution.final_log_likelihood == pytest.approx(ll1, rel=1e-12)
    assert it.m_step.log_likelihood == pytest.approx(ll1, rel=1e-12)
    assert ll1 > ll0


def test_several_iterations_chain_and_climb():
    sol = worked.solve(X, 2, iterations=4, weights=[0.5, 0.5], means=[1, 2], covariances=[2, 2])
    assert [it.iteration for it in sol.iterations] == [1, 2, 3, 4]
    for before, after in pairwise(sol.iterations):
        np.testing.assert_array_equal(after.e_step.params.means, before.m_step.params.means)
        assert after.log_likelihood >= before.log_likelihood - 1e-12
    np.testing.assert_array_equal(sol.final.means, sol.iterations[-1].m_step.params.means)


def test_zero_iterations_is_the_start():
    sol = worked.solve(X, 2, iterations=0, weights=[0.5, 0.5], means=[1, 2], covariances=[2, 2])
    assert sol.iterations == ()
    np.testing.assert_array_equal(sol.final.means[:, 0], [1, 2])
    d = json.loads(worked.to_json(sol))
    assert d["iterations"] == []
    assert d["final"]["covariances"] == [[[2.0]], [[2.0]]]
    assert "Iteration 1" not in worked.to_text(sol)


def test_errors_come_from_the_engine_with_one_sentence():
    with pytest.raises(DataError, match="distinct"):
        worked.solve(X, 6)
    with pytest.raises(ParameterError):
        worked.solve(X, 2, weights=[0.3, 0.3], means=[1, 2], covariances=[2, 2])
    with pytest.raises(ParameterError):
        worked.solve(X, 2, iterations=-1)
    with pytest.raises(ParameterError, match="column names"):
        worked.solve(X, 2, columns=("a", "b"))


@pytest.mark.parametrize("cov_type", ["full", "diag", "spherical", "tied"])
def test_two_d_covariances_are_k_by_d_by_d(cov_type):
    rng = np.random.default_rng(0)
    X2 = np.vstack([rng.normal(0, 1, (6, 2)), rng.normal(5, 1, (6, 2))])
    sol = worked.solve(X2, 2, covariance_type=cov_type, iterations=2, reg_covar=1e-6)
    d = worked.to_dict(sol)
    for it in d["iterations"]:
        assert np.shape(it["m_step"]["covariances"]) == (2, 2, 2)
        assert np.shape(it["e_step"]["responsibilities"]) == (12, 2)
    assert np.shape(d["final"]["covariances"]) == (2, 2, 2)
    text = worked.to_text(sol)
    assert "+ 1e-06" in text
    expected = {"full": "Sigma_1 =", "diag": "diag(Sigma_1)", "spherical": "trace(S_1)"}
    assert expected.get(cov_type, "shared covariance") in text


# --------------------------------------------------------------------------------------
# Formatters
# --------------------------------------------------------------------------------------


def test_to_text_works_it_by_hand(seed_solution):
    text = worked.to_text(seed_solution)
    for number in ("1.30658", "1.49821", "0.351014", "0.40806", "0.512498", "0.487502"):
        assert number in text
    for number in ("0.574443", "0.598688", "0.610639", "0.28139", "0.244925"):
        assert number in text
    assert "3.34809 / 2.56249" in text
    assert "2.56249 / 5 = 0.512498" in text
    assert "0.5744*0.9 + 0.5987*0.7" in text
    assert "variance" in text
    assert "Sigma" not in text
    assert "N(x|1)" in text and "beta_2" in text
    assert "-7.07576" in text


def test_to_text_digits_and_large_n():
    rng = np.random.default_rng(1)
    data = np.concatenate([rng.normal(0, 1, 30), rng.normal(6, 1, 30)])
    sol = worked.solve(data, 2, iterations=1)
    text = worked.to_text(sol, digits=4)
    m = sol.iterations[0].m_step
    # Large N: the sums, not every term.
    expected = f"{m.weighted_sums[0, 0]:.4g} / {m.resp_sums[0]:.4g} = {m.params.means[0, 0]:.4g}"
    assert expected in text
    assert "*" not in text.split("M-step")[1]
    assert len(text.splitlines()) > 60  # one table row per point
    with pytest.raises(ParameterError):
        worked.to_text(sol, digits=0)


def test_to_markdown_has_tables(seed_solution):
    md = worked.to_markdown(seed_solution, preamble="Data: toy.")
    lines = md.splitlines()
    assert lines[0] == "# Worked EM"
    assert "Data: toy." in md
    assert any(line.startswith("| n | x | N(x\\|1)") for line in lines)
    assert any(line.startswith("| ---: |") for line in lines)
    assert "| 1 | 0.5 | 1 | 2 |" in md
    assert "1.30658" in md and "```text" in md


def test_to_json_schema_and_values(seed_solution):
    d = json.loads(worked.to_json(seed_solution))
    assert set(d) == {"iterations", "final"}
    (it,) = d["iterations"]
    assert set(it) == {"log_likelihood", "e_step", "m_step"}
    assert np.shape(it["e_step"]["densities"]) == (5, 2)
    assert np.shape(it["e_step"]["responsibilities"]) == (5, 2)
    assert np.shape(it["m_step"]["weights"]) == (2,)
    assert np.shape(it["m_step"]["means"]) == (2, 1)
    assert np.shape(it["m_step"]["covariances"]) == (2, 1, 1)
    assert set(d["final"]) == {"weights", "means", "covariances", "log_likelihood"}
    np.testing.assert_allclose(np.ravel(d["final"]["means"]), SEED_MEANS, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        np.ravel(d["final"]["covariances"]), SEED_VARIANCES, rtol=0, atol=1e-12
    )
    assert d["final"]["weights"][0] == pytest.approx(SEED_WEIGHT_1, abs=1e-12)
    assert it["e_step"]["densities"][0][0] == pytest.approx(normal_pdf(0.9, 1, 2), rel=1e-12)
    # Floats round-trip exactly.
    assert d["final"]["means"][0][0] == seed_solution.final.means[0, 0]


# --------------------------------------------------------------------------------------
# HTML for the widget
# --------------------------------------------------------------------------------------


def test_e_step_html_shows_the_numbers_of_one_point():
    html = worked.e_step_html(X, START, 2)
    dens, weighted, totals, resp = hand_e_step(
        START["weights"], START["means"], START["covariances"]
    )
    assert html.startswith("<div") and html.rstrip().endswith("</div>")
    assert "$$" in html and r"\frac" in html and r"\beta_{3k}" in html
    assert "x_{3} = 1.2" in html
    # The app's rounding rule: 4 decimals, the same for a value wherever it appears.
    for value in (*dens[2], *weighted[2], totals[2], *resp[2]):
        assert f"{value:.4f}" in html
    assert "0.2793" in html  # N(1.2 | 1, 2), with the 1/sigma factor
    assert "0.5374" in html and "0.4626" in html
    assert r"\sqrt{2\pi \cdot 2.0000}" in html
    assert r"\alpha_k" in html and "w_k" not in html  # the worked example's symbol
    html6 = worked.e_step_html(X, START, 0, digits=6)
    assert f"{resp[0][0]:.6g}" in html6 and "0.574443" in html6


def test_m_step_html_shows_the_numbers_of_one_component():
    _, _, _, resp = hand_e_step(START["weights"], START["means"], START["covariances"])
    html = worked.m_step_html(X, resp, 0)
    # Each "= ..." is a piece of its own, so a narrow panel wraps before the result.
    assert r"$\displaystyle" in html and r"\frac" in html
    assert r"$\displaystyle = 0.3510$" in html
    for number in ("2.5625", "0.5125", "3.3481", "1.3066", "0.8995", "0.3510"):
        assert number in html
    # The mean inside the variance's formula is the mean shown, 1.3066 (not 1.31).
    assert "(2.4000 - 1.3066)^2" in html and "1.31)" not in html
    # Every term of the sums, as in the notes: 0.5744*0.9 + ...
    assert r"0.5744 \cdot 0.9000" in html
    html2 = worked.m_step_html(X, resp, 1, digits=6)
    for number in ("2.43751", "0.487502", "1.49821", "0.40806"):
        assert number in html2


def test_m_step_html_fixed_and_regularised():
    _, _, _, resp = hand_e_step(START["weights"], START["means"], START["covariances"])
    html = worked.m_step_html(
        X, resp, 0, previous=START, fixed=("means",), reg_covar=0.01, digits=5
    )
    assert "held fixed" in html
    assert r"\mu_{1} = 1" in html
    assert r"\varepsilon" in html and "+ 0.01" in html


def test_step_html_follows_the_history(seed_solution):
    h = seed_solution.history
    start = worked.step_html(X, h, 0, point_index=3)
    e = worked.step_html(X, h, 1, point_index=3)
    assert start == e and "E-step for point 4" in e
    m = worked.step_html(X, h, 2, component_index=1)
    assert "M-step for component 2" in m
    assert f"{h.params(2).means[1, 0]:.4g}" in m
    with pytest.raises(ParameterError):
        worked.step_html(X, h, 3)


def test_html_in_two_dimensions_and_bad_indices():
    X2 = [[0.0, 0.0], [1.0, 0.5], [5.0, 5.0], [6.0, 5.5]]
    params = {
        "weights": [0.5, 0.5],
        "means": [[0.5, 0.2], [5.5, 5.2]],
        "covariances": [np.eye(2), np.eye(2)],
    }
    html = worked.e_step_html(X2, params, 1)
    assert "pmatrix" in html and "&amp;" in html and "&" not in html.replace("&amp;", "")
    resp = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=float)
    m = worked.m_step_html(X2, resp, 1)
    assert r"\boldsymbol{\mu}_{2}" in m and "5.5" in m
    with pytest.raises(ParameterError):
        worked.e_step_html(X2, params, 4)
    with pytest.raises(ParameterError):
        worked.e_step_html(X2, params, -1)
    with pytest.raises(ParameterError):
        worked.m_step_html(X2, resp, 2)


def test_latex_numbers_in_scientific_notation():
    params = {"weights": [0.5, 0.5], "means": [0.0, 10.0], "covariances": [1.0, 1.0]}
    html = worked.e_step_html([0.0, 10.0], params, 0)
    assert r"\times 10^{-" in html
    assert "e-" not in html.replace("gmm-worked-e-step", "")


def test_the_history_carries_the_fit_settings_into_show_your_work():
    """The panel reads reg_covar and the fixed parameters from the history, and the
    explorer's responsibilities can be handed in instead of recomputed."""
    from gmm_viz import GaussianMixtureEM

    model = GaussianMixtureEM(
        2,
        weights_init=[0.5, 0.5],
        means_init=[1.0, 2.0],
        covariances_init=[2.0, 2.0],
        reg_covar=0.01,
        fixed=("means",),
        max_iter=2,
        tol=0,
    ).fit(X)
    h = model.history_
    assert (h.covariance_type, h.reg_covar, h.fixed) == ("full", 0.01, frozenset({"means"}))
    html = worked.step_html(X, h, 2, component_index=0)
    assert "held fixed" in html and "+ 0.01" in html
    resp = h.responsibilities(2, X)
    assert worked.step_html(X, h, 2, component_index=0, responsibilities=resp) == html
    # Warm starts keep the settings with the history they continue.
    model.set_params(warm_start=True).fit(X)
    assert model.history_.reg_covar == 0.01 and model.history_.n_iter == 4


def test_one_point_e_step_does_not_depend_on_the_other_points():
    """The panel computes one point's row only; it is the same row as among all points."""
    import re

    rows = np.array([0.9, 0.7, 1.2, 2.4, 1.8])
    alone = worked.e_step_html(rows[3:4], START, 0)
    among = worked.e_step_html(rows, START, 3)
    assert "0.6106" in among  # the worked example's beta_42
    assert alone == re.sub(r"_\{4", "_{1", among.replace("point 4", "point 1"))


def test_handout_intro_names_the_1d_model_without_a_covariance_type():
    from gmm_viz import datasets, worked

    toy = datasets.toy()
    text = worked.to_text(worked.solve(toy.X, 2, iterations=1))
    assert "one variance per component" in text and "covariance type" not in text
    tied = worked.to_text(worked.solve(toy.X, 2, iterations=1, covariance_type="tied"))
    assert "one variance shared by the components" in " ".join(tied.split())
    faithful = datasets.faithful()
    assert "covariance type full" in worked.to_text(worked.solve(faithful.X, 2, iterations=1))

"""Issue 17: each covariance type is one object in one registry that every layer asks.

The rules of every type agree with each other and with scikit-learn; an unknown type is
refused with one sentence wherever it is given (it used to become "spherical" quietly in
the units and the floor); and a new type is one small class: registered, it is fitted,
scored, counted and written up without touching any other file.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from test_em_sklearn_api import two_clusters

from gmm_viz import worked
from gmm_viz.conventions import run_title
from gmm_viz.em import (
    COVARIANCE_TYPES,
    GaussianMixtureEM,
    covariance_type,
    full_covariances,
    m_step,
)
from gmm_viz.em import covariance_types as registry
from gmm_viz.em.covariance_types.diag import Diag
from gmm_viz.errors import ParameterError


@pytest.mark.parametrize("name", COVARIANCE_TYPES)
def test_each_type_converts_rescales_and_counts_consistently(name):
    ctype = covariance_type(name)
    rng = np.random.default_rng(1)
    k, d = 3, 2
    a = rng.normal(size=(k, d, d))
    full = a @ a.transpose(0, 2, 1) + np.eye(d)
    stored = ctype.from_full(full, np.array([0.2, 0.3, 0.5]))
    assert stored.shape == ctype.shape(k, d)
    again = ctype.to_full(stored, k, d)
    np.testing.assert_allclose(ctype.from_full(again, np.full(k, 1 / 3)), stored, rtol=1e-14)
    factor = np.array([2.0, 2.0]) if ctype.one_scale else np.array([2.0, 0.5])
    scaled = ctype.to_full(ctype.rescale(stored, factor), k, d)
    np.testing.assert_allclose(scaled, again * np.outer(factor, factor), rtol=1e-14)
    X = two_clusters()
    ours = GaussianMixtureEM(k, covariance_type=name, random_state=0).fit(X)
    theirs = GaussianMixture(k, covariance_type=name, random_state=0).fit(X)
    assert ours._n_parameters() == theirs._n_parameters()
    np.testing.assert_allclose(ctype.precisions(ours.covariances_), ours.precisions_, rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: GaussianMixtureEM(2, covariance_type="round").fit(two_clusters()),
        lambda: full_covariances(np.ones(2), "round", 2, 1),
        lambda: m_step(two_clusters(), np.full((300, 2), 0.5), covariance_type="round"),
        lambda: run_title("toy", 5, 2, "round", 1),
        lambda: covariance_type("round"),
    ],
)
def test_an_unknown_type_gets_one_sentence_in_every_layer(call):
    with pytest.raises(ParameterError, match=r"^Unknown covariance type 'round'; use one of"):
        call()


class DiagByAnotherName(Diag):
    """A "new" type, written as a contributor would: one class (here the diagonal model
    under another name, so that its every number is known)."""

    name = "axis-aligned"


def test_a_new_type_is_one_class_in_the_registry(monkeypatch):
    monkeypatch.setitem(registry._TYPES, "axis-aligned", DiagByAnotherName())
    X = two_clusters()
    new = GaussianMixtureEM(2, covariance_type="axis-aligned", random_state=0).fit(X)
    diag = GaussianMixtureEM(2, covariance_type="diag", random_state=0).fit(X)
    np.testing.assert_array_equal(new.covariances_, diag.covariances_)
    assert new.bic(X) == diag.bic(X)
    np.testing.assert_array_equal(new.precisions_cholesky_, diag.precisions_cholesky_)
    assert "axis-aligned covariance" in run_title("x", 240, 2, "axis-aligned", 2)
    solution = worked.solve(X, 2, covariance_type="axis-aligned", iterations=2)
    assert solution.history.params(-1).covariances.shape == (2, 2)

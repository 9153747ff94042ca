"""Issue 17: the fit's pass over the data in blocks, on threads. Blocks run side by side and
their sums are added in block order, so a fit is the same to the last bit on any number of
threads; small fits stay on one thread (starting threads cost more than they gave)."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_viz.em import GaussianMixtureEM, blocks
from gmm_viz.em.blocks import BlockedPass
from gmm_viz.em.params import GMMParams


def standardised(n, d, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(d, n))
    return np.vstack([np.ones(n), X])


@pytest.mark.parametrize("d", [1, 2])
def test_a_pass_is_the_same_to_the_last_bit_on_any_number_of_threads(d):
    Xa = standardised(5000, d)
    k = 3
    rng = np.random.default_rng(1)
    a = rng.normal(size=(k, d, d))
    params = GMMParams(
        np.array([0.2, 0.3, 0.5]),
        rng.normal(size=(k, d)),
        a @ a.transpose(0, 2, 1) + np.eye(d),
        "full",
    )
    results = []
    for threads in (1, 2, 3):
        with BlockedPass(Xa, k, block=300, threads=threads) as one_pass:
            assert one_pass.threads == threads  # 17 blocks: threads are used
            results.append(one_pass(params))
    for other in results[1:]:
        assert other[0] == results[0][0]
        for mine, theirs in zip(other[1:], results[0][1:], strict=True):
            np.testing.assert_array_equal(mine, theirs)


def test_a_fit_is_the_same_on_one_thread_and_small_fits_use_one():
    rng = np.random.default_rng(2)
    X = np.r_[rng.normal(size=(100_000, 2)), rng.normal(size=(100_000, 2)) + 3]

    def fit():
        return GaussianMixtureEM(3, tol=0, max_iter=5, random_state=0).fit(X)

    with BlockedPass(standardised(len(X), 2), 3) as big:  # as the fit makes it: 10 blocks
        assert big.threads == min(blocks.available_cores(), 10)
    default = fit()
    saved, blocks.max_threads = blocks.max_threads, 1
    try:
        single = fit()
    finally:
        blocks.max_threads = saved
    for name in ("weights_", "means_", "covariances_"):
        np.testing.assert_array_equal(getattr(default, name), getattr(single, name))
    with BlockedPass(standardised(10_000, 1), 8, threads=2) as small:
        assert small.threads == 1  # two blocks: threads would only cost


@pytest.mark.parametrize("scale", [1.0, 30.0, 800.0])
def test_the_exp_and_log_that_step_around_branches_give_the_same_bits(monkeypatch, scale):
    """Where numpy's exp and log are scalar, the maxima's zeros go to exp as -1 and the
    totals of 1 go to log as 2, and the exact answers are put back: the same bits as the plain
    calls, whatever the values (ties, -inf columns, NaN, values that underflow, totals of 1)."""
    rng = np.random.default_rng(7)
    a = rng.normal(size=(4, 300)) * scale
    a[:, 5] = -np.inf  # a column with no finite value
    a[0, 9] = a[2, 9] = a[:, 9].max() + 1.0  # a tie for the maximum
    a[1, 11] = np.nan
    a[3, 12] = -0.0
    results = []
    for avoid in (False, True):
        monkeypatch.setattr(blocks, "_AVOID_LIBM_BRANCHES", avoid)
        b, top, inv = a.copy(), np.empty(300), np.empty(300)
        with np.errstate(invalid="ignore", divide="ignore"):
            log_p = blocks._exp_shifted_kn(b, top, inv, np.empty((6, 300)))
        results.append((log_p, b, top, inv))
    (p0, b0, t0, i0), (p1, b1, t1, i1) = results
    assert np.array_equal([p0], [p1], equal_nan=True)
    for x, y in ((b0, b1), (t0, t1), (i0, i1)):
        assert np.array_equal(x, y, equal_nan=True)
    assert b1[0, 9] == b1[2, 9] == 1.0 and not np.isnan(b1[:, 20]).any()

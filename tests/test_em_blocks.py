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

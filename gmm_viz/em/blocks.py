"""One pass over the data, in blocks, on the cores the process may use.

Each pass does one E-step (the log-likelihood of the current parameters and the
responsibilities) and accumulates what the following M-step needs, block by block, so a
whole iteration reads the data once in pieces that stay in cache. numpy releases the GIL
inside its ufuncs and matrix products, so blocks run on threads side by side. Every block
returns its own partial sums and they are added in block order, so the result is the same
to the last bit whatever the number of threads (and as with none).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from gmm_viz.em.densities import _density_coefficients, _half_mahalanobis_kn

# Size of a block over N, in floats per K x block buffer: a block holds _BLOCK // K
# points, so that a worker's few buffers stay in cache (tuned in benchmarks/bench_em.py:
# 8192 points for K = 8, more for smaller K).
_BLOCK = 65536

# At most this many threads per pass (None: every core the process may use). The
# benchmarks set it to 1 to measure the one-thread peer in the same run.
max_threads = None

# Threads only for a pass of at least this many blocks: starting them and handing blocks
# over costs about 2 ms a fit, which made a fit at N = 1e4 (one or two blocks) up to twice
# as slow (benchmarks/bench_fit.py).
_MIN_BLOCKS_FOR_THREADS = 8


def _numpy_exp_is_vectorised():
    """True when numpy's float64 ``exp`` runs as branch-free SIMD code (it does with
    AVX-512); elsewhere it calls the C library's scalar ``exp`` value by value."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy 1.x, or a numpy that no longer exposes its CPU features
        try:
            from numpy.core._multiarray_umath import __cpu_features__ as features
        except ImportError:
            return False
    if "X86_V4" in features:  # numpy >= 2.4 names its x86 levels
        return bool(features["X86_V4"])
    return bool(features.get("AVX512_SKX", False))


# Where numpy's exp and log are scalar, they call the C library's, which takes a separate
# branch for exp(0) (|x| < 2**-54) and for log(1). After the max-shift every point has one 0,
# on a random row, and every point that one component alone explains has a total of exactly
# 1: the branch is mispredicted about once per point, which doubled the cost of these calls
# (exp: 6.3 ns a value against 3.2 ns; log: 7.4 against 2.7; Zen 5 with AVX2,
# benchmarks/RESULTS.md). So the zeros go in as -1 and the ones as 2, and the exact answers
# (exp(0) = 1, log(1) = 0) are put back by arithmetic: the same bits as the plain calls.
# numpy's AVX-512 exp and log have no branch to miss, and skip this.
_AVOID_LIBM_BRANCHES = not _numpy_exp_is_vectorised()


def _exp_shifted_kn(a, top, inv_total, scratch):
    """The blocked E-step's log-sum-exp, in place: ``a`` (K, m) of log weighted densities
    becomes exp(a - max_k a), ``top`` (m,) receives the shift and ``inv_total`` (m,) the
    reciprocal column sums, so that the responsibilities are ``a * inv_total``.
    ``scratch`` is a (K + 2, m) array.

    Returns the block's sum of log p(x_n).
    """
    k = a.shape[0]
    np.max(a, axis=0, out=top)
    finite = np.isfinite(top)
    if not finite.all():
        top[~finite] = 0.0
    np.subtract(a, top, out=a)
    if _AVOID_LIBM_BRANCHES:
        _exp_around_zero(a, scratch[:k])
    else:
        np.exp(a, out=a)
    np.sum(a, axis=0, out=inv_total)
    if _AVOID_LIBM_BRANCHES:
        log_total = _log_around_one(inv_total, scratch[k], scratch[k + 1])
    else:
        log_total = np.log(inv_total)
    log_p = float(log_total.sum() + top.sum())
    np.reciprocal(inv_total, out=inv_total)
    return log_p


def _exp_around_zero(a, zero):
    """exp(a) in place, a <= 0, without passing any 0 to exp. By arithmetic, not a masked
    copy: a masked copy branches per value too, and cost more than it saved."""
    np.equal(a, 0.0, out=zero, casting="unsafe")  # 1.0 where a is 0, else 0.0
    np.subtract(a, zero, out=a)  # 0 -> -1, the rest unchanged
    np.exp(a, out=a)
    np.maximum(a, zero, out=a)  # exp(-1) -> 1 = exp(0); elsewhere exp(a) >= 0 stays (NaN too)


def _log_around_one(total, one, out):
    """log(total) into ``out`` without passing any 1 to log: log 2 there, times 0."""
    np.equal(total, 1.0, out=one, casting="unsafe")
    np.add(total, one, out=out)  # 1 -> 2
    np.log(out, out=out)
    np.subtract(1.0, one, out=one)
    return np.multiply(out, one, out=out)  # log 2 * 0 = 0 = log 1; elsewhere * 1


def available_cores():
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Buffers:
    """One worker's scratch arrays: a few K x block arrays reused by every block."""

    def __init__(self, k, d, block):
        self.lw = np.empty((k, block))
        self.scratch = np.empty((k + 2, block))
        self.diff = np.empty((k, d, block)) if d > 1 else None
        self.work = np.empty((k, d, block))
        self.top = np.empty(block)
        self.inv_total = np.empty(block)
        self.xw = np.empty((d + 1, block))


class BlockedPass:
    """E-step plus M-step sums over ``Xa`` (the standardised data as (D + 1) x N with a
    row of ones on top), in blocks of ``block`` points, on up to ``threads`` threads.

    Use as a context manager (it owns a thread pool when it has more than one thread).
    """

    def __init__(self, Xa, k, block=None, threads=None):
        self.Xa = Xa
        self.k = k
        self.d, self.n = Xa.shape[0] - 1, Xa.shape[1]
        self.block = block or min(self.n, max(1, _BLOCK // k))
        self.starts = range(0, self.n, self.block)
        if threads is None:
            threads = available_cores() if max_threads is None else max_threads
        if len(self.starts) < _MIN_BLOCKS_FOR_THREADS:
            threads = 1
        self.threads = max(1, min(threads, len(self.starts)))
        self.buffers = [_Buffers(k, self.d, self.block) for _ in range(self.threads)]
        self.pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown()

    def __call__(self, params):
        """Sum of log p(x) in standardised units, N_k (K,), sum_n r_nk x_n (K, D) and the
        scatter sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T (K, D, D) around the current means."""
        # Per parameter set, not per block: Cholesky factors, log-determinants, log-weights.
        factor, const = _density_coefficients(params)
        coef = (factor, const[:, None], params.means)
        starts = list(self.starts)
        if self.pool is None:
            parts = self._blocks(starts, self.buffers[0], coef)
        else:
            # Contiguous runs of blocks, one per thread; each returns its blocks' sums.
            runs = np.array_split(np.array(starts), self.threads)
            jobs = [
                self.pool.submit(self._blocks, list(run), buffers, coef)
                for run, buffers in zip(runs, self.buffers, strict=True)
            ]
            parts = [part for job in jobs for part in job.result()]
        k, d = self.k, self.d
        total = 0.0
        nk_s1 = np.zeros((k, d + 1))  # N_k and sum_n r_nk x_n side by side
        s2 = np.zeros((k, d, d))
        for block_total, block_s1, block_s2 in parts:  # in block order
            total += block_total
            nk_s1 += block_s1
            if d == 1:
                s2[:, 0, 0] += block_s2
            else:
                s2 += block_s2
        return total, nk_s1[:, 0].copy(), nk_s1[:, 1:].copy(), s2

    def _blocks(self, starts, buf, coef):
        return [self._block(start, buf, coef) for start in starts]

    def _block(self, start, buf, coef):
        """One block's log-likelihood sum, its [N_k, sum r x] (K, D + 1) and its scatter."""
        factor, const, means = coef
        d = self.d
        stop = min(start + self.block, self.n)
        m = stop - start
        Xa = self.Xa[:, start:stop]
        a, top, inv = buf.lw[:, :m], buf.top[:m], buf.inv_total[:m]
        if d == 1:
            # Keep h = (x - mu)^2 / (2 sigma^2): the scatter is then sum_n r h 2 sigma^2,
            # and x - mu need not be stored.
            h = _half_mahalanobis_kn(Xa[1:], means, factor, buf.work[:, 0, :m])
            np.subtract(const, h, out=a)
        else:
            diff = buf.diff[:, :, :m]
            _half_mahalanobis_kn(Xa[1:], means, factor, a, diff, buf.work[:, :, :m])
            np.subtract(const, a, out=a)
        log_p = _exp_shifted_kn(a, top, inv, buf.scratch[:, :m])
        # a holds exp(log w_k N_k - top); the responsibilities are a * inv. Fold inv into
        # the (D + 1) x m data instead of scaling the K x m array.
        s1 = np.matmul(a, np.multiply(Xa, inv, out=buf.xw[:, :m]).T)
        if d == 1:
            np.multiply(a, h, out=a)
            s2 = np.matmul(a, inv) / factor[:, 0, 0] ** 2
        else:
            np.multiply(a, inv, out=a)
            p = np.multiply(a[:, None, :], diff, out=buf.work[:, :, :m])
            s2 = np.matmul(p, diff.transpose(0, 2, 1))
        return log_p, s1, s2

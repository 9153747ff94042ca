"""The half-step history of one EM run: what a viewer scrubs back and forth.

Half-step 0 is the start, then 1 = E-step 1, 2 = M-step 1, 3 = E-step 2, ... Memory is
O(iterations x K x D^2): parameters and statistics only; responsibilities are recomputed
on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gmm_viz.em.params import GMMParams
from gmm_viz.em.steps import SufficientStatistics, e_step
from gmm_viz.errors import ParameterError


@dataclass(frozen=True)
class EStepRecord:
    """An E-step: the parameters entering it and their log-likelihood.

    The responsibilities are not stored (that would be N x K per step); recompute them
    with :meth:`EMHistory.responsibilities`.
    """

    iteration: int
    params: GMMParams
    log_likelihood: float
    mean_log_likelihood: float


@dataclass(frozen=True)
class MStepRecord:
    """An M-step: the new parameters, the statistics they came from, and any notes."""

    iteration: int
    params: GMMParams
    stats: SufficientStatistics
    log_likelihood: float
    mean_log_likelihood: float
    notes: tuple = ()  # of gmm_viz.em.notes.Note


@dataclass
class EMHistory:
    """Every half-step of one EM run, for scrubbing back and forth.

    Half-step 0 is the start, then 1 = E-step 1, 2 = M-step 1, 3 = E-step 2, ...
    Memory is O(iterations x K x D^2): parameters and statistics only.
    """

    initial: GMMParams
    initial_log_likelihood: float
    e_steps: list = field(default_factory=list)
    m_steps: list = field(default_factory=list)
    converged: bool = False
    init_notes: tuple = ()
    # The settings the run was fitted with, so that a reader of the history (the
    # show-your-work panel, an export) needs no second route for them.
    covariance_type: str = "full"
    reg_covar: float = 0.0
    fixed: frozenset = frozenset()
    # The responsibilities of each E-step, when the run was not the engine's (a student's,
    # :meth:`from_steps`): recomputing them would show the engine's E-step, not theirs.
    kept_responsibilities: tuple = ()

    @classmethod
    def from_steps(cls, X, initial, params, responsibilities, log_likelihoods):
        """The history of a run made elsewhere (a student's own E- and M-step).

        Parameters
        ----------
        X : array-like (N, D)
            The data of the run.
        initial : GMMParams
            The start.
        params : sequence of GMMParams
            The parameters each M-step made, one per iteration.
        responsibilities : sequence of array-like (N, K)
            What each E-step gave, one per iteration; kept, and shown as they are.
        log_likelihoods : sequence of float
            The total log-likelihood of the start and of each M-step's parameters
            (one more than ``params``).

        Returns
        -------
        EMHistory
            ``converged`` is False; the M-steps' statistics are computed from ``X`` and the
            responsibilities around the new means.
        """
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        params, log_likelihoods = list(params), [float(v) for v in log_likelihoods]
        responsibilities = [np.array(r, dtype=float) for r in responsibilities]
        if not len(params) == len(responsibilities) == len(log_likelihoods) - 1:
            raise ParameterError(
                "Give one set of parameters and one table of responsibilities per iteration, "
                "and one log-likelihood more (the start's); got "
                f"{len(params)}, {len(responsibilities)} and {len(log_likelihoods)}."
            )
        n = X.shape[0]
        history = cls(
            initial=initial,
            initial_log_likelihood=log_likelihoods[0],
            covariance_type=initial.covariance_type,
            kept_responsibilities=tuple(responsibilities),
        )
        entering = initial
        for it, (new, resp) in enumerate(zip(params, responsibilities, strict=True), start=1):
            ll_in, ll_out = log_likelihoods[it - 1], log_likelihoods[it]
            history.e_steps.append(EStepRecord(it, entering, ll_in, ll_in / n))
            nk = resp.sum(axis=0)
            diff = X[None, :, :] - new.means[:, None, :]
            scatter = np.einsum("nk,kni,knj->kij", resp, diff, diff)
            stats = SufficientStatistics(nk, resp.T @ X, scatter, n)
            history.m_steps.append(MStepRecord(it, new, stats, ll_out, ll_out / n))
            entering = new
        return history

    @property
    def n_iter(self):
        return len(self.m_steps)

    @property
    def n_steps(self):
        """Number of half-steps, counting the start: 1 + 2 x iterations."""
        return 1 + 2 * len(self.m_steps)

    def phase(self, step):
        """ "init", "E" or "M" for half-step ``step``."""
        step = self.resolve_step(step)
        return "init" if step == 0 else ("E" if step % 2 == 1 else "M")

    def iteration(self, step):
        """The EM iteration a half-step belongs to (0 for the start)."""
        step = self.resolve_step(step)
        return (step + 1) // 2

    def params(self, step):
        """Parameters shown at half-step ``step``: the start, the parameters entering an
        E-step (it does not change them), or the parameters an M-step produced."""
        step = self.resolve_step(step)
        if step == 0:
            return self.initial
        record = self.e_steps if step % 2 == 1 else self.m_steps
        return record[(step - 1) // 2].params

    def log_likelihood(self, step):
        """Total log-likelihood of the parameters shown at half-step ``step``."""
        step = self.resolve_step(step)
        if step == 0:
            return self.initial_log_likelihood
        record = self.e_steps if step % 2 == 1 else self.m_steps
        return record[(step - 1) // 2].log_likelihood

    def log_likelihoods(self):
        """Total log-likelihood at every half-step, an array of length ``n_steps``."""
        return np.array([self.log_likelihood(s) for s in range(self.n_steps)])

    def responsibilities(self, step, X):
        """Responsibilities (N, K) at half-step ``step``: those the E-step computed (an
        M-step shows the ones it used); None at the start, before any E-step. Recomputed
        from the E-step's parameters, or the kept ones of a history made
        :meth:`from_steps`."""
        step = self.resolve_step(step)
        if step == 0:
            return None
        if self.kept_responsibilities:
            return self.kept_responsibilities[(step - 1) // 2].copy()
        return e_step(X, self.e_steps[(step - 1) // 2].params)[0]

    def stats(self, step):
        """Sufficient statistics of the M-step at ``step`` (None for other half-steps)."""
        step = self.resolve_step(step)
        if step == 0 or step % 2 == 1:
            return None
        return self.m_steps[step // 2 - 1].stats

    def lower_bound(self, step):
        """EM's lower bound L(q, theta) on the log-likelihood at half-step ``step`` >= 1.

        theta is the parameters shown at ``step`` and q the responsibilities of the latest
        E-step at or before it: L(q, theta) = sum_n sum_k q_nk log(alpha_k N(x_n | k) / q_nk),
        and log L(theta) = L(q, theta) + KL(q || p(z | x, theta)).

        * At an E-step q is the posterior of theta: KL = 0 and the bound touches the
          log-likelihood.
        * At an M-step theta has moved to maximise the bound for that q: the bound rises
          from log L(previous) and stays below log L(theta), the gap being the KL that the
          next E-step closes.

        No data are needed: the bound of an M-step is the E-step's log-likelihood plus the
        change of sum_k [N_k log alpha_k + sum_n q_nk log N(x_n | k)], which the M-step's
        sufficient statistics give (the entropy of q cancels).
        """
        step = self.resolve_step(step)
        if step == 0:
            raise ParameterError(
                "The bound needs responsibilities: there is none at the start (half-step 0); "
                "choose half-step 1 or later."
            )
        if step % 2 == 1:
            return float(self.log_likelihood(step))
        stats = self.stats(step)
        before, after = self.params(step - 1), self.params(step)
        return float(
            self.log_likelihood(step - 1)
            + _expected_complete_log_likelihood(after, stats, after.means)
            - _expected_complete_log_likelihood(before, stats, after.means)
        )

    def lower_bounds(self):
        """The bound at every half-step from 1 on (NaN at the start, where it is undefined)."""
        return np.array([np.nan] + [self.lower_bound(s) for s in range(1, self.n_steps)])

    def notes(self, step=None):
        """Notes on degenerate components as sentences: all of them (each after its
        iteration), or those of one half-step."""
        if step is None:
            out = [str(note) for note in self.init_notes]
            for m in self.m_steps:
                out.extend(f"Iteration {m.iteration}: {note}" for note in m.notes)
            return out
        return [str(note) for note in self.note_records(step)]

    def note_records(self, step):
        """The notes of one half-step as :class:`~gmm_viz.em.notes.Note` records."""
        step = self.resolve_step(step)
        if step == 0:
            return list(self.init_notes)
        if step % 2 == 0:
            return list(self.m_steps[step // 2 - 1].notes)
        return []

    def resolve_step(self, step):
        """``step`` as an index from 0 to ``n_steps - 1``: the one rule for a half-step
        everywhere (the history, the pictures, the explorer). A whole number; negative
        steps count from the end, as in a list (-1 is the last).

        Raises
        ------
        ParameterError
            For anything else, with the range to choose from.
        """
        if isinstance(step, (bool, np.bool_)) or not isinstance(step, (int, np.integer)):
            raise ParameterError(f"A half-step is a whole number; got {step!r}.")
        step = int(step)
        if not -self.n_steps <= step < self.n_steps:
            raise ParameterError(
                f"Half-step {step} does not exist; choose one from 0 to {self.n_steps - 1} "
                "(or count from the end: -1 is the last)."
            )
        return step % self.n_steps


def _expected_complete_log_likelihood(params, stats, centres):
    """Q(theta) = sum_k [N_k log alpha_k + sum_n q_nk log N(x_n | mu_k, Sigma_k)] for the
    responsibilities summarised by ``stats``: N_k, sum_n q_nk x_n, and the scatter
    sum_n q_nk (x_n - c_k)(x_n - c_k)^T around ``centres`` c_k (the M-step's means)."""
    nk = stats.resp_sums
    k, d = params.means.shape
    full = params.full_covariances()
    _, log_det = np.linalg.slogdet(full)
    total = 0.0
    for j in range(k):
        if nk[j] <= 0:
            continue
        # The scatter around mu_j from the one around c_j:
        # S(mu) = S(c) + (c - mu) a^T + a (c - mu)^T + N (c - mu)(c - mu)^T, a = sum q (x - c).
        delta = centres[j] - params.means[j]
        resid = stats.weighted_sums[j] - nk[j] * centres[j]
        scatter = (
            stats.weighted_scatter[j]
            + np.outer(delta, resid)
            + np.outer(resid, delta)
            + nk[j] * np.outer(delta, delta)
        )
        with np.errstate(divide="ignore"):
            log_w = np.log(params.weights[j])
        total += (
            nk[j] * log_w
            - 0.5 * nk[j] * (d * np.log(2.0 * np.pi) + log_det[j])
            - 0.5 * float(np.trace(np.linalg.solve(full[j], scatter)))
        )
    return total

"""Worked solutions of EM: the numbers a student writes by hand, as data and as text.

:func:`solve` runs :class:`~gmm_viz.em.GaussianMixtureEM` for a few iterations and collects,
per iteration, everything a hand-worked solution shows:

* the **E-step table**: for each point x_n the normal density N(x_n | k) under each
  component (the true density, with its 1/sqrt(2 pi sigma_k^2) factor), the weighted
  densities w_k N(x_n | k), their sum p(x_n), and the responsibilities
  beta_nk = w_k N(x_n | k) / p(x_n);
* the **M-step numbers**: N_k = sum_n beta_nk, the weighted sums sum_n beta_nk x_n, the new
  mean (weighted sum / N_k), the new variance or covariance (weighted scatter / N_k, plus
  ``reg_covar``) and the new weight N_k / N;
* the **log-likelihood** of the parameters entering the E-step, and of the final parameters.

Every number is read from the EM history or computed by :mod:`gmm_viz.em`; this module only
arranges and formats them. The formatters :func:`to_text`, :func:`to_markdown` and
:func:`to_json` serve the command line (``gmm-viz solve``); :func:`e_step_html`,
:func:`m_step_html` and :func:`step_html` give the "show your work" panel of the notebook
widget one point's E-step or one component's M-step as HTML with LaTeX (``$...$``) for
MathJax.

Notation follows the hand-worked example of the course notes: alpha_k (text) or w_k
(LaTeX) is a weight, mu_k a mean, sigma_k^2 a variance (Sigma_k a covariance matrix) and
beta_nk the responsibility of component k for point n.
"""

from __future__ import annotations

import html
import json
import textwrap
import warnings
from dataclasses import dataclass

import numpy as np

from gmm_viz import em
from gmm_viz.errors import ConvergenceWarning, ParameterError

__all__ = [
    "EStepWork",
    "MStepWork",
    "WorkedIteration",
    "WorkedSolution",
    "e_step_html",
    "m_step_html",
    "solve",
    "step_html",
    "to_dict",
    "to_json",
    "to_markdown",
    "to_text",
]

# With at most this many points the M-step shows every term of its sums; above it, the sums.
MAX_TERMS = 10


# --------------------------------------------------------------------------------------
# The worked solution as data
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EStepWork:
    """One E-step, worked.

    Attributes
    ----------
    params : GMMParams
        The parameters entering the E-step.
    densities : ndarray (N, K)
        N(x_n | mu_k, Sigma_k), the normal density (unweighted, with its normalising factor).
    weighted_densities : ndarray (N, K)
        w_k N(x_n | mu_k, Sigma_k).
    totals : ndarray (N,)
        p(x_n) = sum_k w_k N(x_n | mu_k, Sigma_k).
    responsibilities : ndarray (N, K)
        beta_nk = w_k N(x_n | k) / p(x_n), as :func:`gmm_viz.em.e_step` computes them.
    log_likelihood : float
        sum_n log p(x_n) of ``params``.
    """

    params: em.GMMParams
    densities: np.ndarray
    weighted_densities: np.ndarray
    totals: np.ndarray
    responsibilities: np.ndarray
    log_likelihood: float


@dataclass(frozen=True, eq=False)
class MStepWork:
    """One M-step, worked.

    Attributes
    ----------
    params : GMMParams
        The new parameters.
    resp_sums : ndarray (K,)
        N_k = sum_n beta_nk.
    weighted_sums : ndarray (K, D)
        sum_n beta_nk x_n.
    weighted_scatter : ndarray (K, D, D)
        S_k = sum_n beta_nk (x_n - mu_k)(x_n - mu_k)^T around the new mean.
    n_samples : int
    reg_covar : float
    fixed : frozenset of str
        Parameters held at their previous values.
    notes : tuple of str
        Sentences about components that emptied or collapsed.
    log_likelihood : float
        Log-likelihood of the new parameters.
    """

    params: em.GMMParams
    resp_sums: np.ndarray
    weighted_sums: np.ndarray
    weighted_scatter: np.ndarray
    n_samples: int
    reg_covar: float
    fixed: frozenset
    notes: tuple
    log_likelihood: float


@dataclass(frozen=True, eq=False)
class WorkedIteration:
    """One EM iteration: its E-step and its M-step.

    ``log_likelihood`` is that of the parameters entering the E-step.
    """

    iteration: int
    e_step: EStepWork
    m_step: MStepWork

    @property
    def log_likelihood(self):
        return self.e_step.log_likelihood


@dataclass(frozen=True, eq=False)
class WorkedSolution:
    """A worked EM run: see :func:`solve`.

    Attributes
    ----------
    X : ndarray (N, D)
    columns : tuple of str
        Column names, for the tables.
    covariance_type : str
    reg_covar : float
    fixed : frozenset of str
    initial : GMMParams
        The start.
    initial_log_likelihood : float
    iterations : tuple of WorkedIteration
    final : GMMParams
        The parameters after the last iteration (the start when there are none).
    final_log_likelihood : float
    history : EMHistory
        The engine's record of the run.
    notes : tuple of str
        Notes about the start and about degenerate components.
    """

    X: np.ndarray
    columns: tuple
    covariance_type: str
    reg_covar: float
    fixed: frozenset
    initial: em.GMMParams
    initial_log_likelihood: float
    iterations: tuple
    final: em.GMMParams
    final_log_likelihood: float
    history: em.EMHistory
    notes: tuple = ()

    @property
    def n_samples(self):
        return self.X.shape[0]

    @property
    def n_features(self):
        return self.X.shape[1]

    @property
    def n_components(self):
        return self.initial.n_components


def solve(
    X,
    n_components,
    *,
    covariance_type="full",
    reg_covar=0.0,
    iterations=1,
    init="kmeans",
    seed=0,
    weights=None,
    means=None,
    covariances=None,
    fixed=(),
    columns=None,
    tol=0.0,
):
    """Run EM for ``iterations`` iterations and work out every step.

    Parameters
    ----------
    X : array-like (N, D) or (N,)
    n_components : int
        K.
    covariance_type : {"full", "diag", "spherical", "tied"}
    reg_covar : float
        Added to the covariance diagonals after each M-step. The default 0 is exact EM, as
        done by hand.
    iterations : int
        Number of EM iterations (E-step then M-step); 0 shows only the start.
    init : {"kmeans", "k-means++", "random_from_data", "random"}
        How to start the parameters that are not given.
    seed : int or None
        Random seed of the initialisation.
    weights, means, covariances : array-like, optional
        Explicit start: weights (K,), means (K, D) or (K,) in 1-D, covariances shaped by
        ``covariance_type`` (K variances work in 1-D).
    fixed : iterable of {"weights", "means", "covariances"}
        Parameters held at their starting values.
    columns : sequence of str, optional
        Column names for the tables (default ``x`` or ``x1``, ``x2``, ...).
    tol : float
        0 (the default) runs exactly ``iterations`` iterations; above 0, EM stops earlier
        once the mean log-likelihood changes by less than ``tol``.

    Returns
    -------
    WorkedSolution

    Raises
    ------
    DataError, ParameterError
        With one sentence, for data or options the engine cannot use.
    """
    with warnings.catch_warnings():
        # Stopping at the iteration limit is the point here; history.converged says it.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = em.GaussianMixtureEM(
            n_components,
            covariance_type=covariance_type,
            tol=tol,
            reg_covar=reg_covar,
            max_iter=iterations,
            init_params=init,
            weights_init=weights,
            means_init=means,
            covariances_init=covariances,
            fixed=fixed,
            random_state=seed,
        ).fit(X)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    d = X.shape[1]
    if columns is None:
        columns = ("x",) if d == 1 else tuple(f"x{j + 1}" for j in range(d))
    columns = tuple(str(c) for c in columns)
    if len(columns) != d:
        raise ParameterError(f"Got {len(columns)} column names for {d} columns of data.")
    fixed = frozenset((fixed,) if isinstance(fixed, str) else fixed)
    h = model.history_
    worked = []
    for i, (e_rec, m_rec) in enumerate(zip(h.e_steps, h.m_steps, strict=True), start=1):
        worked.append(
            WorkedIteration(
                iteration=i,
                e_step=_e_step_work(
                    X, e_rec.params, h.responsibilities(2 * i - 1, X), e_rec.log_likelihood
                ),
                m_step=MStepWork(
                    params=m_rec.params,
                    resp_sums=m_rec.stats.resp_sums,
                    weighted_sums=m_rec.stats.weighted_sums,
                    weighted_scatter=m_rec.stats.weighted_scatter,
                    n_samples=m_rec.stats.n_samples,
                    reg_covar=float(reg_covar),
                    fixed=fixed,
                    notes=tuple(m_rec.notes),
                    log_likelihood=float(m_rec.log_likelihood),
                ),
            )
        )
    last = h.n_steps - 1
    return WorkedSolution(
        X=X,
        columns=columns,
        covariance_type=covariance_type,
        reg_covar=float(reg_covar),
        fixed=fixed,
        initial=h.initial,
        initial_log_likelihood=float(h.initial_log_likelihood),
        iterations=tuple(worked),
        final=h.params(last),
        final_log_likelihood=float(h.log_likelihood(last)),
        history=h,
        notes=tuple(h.notes()),
    )


def _e_step_work(X, params, responsibilities=None, log_likelihood=None):
    """The E-step table; the responsibilities and log-likelihood come from :func:`em.e_step`
    unless the history already gave them."""
    densities = em.component_densities(X, params)
    if responsibilities is None or log_likelihood is None:
        responsibilities, log_likelihood = em.e_step(X, params)
    weighted = densities * params.weights[None, :]
    return EStepWork(
        params=params,
        densities=densities,
        weighted_densities=weighted,
        totals=weighted.sum(axis=1),
        responsibilities=responsibilities,
        log_likelihood=float(log_likelihood),
    )


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------


def to_dict(solution):
    """The solution as plain lists and floats (the structure :func:`to_json` writes).

    ``{"iterations": [{"log_likelihood", "e_step": {"densities", "weighted_densities",
    "totals", "responsibilities"}, "m_step": {"weights", "means", "covariances",
    "resp_sums", "weighted_sums", "weighted_scatter", "log_likelihood_after", "notes"}}],
    "final": {"weights", "means", "covariances", "log_likelihood"}}``; covariances are
    always K x D x D, whatever the covariance type.
    """
    iterations = []
    for it in solution.iterations:
        e, m = it.e_step, it.m_step
        iterations.append(
            {
                "log_likelihood": float(it.log_likelihood),
                "e_step": {
                    "densities": e.densities.tolist(),
                    "weighted_densities": e.weighted_densities.tolist(),
                    "totals": e.totals.tolist(),
                    "responsibilities": e.responsibilities.tolist(),
                },
                "m_step": {
                    "weights": m.params.weights.tolist(),
                    "means": m.params.means.tolist(),
                    "covariances": m.params.full_covariances().tolist(),
                    "resp_sums": m.resp_sums.tolist(),
                    "weighted_sums": m.weighted_sums.tolist(),
                    "weighted_scatter": m.weighted_scatter.tolist(),
                    "log_likelihood_after": float(m.log_likelihood),
                    "notes": list(m.notes),
                },
            }
        )
    final = solution.final
    return {
        "iterations": iterations,
        "final": {
            "weights": final.weights.tolist(),
            "means": final.means.tolist(),
            "covariances": final.full_covariances().tolist(),
            "log_likelihood": float(solution.final_log_likelihood),
        },
    }


def to_json(solution):
    """The solution as JSON text; see :func:`to_dict` for the structure.

    Floats are written with all their digits (``repr``), so they read back exactly. Objects
    are indented; a list of numbers stays on one line, and a table (list of lists) has one
    row per line.
    """
    return _dump(to_dict(solution), 0) + "\n"


def _dump(value, level):
    pad = "  " * (level + 1)
    end = "  " * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(key)}: {_dump(v, level + 1)}" for key, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(v, (list, dict)) for v in value):
            return "[" + ", ".join(json.dumps(v) for v in value) + "]"
        if all(isinstance(v, list) for v in value) and all(
            not isinstance(x, (list, dict)) for v in value for x in v
        ):
            rows = [pad + _dump(v, level + 1) for v in value]
            return "[\n" + ",\n".join(rows) + "\n" + end + "]"
        items = [pad + _dump(v, level + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return json.dumps(value)


# --------------------------------------------------------------------------------------
# Number styles: plain text and LaTeX
# --------------------------------------------------------------------------------------


def _check_digits(digits):
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 1:
        raise ParameterError(f"digits must be a whole number of at least 1; got {digits!r}.")
    return min(int(digits), 17)


class _Style:
    """How numbers and formulas are written: plain text (seed notation) or LaTeX."""

    def __init__(self, digits, latex=False, vector=False):
        self.digits = _check_digits(digits)
        # In D > 1 LaTeX writes means and points as bold vectors.
        self.vector = vector
        # Terms inside a sum are written shorter, as by hand (0.574*0.9 + ...).
        self.term_digits = min(self.digits, max(3, self.digits - 2))
        self.latex = latex

    # -- numbers --------------------------------------------------------------------

    def num(self, v, digits=None):
        d = self.digits if digits is None else digits
        s = f"{float(v):.{d}g}"
        if s in ("-0", "-0.0"):
            s = "0"
        if self.latex and "e" in s:
            mantissa, exponent = s.split("e")
            power = f"10^{{{int(exponent)}}}"
            s = power if mantissa == "1" else rf"{mantissa} \times {power}"
        return s

    def term(self, v):
        return self.num(v, self.term_digits)

    def vec(self, v, digits=None):
        v = np.asarray(v, dtype=float).reshape(-1)
        if v.size == 1:
            return self.num(v[0], digits)
        cells = [self.num(x, digits) for x in v]
        if self.latex:
            return r"\begin{pmatrix}" + r" \\ ".join(cells) + r"\end{pmatrix}"
        return "[" + ", ".join(cells) + "]"

    def mat(self, m, digits=None):
        m = np.asarray(m, dtype=float)
        if m.size == 1:
            return self.num(m.reshape(-1)[0], digits)
        if self.latex:
            rows = [" & ".join(self.num(x, digits) for x in row) for row in m]
            return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"
        return "[" + ", ".join(self.vec(row, digits) for row in m) + "]"

    @staticmethod
    def neg(s):
        """Parenthesise a negative number written after a sign or a product."""
        return f"({s})" if s.startswith("-") else s

    # -- operators ------------------------------------------------------------------

    def frac(self, top, bottom):
        if self.latex:
            return rf"\frac{{{top}}}{{{bottom}}}"
        bracketed = top.startswith("[") and top.endswith("]")
        if " " in top and not bracketed and not (top.startswith("(") and top.endswith(")")):
            top = f"({top})"
        return f"{top} / {bottom}"

    def mul(self, a, b):
        return rf"{a} \cdot {self.neg(b)}" if self.latex else f"{a}*{self.neg(b)}"

    def plus(self, items):
        return " + ".join(self.neg(s) if i else s for i, s in enumerate(items))

    # -- symbols --------------------------------------------------------------------

    def sub(self, name, index):
        return f"{name}_{{{index}}}" if self.latex else f"{name}_{index}"

    def weight(self, k):
        return self.sub("w", k) if self.latex else self.sub("alpha", k)

    def mean(self, k):
        if self.latex:
            return self.sub(r"\boldsymbol{\mu}" if self.vector else r"\mu", k)
        return self.sub("mu", k)

    def var(self, k):
        return self.sub(r"\sigma", k) + "^2" if self.latex else self.sub("sigma", k) + "^2"

    def cov(self, k):
        return self.sub(r"\Sigma", k) if self.latex else self.sub("Sigma", k)

    def nk(self, k):
        return self.sub("N", k)

    def sum_n(self, body):
        return rf"\sum_{{n}} {body}" if self.latex else f"sum_n {body}"

    def beta(self, k):
        return rf"\beta_{{n{k}}}" if self.latex else f"beta_n{k}"

    def x(self):
        return r"\mathbf{x}_n" if self.latex and self.vector else "x_n"

    def outer(self, k):
        m = self.mean(k)
        x = self.x()
        if self.latex:
            return rf"({x} - {m})({x} - {m})^\top"
        return f"({x} - {m})({x} - {m})^T"


def _chain(*parts):
    return " = ".join(p for p in parts if p)


def _parts(*parts, suffix=""):
    """The non-empty parts of an equation chain lhs = ... = result, with a suffix on the last."""
    out = [p for p in parts if p]
    out[-1] += suffix
    return out


# --------------------------------------------------------------------------------------
# The M-step of one component, as equations
# --------------------------------------------------------------------------------------


def _m_step_equations(style, X, resp, k, work, max_terms=MAX_TERMS, tied=True):
    """Equations of the M-step for component ``k`` (0-based), each a one-line string.

    ``resp`` is the N x K responsibilities (for the terms of small sums) or None; ``work``
    an :class:`MStepWork`. ``tied=False`` leaves out the shared covariance of a tied model
    (the text writes it once for all components).
    """
    params = work.params
    n, d = X.shape
    c = k + 1
    nk = work.resp_sums[k]
    show_terms = resp is not None and n <= max_terms
    out = []

    # N_k
    if show_terms:
        terms = style.plus([style.term(r) for r in resp[:, k]])
    else:
        terms = ""
    out.append(_parts(style.nk(c), style.sum_n(style.beta(c)), terms, style.num(nk)))

    # weight
    if "weights" in work.fixed:
        out.append(_parts(style.weight(c), style.num(params.weights[k]), suffix=_held(style)))
    else:
        out.append(
            _parts(
                style.weight(c),
                style.frac(style.nk(c), "N"),
                style.frac(style.num(nk), str(work.n_samples)),
                style.num(params.weights[k]),
            )
        )

    # mean
    if "means" in work.fixed:
        out.append(_parts(style.mean(c), style.vec(params.means[k]), suffix=_held(style)))
    else:
        if show_terms:
            terms = style.plus(
                [style.mul(style.term(resp[i, k]), style.vec(X[i])) for i in range(n)]
            )
            terms = style.frac(terms, style.num(nk))
        else:
            terms = ""
        out.append(
            _parts(
                style.mean(c),
                style.frac(style.sum_n(f"{style.beta(c)} {style.x()}"), style.nk(c)),
                terms,
                style.frac(style.vec(work.weighted_sums[k]), style.num(nk)),
                style.vec(params.means[k]),
            )
        )

    # variance / covariance
    cov_type = params.covariance_type
    if cov_type == "tied":
        if tied:
            out.append(_tied_equation(style, work))
        return out
    full = params.full_covariances()[k]
    if "covariances" in work.fixed:
        if d == 1:
            out.append(_parts(style.var(c), style.num(full[0, 0]), suffix=_held(style)))
        else:
            out.append(_parts(style.cov(c), style.mat(full), suffix=_held(style)))
        return out
    scatter = work.weighted_scatter[k]
    reg = _reg(style, work.reg_covar)
    if d == 1:
        if show_terms:
            mu = style.term(params.means[k, 0])
            terms = style.plus(
                [
                    style.mul(
                        style.term(resp[i, k]), f"({style.term(X[i, 0])} - {style.neg(mu)})^2"
                    )
                    for i in range(n)
                ]
            )
            terms = style.frac(terms, style.num(nk)) + reg
        else:
            terms = ""
        formula = style.sum_n(f"{style.beta(c)} ({style.x()} - {style.mean(c)})^2")
        out.append(
            _parts(
                style.var(c),
                style.frac(formula, style.nk(c)) + _reg_symbol(style, work.reg_covar),
                terms,
                style.frac(style.num(scatter[0, 0]), style.num(nk)) + reg,
                style.num(full[0, 0]),
            )
        )
        return out
    formula = style.sum_n(f"{style.beta(c)} {style.outer(c)}")
    s_sym = style.sub("S", c)
    if cov_type == "full":
        out.append(
            _parts(
                style.cov(c),
                style.frac(formula, style.nk(c)) + _reg_symbol(style, work.reg_covar, True),
                style.frac(style.mat(scatter), style.num(nk)) + reg,
                style.mat(full),
            )
        )
    else:
        # diag and spherical: first the scatter matrix, then the part of it they keep.
        out.append(_parts(s_sym, formula, style.mat(scatter)))
        if cov_type == "diag":
            if style.latex:
                lhs = rf"\operatorname{{diag}}({style.cov(c)})"
                rhs = rf"\operatorname{{diag}}({s_sym})"
            else:
                lhs, rhs = f"diag(Sigma_{c})", f"diag(S_{c})"
            out.append(
                _parts(
                    lhs,
                    style.frac(rhs, style.nk(c)) + _reg_symbol(style, work.reg_covar),
                    style.frac(style.vec(np.diagonal(scatter)), style.num(nk)) + reg,
                    style.vec(np.diagonal(full)),
                )
            )
        else:  # spherical: the mean of the diagonal
            trace = style.plus([style.num(v) for v in np.diagonal(scatter)])
            if style.latex:
                tr_sym = rf"\operatorname{{tr}}({s_sym})"
                den, den_num = rf"{d} \cdot {style.nk(c)}", rf"{d} \cdot {style.num(nk)}"
            else:
                tr_sym, trace = f"trace(S_{c})", f"({trace})"
                den, den_num = f"({d}*{style.nk(c)})", f"({d}*{style.num(nk)})"
            out.append(
                _parts(
                    style.var(c),
                    style.frac(tr_sym, den) + _reg_symbol(style, work.reg_covar),
                    style.frac(trace, den_num) + reg,
                    style.num(full[0, 0]),
                )
            )
    return out


def _tied_equation(style, work):
    """The shared covariance of a tied model: sum of all scatters over N."""
    params = work.params
    d = params.n_features
    k_count = params.n_components
    shared = params.full_covariances()[0]
    reg = _reg(style, work.reg_covar)
    scatters = [style.num(s[0, 0]) if d == 1 else style.mat(s) for s in work.weighted_scatter]
    x, mu = style.x(), style.mean("k")
    body = (
        f"{style.beta('k')} ({x} - {mu})^2" if d == 1 else f"{style.beta('k')} {style.outer('k')}"
    )
    if style.latex:
        sum_k = rf"\sum_{{k}} \sum_{{n}} {body}"
        sym = r"\sigma^2" if d == 1 else r"\Sigma"
        label = r"\text{(shared)}\quad "
    else:
        sum_k = f"sum_k sum_n {body}"
        sym = "sigma^2" if d == 1 else "Sigma"
        label = ""
    value = style.num(shared[0, 0]) if d == 1 else style.mat(shared)
    plugged = style.plus(scatters)
    if k_count > 1 and not style.latex:
        plugged = f"({plugged})"
    return _parts(
        label + sym,
        style.frac(sum_k, "N") + _reg_symbol(style, work.reg_covar, d > 1),
        style.frac(plugged, str(work.n_samples)) + reg,
        value,
    )


def _held(style):
    return r"\quad\text{(held fixed)}" if style.latex else " (held fixed)"


def _reg(style, reg_covar):
    if not reg_covar:
        return ""
    return f" + {style.num(reg_covar)}"


def _reg_symbol(style, reg_covar, matrix=False):
    if not reg_covar:
        return ""
    if style.latex:
        return r" + \varepsilon I" if matrix else r" + \varepsilon"
    return " + reg_covar*I" if matrix else " + reg_covar"


# --------------------------------------------------------------------------------------
# Plain text and Markdown
# --------------------------------------------------------------------------------------


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _intro(solution, style):
    n, d, k = solution.n_samples, solution.n_features, solution.n_components
    cols = ", ".join(solution.columns)
    lines = [
        f"Worked EM for a mixture of {_plural(k, 'Gaussian')}: {_plural(n, 'point')}, "
        f"{_plural(d, 'column')} ({cols}), covariance type {solution.covariance_type}, "
        f"reg_covar {style.num(solution.reg_covar)}, "
        f"{_plural(len(solution.iterations), 'iteration')}.",
    ]
    if solution.fixed:
        names = ", ".join(sorted(solution.fixed))
        lines.append(f"Held fixed at their starting values: {names}.")
    if d == 1:
        lines.append(
            "Notation: alpha_k = weight, mu_k = mean, sigma_k^2 = variance of component k; "
            "N(x|k) = 1/sqrt(2 pi sigma_k^2) exp(-(x - mu_k)^2 / (2 sigma_k^2)) is the normal "
            "density of x under component k, with its 1/sqrt(2 pi sigma_k^2) factor (it "
            "cancels in beta only when all variances are equal); beta_k = alpha_k N(x|k) / "
            "sum_j alpha_j N(x|j) is the responsibility of component k for x."
        )
    else:
        lines.append(
            "Notation: alpha_k = weight, mu_k = mean vector, Sigma_k = covariance matrix of "
            "component k; N(x|k) is the normal density of x under component k (with its "
            "normalising factor); beta_k = alpha_k N(x|k) / sum_j alpha_j N(x|j) is the "
            "responsibility of component k for x."
        )
    return lines


def _param_rows(params, style):
    """Header and rows of a parameter table (one row per component)."""
    d = params.n_features
    header = ["component", "alpha_k", "mu_k"]
    header.append("sigma_k^2" if d == 1 else "Sigma_k")
    full = params.full_covariances()
    rows = []
    for k in range(params.n_components):
        cov = style.num(full[k, 0, 0]) if d == 1 else style.mat(full[k])
        rows.append([str(k + 1), style.num(params.weights[k]), style.vec(params.means[k]), cov])
    return header, rows


def _e_table(solution, work, style):
    """Header and rows of an E-step table (one row per point)."""
    k_count = solution.n_components
    ks = range(1, k_count + 1)
    header = ["n", *solution.columns]
    header += [f"N(x|{k})" for k in ks]
    header += [f"alpha_{k} N(x|{k})" for k in ks]
    header += ["sum"]
    header += [f"beta_{k}" for k in ks]
    rows = []
    for i, x in enumerate(solution.X):
        row = [str(i + 1), *(style.num(v) for v in x)]
        row += [style.num(v) for v in work.densities[i]]
        row += [style.num(v) for v in work.weighted_densities[i]]
        row += [style.num(work.totals[i])]
        row += [style.num(v) for v in work.responsibilities[i]]
        rows.append(row)
    return header, rows


def _m_lines(solution, it, style, max_terms):
    """The M-step as (component heading, equations) pairs, plus the shared covariance."""
    work = it.m_step
    resp = it.e_step.responsibilities
    blocks = []
    for k in range(solution.n_components):
        eqs = _m_step_equations(style, solution.X, resp, k, work, max_terms, tied=False)
        blocks.append((f"Component {k + 1}", eqs))
    if solution.covariance_type == "tied" and "covariances" not in work.fixed:
        blocks.append(("All components (shared covariance)", [_tied_equation(style, work)]))
    elif solution.covariance_type == "tied":
        shared = work.params.full_covariances()[0]
        value = style.num(shared[0, 0]) if solution.n_features == 1 else style.mat(shared)
        sym = "sigma^2" if solution.n_features == 1 else "Sigma"
        blocks.append(("All components (shared covariance)", [[f"{sym} = {value} (held fixed)"]]))
    return blocks


def _equation_lines(parts, indent, width=99):
    """An equation chain on one line or, when too long, one '= ...' per line (a long sum
    continues on the next lines, broken before a '+')."""
    line = indent + " = ".join(parts)
    if len(line) <= width or len(parts) <= 2:
        return [line]
    pad = indent + " " * len(parts[0]) + " = "
    out = [f"{indent}{parts[0]} = {parts[1]}"]
    for part in parts[2:]:
        current = pad
        for i, term in enumerate(part.split(" + ")):
            piece = term if i == 0 else " + " + term
            if i and len(current) + len(piece) > width:
                out.append(current)
                current = " " * len(pad) + "+ " + term
            else:
                current += piece
        out.append(current)
    return out


def _m_step_text(solution, it, style, max_terms):
    out = []
    for heading, eqs in _m_lines(solution, it, style, max_terms):
        out.append(f"  {heading}:")
        for eq in eqs:
            out += _equation_lines(eq, "    ")
    out += [f"  Note: {note}" for note in it.m_step.notes]
    return out


def _align(header, rows, indent="  "):
    table = [header, *rows]
    widths = [max(len(r[j]) for r in table) for j in range(len(header))]
    return [
        indent + "  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in table
    ]


def _wrap(lines, width=99):
    return [wrapped for line in lines for wrapped in textwrap.wrap(line, width)]


def to_text(solution, digits=6, max_terms=MAX_TERMS, preamble=None):
    """The solution written out as by hand, in plain text.

    Parameters
    ----------
    solution : WorkedSolution
    digits : int
        Significant digits of the results (the terms of a sum get two fewer, at least 3).
    max_terms : int
        With at most this many points the M-step writes every term of its sums.
    preamble : str, optional
        A paragraph written first (e.g. where the data and the start come from).

    Returns
    -------
    str
    """
    style = _Style(digits)
    out = _wrap(([preamble] if preamble else []) + _intro(solution, style))
    out += ["", "Start"]
    out += _align(*_param_rows(solution.initial, style))
    out.append(f"  log-likelihood = {style.num(solution.initial_log_likelihood)}")
    out += [f"  Note: {note}" for note in solution.history.init_notes]
    for it in solution.iterations:
        out += ["", f"Iteration {it.iteration}", "E-step"]
        out += _align(*_e_table(solution, it.e_step, style))
        out.append("M-step")
        out += _m_step_text(solution, it, style, max_terms)
        out.append(
            f"Log-likelihood: {style.num(it.log_likelihood)} for the parameters entering "
            f"this E-step, {style.num(it.m_step.log_likelihood)} after this M-step."
        )
    n_it = len(solution.iterations)
    out += ["", f"Final parameters (after {_plural(n_it, 'iteration')})"]
    out += _align(*_param_rows(solution.final, style))
    out.append(f"  log-likelihood = {style.num(solution.final_log_likelihood)}")
    return "\n".join(out) + "\n"


def e_step_text(solution, iteration=1, digits=6):
    """One iteration's E-step table as plain text (a lesson can show it on its own)."""
    it = _iteration(solution, iteration)
    return "\n".join(_align(*_e_table(solution, it.e_step, _Style(digits)))) + "\n"


def m_step_text(solution, iteration=1, digits=6, max_terms=MAX_TERMS):
    """One iteration's M-step, the numbers plugged into the formulas, as plain text."""
    it = _iteration(solution, iteration)
    return "\n".join(_m_step_text(solution, it, _Style(digits), max_terms)) + "\n"


def params_text(params, digits=6):
    """A parameter table (one row per component) as plain text."""
    return "\n".join(_align(*_param_rows(params, _Style(digits)))) + "\n"


def _iteration(solution, iteration):
    count = len(solution.iterations)
    if not 1 <= int(iteration) <= count:
        has = _plural(count, "iteration")
        raise ParameterError(f"Iteration {iteration} does not exist; this solution has {has}.")
    return solution.iterations[int(iteration) - 1]


def _md_escape(cell):
    return cell.replace("|", r"\|")


def _md_table(header, rows):
    out = ["| " + " | ".join(_md_escape(h) for h in header) + " |"]
    out.append("|" + "|".join(" ---: " for _ in header) + "|")
    out += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in rows]
    return out


def to_markdown(solution, digits=6, max_terms=MAX_TERMS, preamble=None):
    """The solution written out as by hand, in Markdown (tables, formulas in code spans).

    Parameters are those of :func:`to_text`.
    """
    style = _Style(digits)
    out = ["# Worked EM", ""]
    out += [line + "\n" for line in ([preamble] if preamble else []) + _intro(solution, style)]
    out += ["## Start", ""]
    out += _md_table(*_param_rows(solution.initial, style))
    out += ["", f"Log-likelihood: `{style.num(solution.initial_log_likelihood)}`"]
    out += [f"\n> Note: {note}" for note in solution.history.init_notes]
    for it in solution.iterations:
        out += ["", f"## Iteration {it.iteration}", "", "### E-step", ""]
        out += _md_table(*_e_table(solution, it.e_step, style))
        out += ["", "### M-step", "", "```text"]
        out += _m_step_text(solution, it, style, max_terms)
        out += ["```", ""]
        out.append(
            f"Log-likelihood: `{style.num(it.log_likelihood)}` for the parameters entering "
            f"this E-step, `{style.num(it.m_step.log_likelihood)}` after this M-step."
        )
    n_it = len(solution.iterations)
    out += ["", f"## Final parameters (after {_plural(n_it, 'iteration')})", ""]
    out += _md_table(*_param_rows(solution.final, style))
    out += ["", f"Log-likelihood: `{style.num(solution.final_log_likelihood)}`"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------
# HTML with LaTeX, for the widget's "show your work" panel
# --------------------------------------------------------------------------------------


def _as_X(X):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    return X


def _as_params(params):
    if isinstance(params, dict):
        return em.make_params(**params)
    if not isinstance(params, em.GMMParams):
        raise ParameterError(
            "Parameters must be a GMMParams or a dict of weights, means and covariances."
        )
    return params


def _check_index(index, size, what):
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise ParameterError(f"The {what} index must be a whole number; got {index!r}.")
    if not 0 <= index < size:
        raise ParameterError(
            f"There is no {what} {index}; choose one from 0 to {size - 1} (0-based)."
        )
    return int(index)


def _math(latex, display=True):
    body = html.escape(latex, quote=False)
    return f"<p>$${body}$$</p>" if display else f"${body}$"


def e_step_html(X, params, point_index, *, digits=4):
    """One point's E-step as HTML with LaTeX: beta_k = w_k N(x | k) / sum_j w_j N(x | j).

    Parameters
    ----------
    X : array-like (N, D) or (N,)
        The data.
    params : GMMParams or dict
        The parameters entering the E-step (weights, means, covariances).
    point_index : int
        Which point (0-based; written as n = point_index + 1).
    digits : int
        Significant digits of the results.

    Returns
    -------
    str
        A ``<div class="gmm-worked gmm-worked-e-step">`` whose formulas are in ``$$...$$``
        for MathJax (ipywidgets' ``HTMLMath``, Jupyter, Voila). It shows the formula, the
        normal density of the point under each component (in 1-D with the numbers plugged
        into 1/sqrt(2 pi sigma^2) exp(...)), their weighted sum p(x_n), and each
        responsibility with its numbers.
    """
    params = _as_params(params)
    X = _as_X(X)
    i = _check_index(point_index, X.shape[0], "point")
    work = _e_step_work(X, params)
    style = _Style(digits, latex=True)
    n = i + 1
    d = X.shape[1]
    k_count = params.n_components
    full = params.full_covariances()
    x_sym = f"x_{{{n}}}" if d == 1 else rf"\mathbf{{x}}_{{{n}}}"
    x_val = style.vec(X[i])
    if d == 1:
        dens_sym = rf"\mathcal{{N}}({x_sym} \mid \mu_k, \sigma_k^2)"
        dens_sym_j = rf"\mathcal{{N}}({x_sym} \mid \mu_j, \sigma_j^2)"
    else:
        dens_sym = rf"\mathcal{{N}}({x_sym} \mid \boldsymbol{{\mu}}_k, \Sigma_k)"
        dens_sym_j = rf"\mathcal{{N}}({x_sym} \mid \boldsymbol{{\mu}}_j, \Sigma_j)"
    parts = [
        '<div class="gmm-worked gmm-worked-e-step">',
        f"<p><b>E-step for point {n}</b>: {_math(f'{x_sym} = {x_val}', display=False)}</p>",
        _math(
            rf"\beta_{{{n}k}} = \frac{{w_k\, {dens_sym}}}"
            rf"{{\sum_{{j=1}}^{{{k_count}}} w_j\, {dens_sym_j}}}"
        ),
        "<p>The normal density of the point under each component:</p>",
    ]
    for k in range(k_count):
        c = k + 1
        value = style.num(work.densities[i, k])
        if d == 1:
            mu = style.num(params.means[k, 0])
            var = style.num(full[k, 0, 0])
            xv = style.num(X[i, 0])
            eq = _chain(
                rf"\mathcal{{N}}({xv} \mid {mu}, {var})",
                rf"\frac{{1}}{{\sqrt{{2\pi \cdot {var}}}}}\, "
                rf"e^{{-({xv} - {style.neg(mu)})^2 / (2 \cdot {var})}}",
                value,
            )
        else:
            eq = _chain(
                rf"\mathcal{{N}}\left({x_val} \,\middle|\, {style.vec(params.means[k])}, "
                rf"{style.mat(full[k])}\right)",
                value,
            )
        parts.append(_math(rf"\text{{component {c}:}}\quad {eq}"))
    weighted_terms = [
        rf"{style.num(params.weights[k])} \cdot {style.num(work.densities[i, k])}"
        for k in range(k_count)
    ]
    parts.append("<p>The denominator, the mixture density of the point:</p>")
    parts.append(
        _math(
            _chain(
                rf"p({x_sym}) = \sum_j w_j\, {dens_sym_j}",
                " + ".join(weighted_terms),
                " + ".join(style.num(v) for v in work.weighted_densities[i]),
                style.num(work.totals[i]),
            )
        )
    )
    parts.append("<p>The responsibilities:</p>")
    total = style.num(work.totals[i])
    for k in range(k_count):
        c = k + 1
        parts.append(
            _math(
                _chain(
                    rf"\beta_{{{n}{c}}}",
                    rf"\frac{{{weighted_terms[k]}}}{{{total}}}",
                    rf"\frac{{{style.num(work.weighted_densities[i, k])}}}{{{total}}}",
                    style.num(work.responsibilities[i, k]),
                )
            )
        )
    parts.append("</div>")
    return "\n".join(parts)


def m_step_html(
    X,
    responsibilities,
    component_index,
    *,
    previous=None,
    covariance_type=None,
    reg_covar=0.0,
    fixed=(),
    digits=4,
    max_terms=MAX_TERMS,
):
    """One component's M-step as HTML with LaTeX: N_k, new weight, mean and (co)variance.

    The M-step is computed by :func:`gmm_viz.em.m_step`.

    Parameters
    ----------
    X : array-like (N, D) or (N,)
        The data.
    responsibilities : array-like (N, K)
        The responsibilities of the E-step before it (e.g. ``history.responsibilities(step,
        X)``).
    component_index : int
        Which component (0-based; written as k = component_index + 1).
    previous : GMMParams or dict, optional
        The parameters entering the iteration; needed when ``fixed`` is not empty, and its
        covariance type is the default of ``covariance_type``.
    covariance_type : str, optional
        Default ``previous.covariance_type``, else ``"full"``.
    reg_covar : float
        Added to the covariance diagonals.
    fixed : iterable of {"weights", "means", "covariances"}
        Parameters held at their values in ``previous``.
    digits : int
        Significant digits of the results (terms of sums get two fewer, at least 3).
    max_terms : int
        With at most this many points every term of the sums is written out.

    Returns
    -------
    str
        A ``<div class="gmm-worked gmm-worked-m-step">`` whose formulas are in ``$$...$$``.
    """
    X = _as_X(X)
    if previous is not None:
        previous = _as_params(previous)
    if covariance_type is None:
        covariance_type = previous.covariance_type if previous is not None else "full"
    new, stats, notes = em.m_step(X, responsibilities, covariance_type, reg_covar, fixed, previous)
    work = MStepWork(
        params=new,
        resp_sums=stats.resp_sums,
        weighted_sums=stats.weighted_sums,
        weighted_scatter=stats.weighted_scatter,
        n_samples=stats.n_samples,
        reg_covar=float(reg_covar),
        fixed=frozenset((fixed,) if isinstance(fixed, str) else fixed),
        notes=tuple(notes),
        log_likelihood=float("nan"),
    )
    resp = np.asarray(responsibilities, dtype=float)
    return _m_step_html(X, resp, component_index, work, digits, max_terms)


def _m_step_html(X, resp, component_index, work, digits, max_terms):
    k = _check_index(component_index, work.params.n_components, "component")
    style = _Style(digits, latex=True, vector=X.shape[1] > 1)
    parts = [
        '<div class="gmm-worked gmm-worked-m-step">',
        f"<p><b>M-step for component {k + 1}</b> ({_plural(X.shape[0], 'point')}):</p>",
    ]
    eqs = _m_step_equations(style, X, resp, k, work, max_terms)
    parts += [_math(_chain(*eq)) for eq in eqs]
    parts += [f"<p>Note: {html.escape(note)}</p>" for note in work.notes]
    parts.append("</div>")
    return "\n".join(parts)


def step_html(
    X,
    history,
    step,
    *,
    point_index=0,
    component_index=0,
    reg_covar=0.0,
    fixed=(),
    digits=4,
    max_terms=MAX_TERMS,
):
    """The "show your work" panel for half-step ``step`` of an :class:`~gmm_viz.em.EMHistory`.

    Parameters
    ----------
    X : array-like (N, D) or (N,)
        The data the history was fitted on.
    history : EMHistory
    step : int
        The half-step: 0 is the start, odd steps are E-steps, even steps M-steps.
    point_index : int
        At the start and at an E-step: the point to show (0-based). The panel is
        :func:`e_step_html` for the parameters entering the (next) E-step.
    component_index : int
        At an M-step: the component to show (0-based), with the statistics and new
        parameters the history recorded.
    reg_covar, fixed
        Those of the fit (the history does not record them), so that the M-step formulas
        show the regularisation and say which parameters were held fixed.
    digits, max_terms
        As in :func:`m_step_html`.

    Returns
    -------
    str
        HTML with LaTeX for MathJax (ipywidgets' ``HTMLMath``).
    """
    X = _as_X(X)
    phase = history.phase(step)
    if phase != "M":
        return e_step_html(X, history.params(step), point_index, digits=digits)
    stats = history.stats(step)
    record = history.m_steps[step // 2 - 1]
    work = MStepWork(
        params=history.params(step),
        resp_sums=stats.resp_sums,
        weighted_sums=stats.weighted_sums,
        weighted_scatter=stats.weighted_scatter,
        n_samples=stats.n_samples,
        reg_covar=float(reg_covar),
        fixed=frozenset((fixed,) if isinstance(fixed, str) else fixed),
        notes=tuple(record.notes),
        log_likelihood=float(record.log_likelihood),
    )
    resp = history.responsibilities(step, X)
    return _m_step_html(X, resp, component_index, work, digits, max_terms)

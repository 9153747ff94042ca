""" "Show your work": one point's E-step or one component's M-step as HTML with LaTeX
(``$...$`` for MathJax), for the explorer's panel.
"""

from __future__ import annotations

import html

import numpy as np

from gmm_viz import em
from gmm_viz.conventions import DECIMALS
from gmm_viz.errors import ParameterError
from gmm_viz.worked.handout import _plural
from gmm_viz.worked.notation import _m_step_equations, _Style
from gmm_viz.worked.solution import MAX_TERMS, MStepWork, _e_step_work


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


# A left-hand side of at most this many TeX characters is a symbol, not a formula.
_SYMBOL_CHARS = 24


def _math_chain(parts):
    """A chain lhs = ... = result as display-style pieces of inline math, one per "=": a
    narrow panel (a projector, a zoomed page) wraps it before an "=" rather than scrolling
    the result out of view (MathJax 3 does not break a display formula by itself)."""
    parts = [p for p in parts if p]
    if len(parts) > 1 and len(parts[0]) <= _SYMBOL_CHARS:
        # A symbol (mu_1, beta_41) stays with what follows: no line holds it alone.
        parts = [f"{parts[0]} = {parts[1]}", *parts[2:]]
    pieces = [parts[0], *(f"= {p}" for p in parts[1:])]
    body = " ".join(_math(rf"\displaystyle {p}", display=False) for p in pieces)
    return f'<p class="gmm-chain">{body}</p>'


def e_step_html(X, params, point_index, *, digits=None):
    """One point's E-step as HTML with LaTeX: beta_k = alpha_k N(x | k) / sum_j alpha_j N(x | j).

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
        A ``<div class="gmm-worked gmm-worked-e-step">`` whose formulas are for MathJax
        (ipywidgets' ``HTMLMath``, Jupyter, Voila): ``$$...$$``, and the chains with
        numbers in display-style ``$...$`` pieces, one per "=" (they wrap when narrow).
        It shows the formula, the normal density of the point under each component (in
        1-D with the numbers plugged into 1/sqrt(2 pi sigma^2) exp(...)), their weighted
        sum p(x_n), and each responsibility with its numbers.
    """
    params = _as_params(params)
    X = _as_X(X)
    i = _check_index(point_index, X.shape[0], "point")
    # One point's row only: its numbers do not depend on the other points.
    work = _e_step_work(X[i : i + 1], params)
    style = _panel_style(digits)
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
            rf"\beta_{{{n}k}} = \frac{{\alpha_k\, {dens_sym}}}"
            rf"{{\sum_{{j=1}}^{{{k_count}}} \alpha_j\, {dens_sym_j}}}"
        ),
        "<p>The normal density of the point under each component:</p>",
    ]
    for k in range(k_count):
        c = k + 1
        value = style.num(work.densities[0, k])
        if d == 1:
            mu = style.num(params.means[k, 0])
            var = style.num(full[k, 0, 0])
            xv = style.num(X[i, 0])
            eq = [
                rf"\mathcal{{N}}({xv} \mid {mu}, {var})",
                rf"\frac{{1}}{{\sqrt{{2\pi \cdot {var}}}}}\, "
                rf"e^{{-({xv} - {style.neg(mu)})^2 / (2 \cdot {var})}}",
                value,
            ]
        else:
            eq = [
                rf"\mathcal{{N}}\left({x_val} \,\middle|\, {style.vec(params.means[k])}, "
                rf"{style.mat(full[k])}\right)",
                value,
            ]
        eq[0] = rf"\text{{component {c}:}}\quad {eq[0]}"
        parts.append(_math_chain(eq))
    weighted_terms = [
        rf"{style.num(params.weights[k])} \cdot {style.num(work.densities[0, k])}"
        for k in range(k_count)
    ]
    parts.append("<p>The denominator, the mixture density of the point:</p>")
    parts.append(
        _math_chain(
            [
                rf"p({x_sym}) = \sum_j \alpha_j\, {dens_sym_j}",
                " + ".join(weighted_terms),
                " + ".join(style.num(v) for v in work.weighted_densities[0]),
                style.num(work.totals[0]),
            ]
        )
    )
    parts.append("<p>The responsibilities:</p>")
    total = style.num(work.totals[0])
    for k in range(k_count):
        c = k + 1
        parts.append(
            _math_chain(
                [
                    rf"\beta_{{{n}{c}}}",
                    rf"\frac{{{weighted_terms[k]}}}{{{total}}}",
                    rf"\frac{{{style.num(work.weighted_densities[0, k])}}}{{{total}}}",
                    style.num(work.responsibilities[0, k]),
                ]
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
    digits=None,
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
        A ``<div class="gmm-worked gmm-worked-m-step">`` whose formulas are chains of
        display-style ``$...$`` pieces, one per "=", which wrap on a narrow panel.
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


def _panel_style(digits, vector=False):
    """The app's rounding rule (4 decimals, :func:`format_number`) unless ``digits``
    significant digits are asked for."""
    if digits is None:
        return _Style(DECIMALS, latex=True, vector=vector, decimals=DECIMALS)
    return _Style(digits, latex=True, vector=vector)


def _m_step_html(X, resp, component_index, work, digits, max_terms):
    k = _check_index(component_index, work.params.n_components, "component")
    style = _panel_style(digits, vector=X.shape[1] > 1)
    parts = [
        '<div class="gmm-worked gmm-worked-m-step">',
        f"<p><b>M-step for component {k + 1}</b> ({_plural(X.shape[0], 'point')}):</p>",
    ]
    eqs = _m_step_equations(style, X, resp, k, work, max_terms)
    parts += [_math_chain(eq) for eq in eqs]
    parts += [f"<p>Note: {html.escape(str(note))}</p>" for note in work.notes]
    parts.append("</div>")
    return "\n".join(parts)


def step_html(
    X,
    history,
    step,
    *,
    point_index=0,
    component_index=0,
    responsibilities=None,
    digits=None,
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
    responsibilities : ndarray (N, K), optional
        The responsibilities the M-step used, when the caller has them already (the
        explorer does); otherwise they are recomputed from the history.
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
        reg_covar=float(history.reg_covar),
        fixed=frozenset(history.fixed),
        notes=tuple(record.notes),
        log_likelihood=float(record.log_likelihood),
    )
    resp = responsibilities if responsibilities is not None else history.responsibilities(step, X)
    return _m_step_html(X, resp, component_index, work, digits, max_terms)

"""How the numbers are written: plain text or LaTeX, and the M-step as equations.

Notation follows the hand-worked example of the course notes: alpha_k is a weight, mu_k a
mean, sigma_k^2 a variance (Sigma_k a covariance matrix) and beta_nk the responsibility of
component k for point n.
"""

from __future__ import annotations

import numpy as np

from gmm_viz.conventions import format_number
from gmm_viz.errors import ParameterError
from gmm_viz.worked.solution import MAX_TERMS


def _check_digits(digits):
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 1:
        raise ParameterError(f"digits must be a whole number of at least 1; got {digits!r}.")
    return min(int(digits), 17)


class _Style:
    """How numbers and formulas are written: plain text (seed notation) or LaTeX.

    ``digits`` significant digits, or with ``decimals`` the app's rule
    (:func:`format_number`), so that a value reads the same in every panel."""

    def __init__(self, digits, latex=False, vector=False, decimals=None):
        self.decimals = decimals
        self.digits = _check_digits(digits)
        # In D > 1 LaTeX writes means and points as bold vectors.
        self.vector = vector
        # Terms inside a sum are written shorter, as by hand (0.574*0.9 + ...).
        self.term_digits = min(self.digits, max(3, self.digits - 2))
        self.latex = latex

    # -- numbers --------------------------------------------------------------------

    def num(self, v, digits=None):
        if self.decimals is not None:
            s = format_number(v, self.decimals)
            if self.latex and "e" in s:
                mantissa, exponent = s.split("e")
                s = rf"{mantissa} \times 10^{{{int(exponent)}}}"
            return s
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
        return self.sub(r"\alpha", k) if self.latex else self.sub("alpha", k)

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

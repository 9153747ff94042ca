"""The worked solution as a handout: plain text (``gmm-viz solve``) or Markdown."""

from __future__ import annotations

import textwrap

from gmm_viz.em import covariance_type
from gmm_viz.errors import ParameterError
from gmm_viz.worked.notation import _m_step_equations, _Style, _tied_equation
from gmm_viz.worked.solution import MAX_TERMS


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _intro(solution, style):
    n, d, k = solution.n_samples, solution.n_features, solution.n_components
    cols = ", ".join(solution.columns)
    if d == 1:  # in 1-D full, diag and spherical are all one variance per component
        model = (
            "one variance per component"
            if covariance_type(solution.covariance_type).same_as_full_in_1d
            else "one variance shared by the components"
        )
    else:
        model = f"covariance type {solution.covariance_type}"
    lines = [
        f"Worked EM for a mixture of {_plural(k, 'Gaussian')}: {_plural(n, 'point')}, "
        f"{_plural(d, 'column')} ({cols}), {model}, "
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
    is_shared = covariance_type(solution.covariance_type).shared
    if is_shared and "covariances" not in work.fixed:
        blocks.append(("All components (shared covariance)", [_tied_equation(style, work)]))
    elif is_shared:
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

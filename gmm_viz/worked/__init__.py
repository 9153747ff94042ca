"""Worked solutions of EM: the numbers a student writes by hand, as data, text and HTML.

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

Rooms
-----
* :mod:`~gmm_viz.worked.solution` -- :func:`solve` and the solution as data;
* :mod:`~gmm_viz.worked.notation` -- numbers in plain text or LaTeX, the M-step as equations;
* :mod:`~gmm_viz.worked.handout` -- :func:`to_text` and :func:`to_markdown` (the CLI, handouts);
* :mod:`~gmm_viz.worked.as_json` -- :func:`to_dict` and :func:`to_json`;
* :mod:`~gmm_viz.worked.panels` -- "show your work" HTML: :func:`e_step_html`,
  :func:`m_step_html`, :func:`step_html`;
* :mod:`~gmm_viz.worked.responsibility_table` -- :func:`responsibility_table_html`, the
  E-step read as numbers;
* :mod:`~gmm_viz.worked.narration` -- :func:`narrate`, a half-step in words (the picture's
  text alternative).
"""

from gmm_viz.worked.as_json import to_dict, to_json
from gmm_viz.worked.handout import e_step_text, m_step_text, to_markdown, to_text
from gmm_viz.worked.narration import narrate
from gmm_viz.worked.panels import e_step_html, m_step_html, step_html
from gmm_viz.worked.responsibility_table import responsibility_table_html
from gmm_viz.worked.solution import (
    MAX_TERMS,
    EStepWork,
    MStepWork,
    WorkedIteration,
    WorkedSolution,
    solve,
)

__all__ = [
    "MAX_TERMS",
    "EStepWork",
    "MStepWork",
    "WorkedIteration",
    "WorkedSolution",
    "e_step_html",
    "e_step_text",
    "m_step_html",
    "narrate",
    "m_step_text",
    "responsibility_table_html",
    "solve",
    "step_html",
    "to_dict",
    "to_json",
    "to_markdown",
    "to_text",
]

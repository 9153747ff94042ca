"""Expectation-Maximization for Gaussian mixture models, in plain numpy.

The engine of gmm_viz: no plotting imports, nothing but numpy. Its rooms:

* :mod:`~gmm_viz.em.params` -- the parameters (:class:`GMMParams`), their shapes and the
  checks of every input, with :mod:`~gmm_viz.em.covariance_types` (each covariance type
  one small object: ``covariance_type("tied").shared``, its shapes, conversions, floor
  and parameter count);
* :mod:`~gmm_viz.em.steps` -- the readable E-step and M-step a student studies
  (:func:`e_step`, :func:`m_step`, :func:`log_likelihood`), with
  :mod:`~gmm_viz.em.densities` (the normal log densities) and :mod:`~gmm_viz.em.floors`
  (what keeps a covariance positive definite and says when a component collapsed);
* :mod:`~gmm_viz.em.loop` -- the fast blocked loop that ``fit`` runs (pinned to the
  readable steps by the tests), in the units of :mod:`~gmm_viz.em.units`;
* :mod:`~gmm_viz.em.history` -- every half-step of a run (:class:`EMHistory`), with
  :mod:`~gmm_viz.em.notes` (what an M-step noticed, as :class:`Note` records);
* :mod:`~gmm_viz.em.bound` -- why EM climbs: the lower bound L(q, theta) and its KL gap;
* :mod:`~gmm_viz.em.estimator` -- :class:`GaussianMixtureEM`, with scikit-learn's
  conventions (``fit``, ``predict_proba``, ``get_params``, ``means_``, ...);
* :mod:`~gmm_viz.em.kmeans` and :mod:`~gmm_viz.em.sampling` -- K-means (to start EM and to
  compare hard with soft assignment) and drawing points from a mixture.

Everything public is importable from ``gmm_viz.em`` itself.
"""

from gmm_viz.em.bound import interpolate_params, kl_gap, lower_bound
from gmm_viz.em.covariance_types import CovarianceType
from gmm_viz.em.covariance_types import get as covariance_type
from gmm_viz.em.densities import component_densities, component_log_densities
from gmm_viz.em.estimator import INIT_METHODS, GaussianMixtureEM
from gmm_viz.em.history import EMHistory, EStepRecord, MStepRecord
from gmm_viz.em.kmeans import KMeansResult, kmeans
from gmm_viz.em.notes import Note
from gmm_viz.em.params import (
    COVARIANCE_TYPES,
    PARAMETER_NAMES,
    GMMParams,
    as_params,
    check_data,
    covariances_from_full,
    full_covariances,
    is_whole_number,
    make_params,
)
from gmm_viz.em.sampling import sample_mixture
from gmm_viz.em.steps import SufficientStatistics, e_step, log_likelihood, m_step

__all__ = [
    "COVARIANCE_TYPES",
    "CovarianceType",
    "INIT_METHODS",
    "PARAMETER_NAMES",
    "EMHistory",
    "EStepRecord",
    "GMMParams",
    "GaussianMixtureEM",
    "KMeansResult",
    "MStepRecord",
    "Note",
    "SufficientStatistics",
    "as_params",
    "check_data",
    "component_densities",
    "component_log_densities",
    "covariance_type",
    "covariances_from_full",
    "e_step",
    "full_covariances",
    "interpolate_params",
    "is_whole_number",
    "kl_gap",
    "kmeans",
    "log_likelihood",
    "lower_bound",
    "make_params",
    "m_step",
    "sample_mixture",
]

"""gmm_viz: see Expectation-Maximization for Gaussian mixtures one half-step at a time."""

from gmm_viz.em import EMHistory, GaussianMixtureEM, GMMParams
from gmm_viz.errors import DataError, GMMVizError, ParameterError

__all__ = [
    "DataError",
    "EMHistory",
    "GMMParams",
    "GMMVizError",
    "GaussianMixtureEM",
    "ParameterError",
]
__version__ = "0.1.0"

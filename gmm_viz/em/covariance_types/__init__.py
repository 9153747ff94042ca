"""The covariance types, one small object each, in one registry that every layer asks.

``get("full")`` gives the :class:`~gmm_viz.em.covariance_types._base.CovarianceType` that
knows the type's shapes, its conversions to and from (K, D, D) matrices, its rescaling, what
the M-step and the variance floor keep of it, its parameter count and its precisions. A new
type is one file here (a subclass) added to ``_TYPES``, plus its notation in
:mod:`gmm_viz.worked.notation`.
"""

from __future__ import annotations

from gmm_viz.em.covariance_types._base import CovarianceType
from gmm_viz.em.covariance_types.diag import Diag
from gmm_viz.em.covariance_types.full import Full
from gmm_viz.em.covariance_types.spherical import Spherical
from gmm_viz.em.covariance_types.tied import Tied
from gmm_viz.errors import ParameterError

_TYPES = {t.name: t for t in (Full(), Diag(), Spherical(), Tied())}

COVARIANCE_TYPES = tuple(_TYPES)

__all__ = ["COVARIANCE_TYPES", "CovarianceType", "get", "unknown_type_message"]


def unknown_type_message(name):
    """The sentence for a covariance type that does not exist."""
    return f"Unknown covariance type {name!r}; use one of {', '.join(COVARIANCE_TYPES)}."


def get(name):
    """The covariance type called ``name``; a :class:`ParameterError` with one sentence
    when there is none (never a silent default)."""
    if isinstance(name, CovarianceType):
        return name
    try:
        return _TYPES[name]
    except (KeyError, TypeError):
        raise ParameterError(unknown_type_message(name)) from None

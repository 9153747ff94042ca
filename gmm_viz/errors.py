"""The package's own exceptions.

Every problem with user input is raised as a subclass of :class:`GMMVizError`, which is a
``ValueError``, with one sentence that says what is wrong, where, and how to fix it. The
widget shows that sentence, and the CLI prints it after ``error:``.
"""


class GMMVizError(ValueError):
    """Base class of every input error raised by gmm_viz."""


class DataError(GMMVizError):
    """The data cannot be used (empty, non-numeric, NaN, ragged, too few points, ...)."""


class ParameterError(GMMVizError):
    """An option or an initial parameter is invalid (K < 1, negative variance, ...)."""


class NotFittedError(GMMVizError, AttributeError):
    """A fitted attribute or method was used before ``fit``.

    Both a ``ValueError`` and an ``AttributeError``, as scikit-learn's ``NotFittedError``
    is, so code written for either catches it (and ``hasattr(model, "means_")`` is False).
    """


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the log-likelihood settled (as scikit-learn's
    ``ConvergenceWarning``, a ``UserWarning``)."""


class OutputError(GMMVizError):
    """A file cannot be written (a missing folder, no permission, a full disk)."""

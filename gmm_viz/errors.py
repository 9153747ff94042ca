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

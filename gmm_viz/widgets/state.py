"""What the explorer shows, as one observable object: the data, the options of a fit, the
fitted run, the half-step and the selection, and how they are drawn; and how a fit is made
from them. No widgets here: the controls and the picture observe this state
(:mod:`~gmm_viz.widgets.binding`, :mod:`~gmm_viz.widgets.picture`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import traitlets
from traitlets import Bool, Enum, HasTraits, Instance, Int, Unicode

from gmm_viz import datasets, plotting
from gmm_viz.em import (
    EMHistory,
    GaussianMixtureEM,
    covariance_type,
    covariances_from_full,
)
from gmm_viz.errors import ConvergenceWarning, GMMVizError

# Uploads larger than this are refused before parsing (the browser sends them whole); the
# same limit as the reader's, so that the message and the limit agree.
MAX_UPLOAD_BYTES = datasets.MAX_INPUT_BYTES


INIT_CHOICES = (
    ("the data set's suggested start", "start"),
    ("k-means", "kmeans"),
    ("k-means++", "k-means++"),
    ("random points of the data", "random_from_data"),
    ("random responsibilities", "random"),
)


# The bundled data sets (their one list is datasets.CATALOGUE), then the user's own.
DATA_CHOICES = tuple((entry.label, entry.name) for entry in datasets.CATALOGUE) + (
    ("Your pasted numbers", "pasted"),
    ("Your uploaded CSV", "uploaded"),
)


REG_CHOICES = (("0 (exact EM)", 0.0), ("1e-6", 1e-6), ("1e-3", 1e-3), ("0.1", 0.1))


@dataclass(frozen=True)
class CurrentStep:
    """What the explorer shows at its current half-step.

    Attributes
    ----------
    step : int
        0 = the start, then 1 = E-step 1, 2 = M-step 1, ...
    phase : {"init", "E", "M"}
    iteration : int
    weights, means, covariances : ndarray
        The parameters shown (entering the E-step, or produced by the M-step).
    responsibilities : ndarray (N, K) or None
        None at the start, before any E-step; an M-step shows the ones it used.
    log_likelihood : float
        Total log-likelihood of the parameters shown.
    """

    step: int
    phase: str
    iteration: int
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    responsibilities: np.ndarray | None
    log_likelihood: float


@dataclass(frozen=True)
class FitOptions:
    """The options a fit depends on; changing any of them refits. The names are the
    estimator's (:class:`~gmm_viz.em.GaussianMixtureEM`); ``init_params`` also takes
    "start", the data set's suggested start. Frozen: a change is a new object, which the
    state's observers see."""

    n_components: int = 2
    covariance_type: str = "full"
    init_params: str = "kmeans"
    random_state: int = 0
    fixed: tuple = ()
    reg_covar: float = 1e-6
    tol: float = 1e-6
    max_iter: int = 200
    n_init: int = 1


@dataclass(frozen=True)
class UploadedFile:
    """A CSV file read by the explorer: kept so that other columns of it can be chosen.

    Attributes
    ----------
    source : bytes or path
    columns : tuple of str
        Its header, offered by the column picker.
    name : str or None
        The file's name as uploaded (None when given from Python).
    """

    source: object
    columns: tuple
    name: str | None = None


class ExplorerState(HasTraits):
    """Everything the explorer shows is derived from this one object; the controls and the
    picture observe it, so they cannot disagree with it.

    A fit replaces ``dataset``, ``options`` and ``model`` together (:meth:`new_run`). The
    step and the selection are indices into that run (from 0), refused with a
    ``TraitError`` when it has no such half-step, point or component.
    """

    dataset = Instance(datasets.Dataset)
    options = Instance(FitOptions)
    model = Instance(GaussianMixtureEM)
    # The data dropdown's choice for the data ("given" when none of them is).
    data_key = Unicode("given")
    upload = Instance(UploadedFile, allow_none=True)
    step = Int(0)
    selected_point = Int(0)
    selected_component = Int(0)
    size = Enum(("screen", "projector"), default_value="screen")
    whole_run = Bool(False)
    lower_bound = Bool(False)

    @property
    def history(self) -> EMHistory:
        return self.model.history_

    @property
    def X(self):
        return self.dataset.X

    @property
    def n_steps(self):
        return self.history.n_steps

    def new_run(self, dataset, options, model, **also):
        """Show a new fit: it opens at half-step 0 with point 1 and component 1 selected.

        ``also`` are other traits that change with it (``data_key``, ``upload``). Every
        observer runs once all are set, ``model``'s last: whoever draws the run on that
        change finds the controls already showing it.
        """
        with self.hold_trait_notifications():
            self.options = options
            self.dataset = dataset
            for name, value in also.items():
                setattr(self, name, value)
            self.step = self.selected_point = self.selected_component = 0
            self.model = model

    @traitlets.validate("step")
    def _valid_step(self, proposal):
        try:  # the history's rule: -1 is the last, as in a list
            return self.history.resolve_step(proposal.value)
        except GMMVizError as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.validate("selected_point")
    def _valid_point(self, proposal):
        return _index(proposal.value, self.X.shape[0], "point")

    @traitlets.validate("selected_component")
    def _valid_component(self, proposal):
        return _index(proposal.value, self.options.n_components, "component")


def _index(value, n, what):
    if not 0 <= value < n:
        raise traitlets.TraitError(f"There is no {what} {value} (0 to {n - 1}).")
    return value


def _dataset_from(data, columns=None):
    """A Dataset from an array, a Dataset, or a name; raises GMMVizError when bad."""
    if isinstance(data, datasets.Dataset):
        ds = data
    elif isinstance(data, str):
        ds = datasets.load(data)
    else:
        X = datasets.validate_data(data)  # a DataError (not a ValueError) for text, ragged rows
        ds = datasets.Dataset(
            X=X,
            columns=tuple(f"x{j + 1}" for j in range(X.shape[1])),
            name="your data",
            source="given as an array",
        )
    if columns is not None:
        ds = ds.select(columns)
    plotting.check_drawable(ds.X.shape[1], "The explorer")
    return ds


def _read_csv(source, columns=None):
    """The data set of a CSV file (its first two columns without ``columns``) and the
    file's header, whose columns the picker offers (they may not all be numbers)."""
    if columns is not None:
        dataset = datasets.load_csv(source, columns=columns)
        try:
            header = datasets.load_csv(source).columns
        except GMMVizError:
            header = dataset.columns
        return dataset, tuple(header)
    whole = datasets.load_csv(source)
    return (whole if whole.n_features <= 2 else whole.select([0, 1])), tuple(whole.columns)


def _same_in_1d(dataset, before, after):
    """True when only the covariance type changed (FitOptions ``before`` -> ``after``), between
    two types that are one model in 1-D."""
    types = {before.covariance_type, after.covariance_type}
    return (
        dataset.X.shape[1] == 1
        and len(types) == 2
        and all(covariance_type(t).same_as_full_in_1d for t in types)
        and replace(before, covariance_type=after.covariance_type) == after
    )


def _data_key(data, columns, dataset):
    """The data dropdown's choice for data given by name ("given" when none matches): with
    columns, that of the columns kept (e.g. "faithful:waiting"), not the whole data set."""
    if not isinstance(data, str):
        return "given"
    key = data.strip().lower() if columns is None else dataset.name
    return key if key in {k for _, k in DATA_CHOICES} else "given"


def _start_for(dataset, options):
    """Explicit initial values when the data set's suggested start is chosen."""
    if options.init_params != "start":
        return {}
    return dataset.start_for(options.n_components, options.covariance_type)


def _defaults_for(dataset):
    """The options a data set opens with: its own start (exact EM, as worked by hand),
    K of its true mixture for synthetic data, otherwise K = 2 from k-means."""
    if dataset.start is not None:
        return {
            "n_components": len(dataset.start["weights"]),
            "init_params": "start",
            "reg_covar": 0.0,
            "fixed": (),
            "covariance_type": "full",
        }
    k = len(dataset.truth["weights"]) if dataset.truth is not None else 2
    return {"n_components": k, "init_params": "kmeans"}


def _fit(dataset, options, progress=None):
    """Fit a GaussianMixtureEM for these data and options (raises GMMVizError)."""
    explicit = _start_for(dataset, options)
    init = "kmeans" if options.init_params == "start" else options.init_params
    fixed = tuple(options.fixed)
    if "covariances" in fixed and "covariances_init" not in explicit:
        # The means-only model: variances held at 1 (in the data's units).
        k, d = options.n_components, dataset.X.shape[1]
        explicit["covariances_init"] = covariances_from_full(
            np.broadcast_to(np.eye(d), (k, d, d)), options.covariance_type
        )
    if "weights" in fixed and "weights_init" not in explicit:
        explicit["weights_init"] = np.full(options.n_components, 1.0 / options.n_components)
    model = GaussianMixtureEM(
        options.n_components,
        covariance_type=options.covariance_type,
        tol=options.tol,
        reg_covar=options.reg_covar,
        max_iter=options.max_iter,
        n_init=options.n_init,
        init_params=init,
        fixed=fixed,
        random_state=options.random_state,
        **explicit,
    )
    with warnings.catch_warnings():
        # The step label says "stopped at the iteration limit" beside the picture; the
        # warning would repeat it in an output area the viewer does not look at.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(dataset.X, progress=progress)
    return model

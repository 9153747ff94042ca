"""The EM explorer: one widget to step through EM, half-step by half-step.

The explorer keeps one observable state (:class:`~gmm_viz.widgets.state.ExplorerState`)
and answers requests to change it (from Python or from its controls): a fit per new data or
options, a message when something is refused. The controls follow the state through
:mod:`~gmm_viz.widgets.binding`, the picture through :mod:`~gmm_viz.widgets.picture`; the
downloads are a :class:`~gmm_viz.widgets.downloads.DownloadBar`.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from html import escape as _html_escape

from gmm_viz import datasets, plotting
from gmm_viz.errors import GMMVizError
from gmm_viz.widgets.binding import Binding
from gmm_viz.widgets.controls import Controls, build_controls, lay_out
from gmm_viz.widgets.downloads import DownloadBar
from gmm_viz.widgets.page_a11y import PageA11y, new_scope
from gmm_viz.widgets.page_keys import PageKeys
from gmm_viz.widgets.picture import Picture
from gmm_viz.widgets.player import KernelPlayer
from gmm_viz.widgets.state import (
    CurrentStep,
    ExplorerState,
    FitOptions,
    UploadedFile,
    _data_key,
    _dataset_from,
    _defaults_for,
    _fit,
    _read_csv,
    _same_in_1d,
)

# The browser tab's title in Voila.
PAGE_TITLE = "EM explorer · gmm_viz"


class EMExplorer:
    """Step through EM one half-step at a time: plot, log-likelihood, responsibility
    table and the formulas with their numbers, for 1-D or 2-D data.

    Parameters
    ----------
    data : str, array-like (N,) or (N, D), or Dataset
        A data set name ("toy", "faithful", "faithful:eruptions", "galaxies",
        "synthetic", ...), an array, or a :class:`gmm_viz.datasets.Dataset`.
    n_components : int
    columns : list, optional
        Columns of the data set to use (by name or index).
    size : {"screen", "projector"}
    **fit_options
        The estimator's names: ``covariance_type``, ``init_params`` ("start" for the data
        set's suggested start, "kmeans", "k-means++", "random_from_data", "random"),
        ``random_state``, ``fixed``, ``reg_covar``, ``tol``, ``max_iter``, ``n_init``.

    Attributes
    ----------
    state : ExplorerState
        What is shown; observe it, or set its traits, to follow or move the explorer.
    controls : Controls
        The widgets, each also reachable as an attribute (``explorer.k_input``).

    Examples
    --------
    >>> explorer = EMExplorer("toy")          # doctest: +SKIP
    >>> explorer.step = 2                     # doctest: +SKIP
    >>> explorer.current.means                # doctest: +SKIP
    """

    def __init__(
        self, data="toy", n_components=None, *, columns=None, size="screen", **fit_options
    ):
        dataset = _dataset_from(data, columns)
        unknown = set(fit_options) - set(FitOptions.__dataclass_fields__)
        if unknown:
            raise TypeError(f"Unknown option(s): {', '.join(sorted(unknown))}.")
        defaults = _defaults_for(dataset)
        if n_components is None:
            n_components = defaults.pop("n_components")
        defaults.pop("n_components", None)
        options = FitOptions(n_components=n_components, **{**defaults, **fit_options})
        self._message = ""
        self._where = None  # which controls caused the message being shown
        self._held = None  # (why, on_next) while a class's question holds the half-step
        self.state = ExplorerState(
            dataset=dataset,
            options=options,
            model=_fit(dataset, options),
            data_key=_data_key(data, columns, dataset),
            size=size,
        )
        self.controls = build_controls()
        self._player = KernelPlayer(
            self._play_forward, lambda: setattr(self.controls.play_button, "value", False)
        )
        # The state's observers run in the order they are added: the controls first, then
        # the message, the page's size, and the picture last (its label announces the step).
        self._binding = Binding(self)
        self.state.observe(self._on_shown, names=["step", "selected_point", "selected_component"])
        self.downloads = DownloadBar()
        self.keys = PageKeys(self._nudge, page_title=PAGE_TITLE, on_go_to=self._go_to)
        # The picture's alt text, the slider's name and the live region, on this explorer
        # only (its own class on the page).
        scope = new_scope()
        self.a11y = PageA11y(scope=scope, slider_label="Half-step")
        self._root = lay_out(self.controls, self.downloads, self.keys, self.a11y)
        self._root.add_class(scope)
        self.state.observe(self._apply_size_class, names="size")
        self._apply_size_class()
        self._picture = Picture(self.state, self.controls, self.downloads, self.a11y)

    def __getattr__(self, name):
        # The widgets by name (explorer.k_input): they live in self.controls.
        if name in Controls.__dataclass_fields__ and "controls" in self.__dict__:
            return getattr(self.__dict__["controls"], name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------ public surface

    @property
    def step(self):
        """The half-step shown (settable: the plot and table update before it returns)."""
        return self.state.step

    @step.setter
    def step(self, value):
        try:
            value = self.state.history.resolve_step(value)  # -1 is the last, as in a list
        except GMMVizError as exc:
            self._set_message(str(exc))
            return
        self.state.step = value  # its observers move the slider and draw

    @property
    def n_steps(self):
        """Number of half-steps: the start plus an E and an M per iteration."""
        return self.state.n_steps

    @property
    def view(self):
        """The :class:`~gmm_viz.plotting.StepView` drawn."""
        return self._picture.view

    @property
    def figure(self):
        """The matplotlib Figure that is drawn."""
        return self.view.figure

    @property
    def message(self):
        """The sentence shown to the user about a problem; empty when all is well."""
        return self._message

    @property
    def history(self):
        return self.state.history

    @property
    def dataset(self):
        return self.state.dataset

    @property
    def current(self):
        """The shown state as a :class:`CurrentStep`."""
        h, s = self.state.history, self.state.step
        p = h.params(s)
        return CurrentStep(
            step=s,
            phase=h.phase(s),
            iteration=h.iteration(s),
            weights=p.weights.copy(),
            means=p.means.copy(),
            covariances=p.covariances.copy(),
            responsibilities=self.view.responsibilities(s),
            log_likelihood=float(h.log_likelihood(s)),
        )

    def load_text(self, text):
        """Use pasted numbers as the data; returns True on success."""
        with self._context("data"):
            return self._try_load(
                lambda: datasets.parse_text(text), lambda ds: {"data_key": "pasted"}
            )

    def load_csv(self, path_or_bytes, columns=None):
        """Use a CSV file (a path or its bytes) as the data; returns True on success.

        Without ``columns`` a file of more than two columns uses its first two. On
        success the column picker lists the file's columns, so others can be chosen."""
        return self._load_csv(path_or_bytes, columns)

    def load(self, data, columns=None):
        """Use a data set name, an array or a Dataset; returns True on success."""
        with self._context("data"):
            return self._try_load(
                lambda: _dataset_from(data, columns),
                lambda ds: {"data_key": _data_key(data, columns, ds)},
            )

    def set_options(self, **changes):
        """Change fit options (n_components, covariance_type, init_params, random_state, fixed,
        reg_covar, ...) and refit; returns True on success, else shows a message."""
        unknown = sorted(set(changes) - set(FitOptions.__dataclass_fields__))
        with self._context("model"):
            if unknown:
                self._set_message(
                    f"There is no option called {', '.join(map(repr, unknown))}; the options "
                    f"are {', '.join(FitOptions.__dataclass_fields__)}."
                )
                return False
            before = self.state.options
            after = replace(before, **changes)
            ok = self._refit(self.state.dataset, after)
            if ok and _same_in_1d(self.state.dataset, before, after):
                # Nothing in the picture changes: say why, next to the control.
                self.controls.model_message.value = _note_html(
                    "In 1-D, full, diag and spherical are one model (one variance per "
                    "component), so the fit is the same; only tied differs (one variance "
                    "shared by all)."
                )
            return ok

    def start_over(self):
        """Back to the data set's own start: the options it opens with, half-step 0."""
        dataset = self.state.dataset
        defaults = _defaults_for(dataset)
        options = FitOptions(n_components=defaults.pop("n_components"), **defaults)
        with self._context("model"):
            return self._refit(dataset, options)  # a new run opens at half-step 0

    def set_size(self, size):
        """Draw for a "screen" or a "projector" (bigger text and lines); keeps the step."""
        if size not in ("screen", "projector"):
            self._set_message(f"The size is 'screen' or 'projector'; got {size!r}.")
            return False
        self.state.size = size  # its observers redraw
        return True

    def use_means_only_model(self):
        """The simplified model of the K-means-vs-EM article: K = 3, variances held at 1,
        weights held at 1/3, only the means learned."""
        current_init = self.state.options.init_params
        return self.set_options(
            n_components=3,
            fixed=("weights", "covariances"),
            init_params="random_from_data" if current_init == "start" else current_init,
            covariance_type="spherical",
        )

    @property
    def widget(self):
        """The root ipywidgets container."""
        return self._root

    def _ipython_display_(self):
        from IPython.display import display

        display(self._root)

    # ------------------------------------------------------------------ state changes

    @property
    def _uploaded(self):
        """The source of the CSV file last read (None before any)."""
        return None if self.state.upload is None else self.state.upload.source

    def _load_csv(self, source, columns=None, name=None):
        if hasattr(source, "read"):  # a file object: read it once, it cannot be re-read
            source = source.read(datasets.MAX_INPUT_BYTES + 1)
            source = source.encode() if isinstance(source, str) else source
        if isinstance(source, (bytearray, memoryview)):
            source = bytes(source)
        header = []

        def make():
            dataset, header[:] = _read_csv(source, columns)
            return dataset

        def also(_):
            return {"data_key": "uploaded", "upload": UploadedFile(source, tuple(header), name)}

        with self._context("data"):
            return self._try_load(make, also)

    def _use_upload(self, columns):
        """The CSV file last read, with these columns (its first two when none)."""
        upload = self.state.upload
        return self._load_csv(upload.source, list(columns) if columns else None, upload.name)

    def _try_load(self, make_dataset, also):
        """Fit new data made by ``make_dataset``; ``also(dataset)`` are the other traits of
        the state that change with it (the data dropdown's key, the file read)."""
        try:
            dataset = make_dataset()
            plotting.check_drawable(dataset.X.shape[1], "The explorer")
        except GMMVizError as exc:
            self._set_message(str(exc))
            return False
        options = self.state.options
        if options.init_params == "start" and dataset.start is None:
            options = replace(options, init_params="kmeans")
        if dataset.start is not None or dataset.truth is not None:
            # A data set that brings its own start (or truth) opens the way it was worked.
            options = replace(options, **_defaults_for(dataset))
        ok = self._refit(dataset, options, **also(dataset))
        if ok and dataset.note:  # text that reads two ways: say how it was read
            self.controls.data_message.value = _note_html(dataset.note)
        return ok

    def _refit(self, dataset, options, **also):
        """Fit for new data/options; on any input error keep everything as it was."""
        self._show_progress(True)
        try:
            model = _fit(dataset, options, progress=self._progress_value)
        except GMMVizError as exc:
            self._set_message(str(exc))
            return False
        finally:
            self._show_progress(False)
        self._set_message("")
        self.state.new_run(dataset, options, model, **also)
        return True

    @contextmanager
    def _context(self, where):
        """Messages raised inside go next to the controls of ``where`` ("data", "model",
        "work"); outside any, only the banner shows them."""
        outer, self._where = self._where, where
        try:
            yield
        finally:
            self._where = outer

    def _set_message(self, text):
        """Show ``text`` in the banner under the stepping bar and next to the controls that
        caused it; an empty text clears every message."""
        self._message = text
        html = (
            '<div role="alert" style="border:2px solid #D55E00;background:#fff3ec;'
            f'padding:6px 10px;border-radius:4px;color:#7a2800">{_html_escape(text)}</div>'
            if text
            else ""
        )
        c = self.controls
        c.message_html.value = html
        boxes = {"data": c.data_message, "model": c.model_message, "work": c.work_message}
        for where, box in boxes.items():
            box.value = html if text and where == self._where else ""

    def _on_shown(self, change):
        self._set_message("")  # another half-step or point is shown: a message is out of date

    def _apply_size_class(self, change=None):
        if self.state.size == "projector":
            self._root.add_class("gmm-projector")
        else:
            self._root.remove_class("gmm-projector")

    def _show_progress(self, visible):
        self.controls.progress.value = 0
        self.controls.progress.layout.display = "" if visible else "none"

    def _progress_value(self, fraction):
        # Each change is a message to the browser: send only visible steps (2 %).
        if fraction >= 1.0 or fraction - self.controls.progress.value >= 0.02:
            self.controls.progress.value = min(float(fraction), 1.0)

    # ------------------------------------------------------------------ a class's question

    def show_run(self, data, options, step):
        """Show the run of ``data`` (a data set's name, or the numbers) fitted with
        ``options`` (a dict of :class:`FitOptions` fields) at half-step ``step``: the run a
        class's question was asked on. Refits only when the data or options differ.
        Returns True on success (else the message says why)."""
        options = dict(options)
        options["fixed"] = tuple(options.get("fixed", ()))
        wanted = FitOptions(**options)
        key = data if isinstance(data, str) else "pasted"
        if (self.state.data_key, self.state.options) != (key, wanted):
            try:
                dataset = _dataset_from(data, None)
            except GMMVizError as exc:
                self._set_message(str(exc))
                return False
            if not self._refit(dataset, wanted, data_key=key):
                return False
        self.step = step
        return True

    def hold(self, why, on_next=None):
        """Keep the run and the half-step shown while a class answers a question: stepping,
        playing and the settings are disabled; a key or clicker press calls ``on_next``
        (the teacher's next move in the round) or, without it, says ``why``."""
        self._held = (why, on_next)
        self.controls.play_button.value = False
        for widget in self._held_controls():
            widget.disabled = True

    def release(self):
        """Stepping and settings work again (the question was revealed)."""
        self._held = None
        for widget in self._held_controls():
            widget.disabled = False

    @property
    def held(self):
        """Whether a class's question holds the explorer at its half-step."""
        return self._held is not None

    def before_render(self, hook):
        """Call ``hook(step)`` before each half-step is drawn (to take off the picture what
        belongs to another half-step, in the same render)."""
        self._picture.before_render.append(hook)

    def redraw(self):
        """Draw the half-step shown again (after something was drawn onto the picture)."""
        self._picture.render()

    def add_panel(self, widget):
        """Put ``widget`` over the picture, under the step's label (a class's question)."""
        children = list(self._root.children)
        children.insert(children.index(self.controls.message_html) + 1, widget)
        self._root.children = tuple(children)

    def _held_controls(self):
        c = self.controls
        return [
            c.reset_button, c.play_button, c.prev_button, c.next_button, c.step_slider,
            c.data_dropdown, c.paste_button, c.upload, c.column_button, c.k_input,
            c.cov_dropdown, c.init_dropdown, c.seed_input, c.reg_dropdown,
            *c.fixed_boxes.values(), c.means_only_button,
        ]  # fmt: skip

    # ------------------------------------------------------------------ stepping

    def _nudge(self, delta):
        if self._held is not None:
            why, on_next = self._held
            if on_next is not None and delta > 0:
                on_next()
            else:
                self._set_message(why)
            return
        self.step = min(max(self.step + delta, 0), self.n_steps - 1)

    def _go_to(self, where):
        """Home and End: the first or the last half-step of the run shown."""
        if self._held is not None:
            self._set_message(self._held[0])
            return
        self.step = 0 if where == "first" else self.n_steps - 1

    def _play_forward(self):
        """The player's next frame: False when the run is over."""
        if self.step >= self.n_steps - 1:
            return False
        self._nudge(+1)
        return True


def _note_html(text):
    """A note (not a mistake) beside a control: how something was understood."""
    return (
        '<div role="status" style="border:1px solid #0072B2;background:#eef6fb;'
        f'padding:6px 10px;border-radius:4px">{_html_escape(text)}</div>'
    )

"""The EM explorer: one widget to step through EM, half-step by half-step.

It holds the state (:mod:`gmm_viz.widgets.state`), builds the controls, and answers their
events; the picture is a :class:`~gmm_viz.plotting.StepView`, the downloads a
:class:`~gmm_viz.widgets.downloads.DownloadBar`.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from html import escape as _html_escape

from gmm_viz import datasets, plotting, worked
from gmm_viz.conventions import run_title
from gmm_viz.em import covariance_type
from gmm_viz.em.notes import describe_together, merge
from gmm_viz.errors import GMMVizError
from gmm_viz.widgets.controls import MAX_K, build_controls, lay_out
from gmm_viz.widgets.downloads import DownloadBar
from gmm_viz.widgets.page_a11y import PageA11y, new_scope
from gmm_viz.widgets.page_keys import PageKeys
from gmm_viz.widgets.player import KernelPlayer
from gmm_viz.widgets.state import (
    DATA_CHOICES,
    REG_CHOICES,
    CurrentStep,
    ExplorerState,
    FitOptions,
    _data_key,
    _dataset_from,
    _defaults_for,
    _fit,
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
        self._size = size
        self._data_key = _data_key(data, columns, dataset)
        self._uploaded = None
        self._upload_name = None
        self._updating = False
        self._message = ""
        self._where = None  # which controls caused the message being shown
        self.state = ExplorerState(dataset, options, _fit(dataset, options))
        self._build_controls()
        self._build_figure()
        self._sync_controls()
        self._render()

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
        self.step_slider.value = value  # the observer renders

    @property
    def n_steps(self):
        """Number of half-steps: the start plus an E and an M per iteration."""
        return self.state.history.n_steps

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
            responsibilities=self._responsibilities(s),
            log_likelihood=float(h.log_likelihood(s)),
        )

    def load_text(self, text):
        """Use pasted numbers as the data; returns True on success."""
        with self._context("data"):
            return self._try_load(lambda: datasets.parse_text(text), key="pasted")

    def load_csv(self, path_or_bytes, columns=None):
        """Use a CSV file (a path or its bytes) as the data; returns True on success.

        Without ``columns`` a file of more than two columns uses its first two. On
        success the column picker lists the file's columns, so others can be chosen."""
        source = path_or_bytes
        if hasattr(source, "read"):  # a file object: read it once, it cannot be re-read
            source = source.read(datasets.MAX_INPUT_BYTES + 1)
            source = source.encode() if isinstance(source, str) else source
        if isinstance(source, (bytearray, memoryview)):
            source = bytes(source)
        header = []

        def make():
            if columns is not None:
                ds = datasets.load_csv(source, columns=columns)
                try:  # the other columns, for the picker (they may not all be numbers)
                    header[:] = datasets.load_csv(source).columns
                except GMMVizError:
                    header[:] = ds.columns
                return ds
            whole = datasets.load_csv(source)
            header[:] = whole.columns
            return whole if whole.n_features <= 2 else whole.select([0, 1])

        with self._context("data"):
            ok = self._try_load(make, "uploaded")
        if ok:
            self._uploaded = source
            self.column_picker.options = list(header)
            self._sync_controls()  # the picker shows the columns in use
        return ok

    def load(self, data, columns=None):
        """Use a data set name, an array or a Dataset; returns True on success."""
        with self._context("data"):
            return self._try_load(
                lambda: _dataset_from(data, columns), lambda ds: _data_key(data, columns, ds)
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
                self.model_message.value = _note_html(
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
            ok = self._refit(dataset, options)
        if ok:
            self.step = 0
        return ok

    def set_size(self, size):
        """Draw for a "screen" or a "projector" (bigger text and lines); keeps the step."""
        if size not in ("screen", "projector"):
            self._set_message(f"The size is 'screen' or 'projector'; got {size!r}.")
            return False
        if size != self._size:
            self._size = size
            self._build_figure()
            self._apply_size_class()
            self._sync_controls()
            self._render()
        return True

    def _apply_size_class(self):
        if self._size == "projector":
            self._root.add_class("gmm-projector")
        else:
            self._root.remove_class("gmm-projector")

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

    def _try_load(self, make_dataset, key):
        try:
            dataset = make_dataset()
            plotting.check_drawable(dataset.X.shape[1], "The explorer")
        except GMMVizError as exc:
            self._set_message(str(exc))
            self._sync_controls()  # e.g. the data dropdown back to the data shown
            return False
        options = self.state.options
        if options.init_params == "start" and dataset.start is None:
            options = replace(options, init_params="kmeans")
        if dataset.start is not None or dataset.truth is not None:
            # A data set that brings its own start (or truth) opens the way it was worked.
            options = replace(options, **_defaults_for(dataset))
        ok = self._refit(dataset, options)
        if ok:
            self._data_key = key(dataset) if callable(key) else key
            self._sync_controls()
            if dataset.note:  # text that reads two ways: say how it was read
                self.data_message.value = _note_html(dataset.note)
        return ok

    def _refit(self, dataset, options):
        """Fit for new data/options; on any input error keep everything as it was."""
        self._show_progress(True)
        try:
            model = _fit(dataset, options, progress=self._progress_value)
        except GMMVizError as exc:
            self._set_message(str(exc))
            self._sync_controls()  # put the controls back to the state that is shown
            return False
        finally:
            self._show_progress(False)
        data_changed = dataset is not self.state.dataset
        self.play_button.value = False  # a new run opens at its start, paused
        self.state = ExplorerState(dataset, options, model)
        self._set_message("")
        if data_changed:
            self._build_figure()
        else:
            self._reset_plot()
        self._sync_controls()
        self._render()
        return True

    def _responsibilities(self, step):
        return self.view.responsibilities(step)

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
        self.message_html.value = html
        boxes = {"data": self.data_message, "model": self.model_message, "work": self.work_message}
        for where, box in boxes.items():
            box.value = html if text and where == self._where else ""

    # ------------------------------------------------------------------ controls

    def _build_controls(self):
        controls = build_controls(
            self.state.options, self.n_steps, self.state.X.shape[0], size=self._size
        )
        for name, widget in controls.items():
            setattr(self, name, widget)
        self.controls = controls
        # Observers.
        self.step_slider.observe(self._on_step, names="value")
        self.prev_button.on_click(lambda _: self._nudge(-1))
        self.next_button.on_click(lambda _: self._nudge(+1))
        self.reset_button.on_click(lambda _: self.start_over())
        self.size_toggle.observe(lambda ch: self.set_size(ch["new"]), names="value")
        self.whole_run_box.observe(self._on_whole_run, names="value")
        self.bound_box.observe(self._on_bound, names="value")
        self._player = KernelPlayer(
            self._play_forward, lambda: setattr(self.play_button, "value", False)
        )
        self.play_button.observe(self._on_play, names="value")
        self.data_dropdown.observe(self._on_data, names="value")
        self.paste_button.on_click(lambda _: self.load_text(self.paste_area.value))
        self.upload.set_handlers(
            self._on_upload, self._on_upload_refused, self._on_upload_progress
        )
        self.column_button.on_click(self._on_columns)
        for control in (
            self.k_input,
            self.cov_dropdown,
            self.init_dropdown,
            self.seed_input,
            self.reg_dropdown,
            *self.fixed_boxes.values(),
        ):
            control.observe(self._on_option, names="value")
        self.means_only_button.on_click(lambda _: self.use_means_only_model())
        self.point_input.observe(self._on_selection, names="value")
        self.component_input.observe(self._on_selection, names="value")

        self.downloads = DownloadBar()
        self.keys = PageKeys(self._nudge, page_title=PAGE_TITLE, on_go_to=self._go_to)
        # The picture's alt text, the slider's name and the live region, on this explorer
        # only (its own class on the page).
        scope = new_scope()
        self.a11y = PageA11y(scope=scope, slider_label="Half-step")
        self._root = lay_out(controls, self.downloads, self.keys, self.a11y)
        self._root.add_class(scope)
        self._apply_size_class()

    def _sync_controls(self):
        """Make every control show the state (without triggering observers)."""
        self._updating = True
        try:
            st, opts = self.state, self.state.options
            last = max(self.n_steps - 1, 0)
            self.step_slider.max = last
            self.step_slider.value = st.step
            self.data_dropdown.value = (
                self._data_key if self._data_key in dict(map(reversed, DATA_CHOICES)) else None
            )
            self.k_input.value = opts.n_components
            self.cov_dropdown.value = opts.covariance_type
            self.init_dropdown.value = opts.init_params
            self.seed_input.value = opts.random_state
            if opts.reg_covar not in [v for _, v in REG_CHOICES]:
                self.reg_dropdown.options = [*REG_CHOICES, (f"{opts.reg_covar:g}", opts.reg_covar)]
            self.reg_dropdown.value = opts.reg_covar
            for name, box in self.fixed_boxes.items():
                box.value = name in opts.fixed
            self.point_input.value = st.selected_point + 1
            self.component_input.value = st.selected_component + 1
            self.size_toggle.value = self._size
            picker = self.column_picker
            if self._data_key == "uploaded" and set(st.dataset.columns) <= set(picker.options):
                picker.value = tuple(st.dataset.columns)
        finally:
            self._updating = False

    def _nudge(self, delta):
        self.step = min(max(self.step + delta, 0), self.n_steps - 1)

    def _go_to(self, where):
        """Home and End: the first or the last half-step of the run shown."""
        self.step = 0 if where == "first" else self.n_steps - 1

    def _on_step(self, change):
        if self._updating:
            return
        self.state.step = int(change["new"])
        self._set_message("")  # a step was shown: any earlier message is out of date
        if self.state.step == self.n_steps - 1 and self.play_button.value:
            self.play_button.value = False  # the run is over: the button says "play" again
        self._render()

    def _on_play(self, change):
        self.play_button.description = "❚❚ Pause" if change["new"] else "▶ Play"
        if not change["new"]:
            self._player.stop()
            return
        if self.step == self.n_steps - 1:
            self.step = 0  # play from the start again
        self._player.start()

    def _play_forward(self):
        """The player's next frame: False when the run is over."""
        if self.step >= self.n_steps - 1:
            return False
        self._nudge(+1)
        return True

    def _on_whole_run(self, change):
        self.view.whole_run = bool(change["new"])
        self._render()

    def _on_bound(self, change):
        self.view.lower_bound = bool(change["new"])
        self._render()

    def _on_selection(self, change):
        if self._updating:
            return
        n, k = self.state.X.shape[0], self.state.options.n_components
        point, component = int(self.point_input.value), int(self.component_input.value)
        with self._context("work"):
            if not 1 <= point <= n:
                self._set_message(
                    f"Point {point} does not exist: choose one from 1 to {n}; the panel "
                    f"still shows point {self.state.selected_point + 1}."
                )
            elif not 1 <= component <= k:
                self._set_message(
                    f"Component {component} does not exist: choose one from 1 to {k}; the "
                    f"panel still shows component {self.state.selected_component + 1}."
                )
            else:
                self.state.selected_point = point - 1
                self.state.selected_component = component - 1
                self._set_message("")
                self._render()
                return
        self._sync_controls()

    def _on_option(self, change):
        if self._updating:
            return
        opts = self.state.options
        k, seed = int(self.k_input.value), int(self.seed_input.value)
        with self._context("model"):
            if not 1 <= k <= MAX_K:
                self._set_message(
                    f"K must be a whole number from 1 to {MAX_K}; it stays at "
                    f"{opts.n_components}, the K of the picture."
                )
                self._sync_controls()
                return
            if not 0 <= seed < 2**32:
                self._set_message(
                    f"The seed must be a whole number from 0 to {2**32 - 1}; it stays at "
                    f"{opts.random_state}."
                )
                self._sync_controls()
                return
            fixed = tuple(n for n, box in self.fixed_boxes.items() if box.value)
            self.set_options(
                n_components=k,
                covariance_type=self.cov_dropdown.value,
                init_params=self.init_dropdown.value,
                random_state=seed,
                reg_covar=float(self.reg_dropdown.value),
                fixed=fixed,
            )

    def _on_data(self, change):
        if self._updating or change["new"] is None:
            return
        with self._context("data"):
            self._choose_data(change["new"])

    def _choose_data(self, key):
        if key == "pasted":
            if self.paste_area.value.strip():
                self.load_text(self.paste_area.value)
            else:
                self._set_message(
                    "Paste some numbers in the box below, then press 'Use pasted numbers'."
                )
                self._sync_controls()
        elif key == "uploaded":
            if self._uploaded is None:
                self._set_message("Choose a CSV file with the upload button below.")
                self._sync_controls()
            else:
                self._use_upload(self.column_picker.value)
        else:
            self.load(key)

    def _on_upload(self, name, data):
        """A whole file arrived (the button checked its size before sending it)."""
        self.upload_label.value = f"reading <b>{_html_escape(name)}</b>…"
        with self._context("data"):
            # load_csv takes the first two columns and fills the picker only on success.
            ok = self.load_csv(data)
        if ok:
            self._upload_name = name
        self._label_upload_in_use()

    def _label_upload_in_use(self):
        """Beside the button: the uploaded file the picture shows, if it shows one."""
        name = self._upload_name if self._data_key == "uploaded" else None
        self.upload_label.value = f"in use: <b>{_html_escape(name)}</b>" if name else ""

    def _on_upload_refused(self, sentence):
        with self._context("data"):
            self._set_message(sentence)
        self._label_upload_in_use()

    def _on_upload_progress(self, name, received, size):
        # Each change is a message to the browser: a few per file are enough.
        self.upload_label.value = (
            f"receiving <b>{_html_escape(name)}</b>: {received * 100 // max(size, 1)} %"
        )

    def _on_columns(self, _):
        with self._context("data"):
            if self._uploaded is not None:
                self._use_upload(self.column_picker.value)
            else:
                self._set_message("Upload a CSV file first, then pick its columns.")

    def _use_upload(self, columns):
        columns = list(columns) if columns else None
        return self.load_csv(self._uploaded, columns=columns)

    def _show_progress(self, visible):
        self.progress.value = 0
        self.progress.layout.display = "" if visible else "none"

    def _progress_value(self, fraction):
        # Each change is a message to the browser: send only visible steps (2 %).
        if fraction >= 1.0 or fraction - self.progress.value >= 0.02:
            self.progress.value = min(float(fraction), 1.0)

    # ------------------------------------------------------------------ drawing

    def _build_figure(self):
        """A new picture for new data (a new figure: its size follows the data's D)."""
        self.view = self._new_view(figure=None)
        self.downloads.new_run(self.view, self.state.dataset.name, self.state.dataset.columns)

    def _reset_plot(self):
        """The picture of a new fit of the same data, drawn into the same figure."""
        self.view = self._new_view(figure=self.view.figure)
        self.downloads.new_run(self.view, self.state.dataset.name, self.state.dataset.columns)

    def _new_view(self, figure):
        st = self.state
        n, d = st.X.shape
        title = run_title(
            st.dataset.name, n, st.options.n_components, st.options.covariance_type, d
        )
        return plotting.StepView(
            st.X,
            st.history,
            st.step,
            size=self._size,
            columns=st.dataset.axis_labels,
            title=title,
            truth=st.dataset.truth,
            figure=figure,
            whole_run=self.whole_run_box.value,
            lower_bound=self.bound_box.value,
        )

    def _render(self):
        """Show the current half-step: artists in place, the panels, the image, and the label
        last. Each change reaches the page as its own message, in order: the label that
        announces a half-step arrives after its picture, table and formulas, so whoever waits
        for it (a teacher, a screen reader, a test) never sees the last step's table beside
        it (Start over sometimes showed the new label over the old E-step's table)."""
        self._update_view()
        png = self.view.png()
        self.image.value = png
        self.downloads.new_picture(self.state.step)
        self.step_label.value = self._describe_step()

    def _update_view(self):
        """Everything a half-step changes but the PNG and the label: artists, table,
        formulas, the picture's text alternative."""
        self.view.select(self.state.selected_point)
        self.view.show(self.state.step)
        st = self.state
        self.a11y.alt = worked.narrate(
            st.X, st.history, st.step, responsibilities=self._responsibilities(st.step)
        )
        self._render_side()

    def _render_side(self):
        st = self.state
        s = st.step
        resp = self._responsibilities(s)
        self.table_html.value = worked.responsibility_table_html(
            resp,
            st.X,
            columns=st.dataset.columns,
            selected=st.selected_point,
            phase=st.history.phase(s),
        )
        self.work_html.value = worked.step_html(
            st.X,
            st.history,
            s,
            point_index=st.selected_point,
            component_index=st.selected_component,
            responsibilities=self._responsibilities(s),
        )

    def _describe_step(self):
        h, s = self.state.history, self.state.step
        phase = h.phase(s)
        ll = h.log_likelihood(s)
        it = h.iteration(s)
        text = {
            "init": "The start: the initial Gaussians, before any E-step.",
            "E": f"E-step {it}: each point's responsibilities under the current Gaussians "
            "(the Gaussians do not move).",
            "M": f"M-step {it}: the Gaussians move to the responsibility-weighted mean, "
            "variance and share of the points.",
        }[phase]
        status = ""
        if s == self.n_steps - 1:
            status = (
                " &nbsp;<i>(converged)</i>"
                if h.converged
                else " &nbsp;<i>(stopped at the iteration limit)</i>"
            )
        notes = [describe_together(same) for same in merge(h.note_records(s))]
        note_html = "".join(f'<div style="color:#7a2800">⚠ {_html_escape(n)}</div>' for n in notes)
        return (
            f"<b>Half-step {s} of {self.n_steps - 1}</b> — {text} "
            f"Log-likelihood: <b>{ll:.4f}</b>{status}{note_html}"
        )


def _note_html(text):
    """A note (not a mistake) beside a control: how something was understood."""
    return (
        '<div role="status" style="border:1px solid #0072B2;background:#eef6fb;'
        f'padding:6px 10px;border-radius:4px">{_html_escape(text)}</div>'
    )


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

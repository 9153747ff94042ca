"""How the explorer's controls show its state, and how they change it: each control is tied
to the state here, once.

The state reaches a control by observation (traitlets' ``dlink``, with a transform where the
control counts from 1 and the state from 0). A control reaches the state by one path: a
``link`` where the control cannot hold a wrong value (the slider, the size, the curve's
check boxes); otherwise a request to the explorer (``set_options``, ``load``, ...) that may
be refused, with one sentence beside the control, after which the control shows again the
value the picture uses. A control that already shows the state's value asks for nothing,
so the state showing itself in a control never comes back as a request.
"""

from __future__ import annotations

from html import escape as _html_escape

import traitlets

from gmm_viz.em import PARAMETER_NAMES
from gmm_viz.widgets.controls import MAX_K
from gmm_viz.widgets.state import DATA_CHOICES, REG_CHOICES

__all__ = ["Binding"]

_DATA_KEYS = {key for _, key in DATA_CHOICES}
_MAX_SEED = 2**32 - 1


class Binding:
    """Ties ``explorer.controls`` to ``explorer.state`` (see the module's docstring).

    Parameters
    ----------
    explorer : EMExplorer
        Its state, its controls, and the methods a control asks (``set_options``,
        ``load``, ``load_text``, ``start_over``, ``use_means_only_model``, ...).
    """

    def __init__(self, explorer):
        self.explorer = explorer
        self.state = st = explorer.state
        self.c = c = explorer.controls
        self._show_again = {}  # control -> shows the state in it again, after a refusal
        self._asks = {}  # control -> its observer asking for an option

        # Stepping. The slider's range is the run's before its value is the run's step.
        traitlets.dlink((st, "model"), (c.step_slider, "max"), lambda m: m.history_.n_steps - 1)
        traitlets.link((st, "step"), (c.step_slider, "value"))
        c.prev_button.on_click(lambda _: explorer._nudge(-1))
        c.next_button.on_click(lambda _: explorer._nudge(+1))
        c.reset_button.on_click(lambda _: explorer.start_over())
        c.play_button.observe(self._on_play, names="value")
        st.observe(self._pause_at_the_end, names="step")
        st.observe(lambda _: setattr(c.play_button, "value", False), names="model")
        traitlets.link((st, "size"), (c.size_toggle, "value"))
        traitlets.link((st, "whole_run"), (c.whole_run_box, "value"))
        traitlets.link((st, "lower_bound"), (c.bound_box, "value"))

        # Data.
        self._show(c.data_dropdown, "data_key", lambda k: k if k in _DATA_KEYS else None)
        c.data_dropdown.observe(self._on_data, names="value")
        c.paste_button.on_click(lambda _: explorer.load_text(c.paste_area.value))
        c.upload.set_handlers(self._on_upload, self._on_upload_refused, self._on_upload_progress)
        c.column_button.on_click(self._on_columns)
        st.observe(self._show_file, names=["upload", "dataset", "data_key"])
        self._show_file()

        # Model and start: each control asks for its own option.
        self._option(c.k_input, "n_components")
        self._option(c.cov_dropdown, "covariance_type")
        self._option(c.init_dropdown, "init_params")
        self._option(c.seed_input, "random_state")
        self._option(c.reg_dropdown, "reg_covar", show=self._show_reg)
        for name, box in c.fixed_boxes.items():
            self._option(box, "fixed", view=lambda o, n=name: n in o.fixed, ask=self._held(name))
        c.means_only_button.on_click(lambda _: explorer.use_means_only_model())

        # The point and the component of the formulas, shown from 1.
        self._selector(c.point_input, "selected_point", _no_point)
        self._selector(c.component_input, "selected_component", _no_component)

    def _show(self, control, trait, transform):
        """``control.value`` shows ``transform`` of the state's ``trait``, now and after each
        change of it."""
        traitlets.dlink((self.state, trait), (control, "value"), transform)
        self._show_again[control] = lambda: setattr(
            control, "value", transform(getattr(self.state, trait))
        )

    def show_again(self, control):
        """After a refusal: ``control`` shows the value the picture uses."""
        self._show_again[control]()

    # ------------------------------------------------------------------ stepping

    def _on_play(self, change):
        ex = self.explorer
        self.c.play_button.description = "❚❚ Pause" if change["new"] else "▶ Play"
        if not change["new"]:
            ex._player.stop()
            return
        if ex.step == ex.n_steps - 1:
            ex.step = 0  # play from the start again
        ex._player.start()

    def _pause_at_the_end(self, change):
        if change["new"] == self.state.n_steps - 1 and self.c.play_button.value:
            self.c.play_button.value = False  # the run is over: the button says "play" again

    # ------------------------------------------------------------------ data

    def _on_data(self, change):
        key = change["new"]
        if key is None or key == self.state.data_key:
            return
        with self.explorer._context("data"):
            if not self._choose_data(key):
                self.show_again(self.c.data_dropdown)

    def _choose_data(self, key):
        ex, c = self.explorer, self.c
        if key == "pasted":
            if c.paste_area.value.strip():
                return ex.load_text(c.paste_area.value)
            ex._set_message(
                "Paste some numbers in the box below, then press 'Use pasted numbers'."
            )
            return False
        if key == "uploaded":
            if self.state.upload is None:
                ex._set_message("Choose a CSV file with the upload button below.")
                return False
            return ex._use_upload(c.column_picker.value)
        return ex.load(key)

    def _on_columns(self, _):
        with self.explorer._context("data"):
            if self.state.upload is None:
                self.explorer._set_message("Upload a CSV file first, then pick its columns.")
            elif not self.explorer._use_upload(self.c.column_picker.value):
                self._show_file()

    def _show_file(self, change=None):
        """The column picker offers the uploaded file's columns, with those in use chosen;
        beside the upload button, the file the picture shows, if it shows one."""
        st, picker = self.state, self.c.column_picker
        upload, in_use = st.upload, st.data_key == "uploaded"
        picker.options = upload.columns if upload is not None else ()
        if in_use and set(st.dataset.columns) <= set(picker.options):
            picker.value = tuple(st.dataset.columns)
        name = upload.name if upload is not None and in_use else None
        self.c.upload_label.value = f"in use: <b>{_html_escape(name)}</b>" if name else ""

    def _on_upload(self, name, data):
        """A whole file arrived (the button checked its size before sending it)."""
        self.c.upload_label.value = f"reading <b>{_html_escape(name)}</b>…"
        with self.explorer._context("data"):
            self.explorer._load_csv(data, name=name)
        self._show_file()  # the file in use, whether or not this one was read

    def _on_upload_refused(self, sentence):
        with self.explorer._context("data"):
            self.explorer._set_message(sentence)
        self._show_file()

    def _on_upload_progress(self, name, received, size):
        # Each change is a message to the browser: a few per file are enough.
        self.c.upload_label.value = (
            f"receiving <b>{_html_escape(name)}</b>: {received * 100 // max(size, 1)} %"
        )

    # ------------------------------------------------------------------ model

    def _option(self, control, name, view=None, ask=None, show=None):
        """``control`` shows ``view`` of the options (their ``name`` unless told) and, when
        changed, asks for the option ``name`` set to ``ask`` of its value (the value unless
        told); ``show`` replaces the plain showing."""
        view = view or (lambda options: getattr(options, name))
        if show is None:
            self._show(control, "options", view)
        else:
            self.state.observe(lambda _: show(), names="options")
            self._show_again[control] = show
            show()

        def on_change(change):
            if change["new"] == view(self.state.options):
                return  # it shows the state: nothing is asked
            value = change["new"] if ask is None else ask(change["new"])
            ex = self.explorer
            with ex._context("model"):
                refusal = _refusal(name, value, self.state.options)
                if refusal:
                    ex._set_message(refusal)
                ok = not refusal and ex.set_options(**{name: value})
            if not ok:
                self.show_again(control)

        control.observe(on_change, names="value")
        self._asks[control] = on_change

    def _held(self, parameter):
        """The fixed parameters with ``parameter``'s box ticked or not, the others as they
        are (in the estimator's order)."""

        def ask(ticked):
            held = set(self.state.options.fixed) - {parameter} | ({parameter} if ticked else set())
            return tuple(n for n in PARAMETER_NAMES if n in held)

        return ask

    def _show_reg(self):
        """The reg_covar dropdown shows the option, adding it to the choices when it is not
        one of them (a value given from Python)."""
        reg, dropdown = self.state.options.reg_covar, self.c.reg_dropdown
        if reg not in [v for _, v in dropdown.options]:
            # New choices select the first for a moment: not the user's choice, not asked.
            ask = self._asks.get(dropdown)  # None while the binding is being made
            if ask is not None:
                dropdown.unobserve(ask, names="value")
            dropdown.options = [*REG_CHOICES, (f"{reg:g}", reg)]
            if ask is not None:
                dropdown.observe(ask, names="value")
        dropdown.value = reg

    # ------------------------------------------------------------------ selection

    def _selector(self, control, trait, refusal):
        """``control`` shows the state's ``trait`` from 1 and sets it; a number the state
        refuses (no such point or component) is said with ``refusal(number, state)``."""
        st = self.state
        self._show(control, trait, lambda i: i + 1)

        def on_change(change):
            number = change["new"]
            if number == getattr(st, trait) + 1:
                return  # it shows the state: nothing is asked
            try:
                setattr(st, trait, number - 1)
                return
            except traitlets.TraitError:
                pass
            with self.explorer._context("work"):
                self.explorer._set_message(refusal(number, st))
            self.show_again(control)

        control.observe(on_change, names="value")


def _no_point(number, st):
    return (
        f"Point {number} does not exist: choose one from 1 to {st.X.shape[0]}; the panel "
        f"still shows point {st.selected_point + 1}."
    )


def _no_component(number, st):
    return (
        f"Component {number} does not exist: choose one from 1 to "
        f"{st.options.n_components}; the panel still shows component "
        f"{st.selected_component + 1}."
    )


def _refusal(name, value, options):
    """The sentence refusing a value a control may hold but a fit may not take, or None."""
    if name == "n_components" and not 1 <= value <= MAX_K:
        return (
            f"K must be a whole number from 1 to {MAX_K}; it stays at "
            f"{options.n_components}, the K of the picture."
        )
    if name == "random_state" and not 0 <= value <= _MAX_SEED:
        return (
            f"The seed must be a whole number from 0 to {_MAX_SEED}; it stays at "
            f"{options.random_state}."
        )
    return None

"""The explorer's picture and the panels beside it, drawn from its state.

:class:`Picture` observes an :class:`~gmm_viz.widgets.state.ExplorerState`: a new fit or a
new size makes a new :class:`~gmm_viz.plotting.StepView`, and the step, the selection and
the curve's options redraw it. Nothing here changes the state.
"""

from __future__ import annotations

from html import escape as _html_escape

from gmm_viz import plotting, worked
from gmm_viz.conventions import run_title
from gmm_viz.em.notes import describe_together, merge

__all__ = ["Picture", "describe_step"]


class Picture:
    """The figure, the responsibility table, the formulas, the step label and the
    picture's text alternative, kept showing ``state``.

    Parameters
    ----------
    state : ExplorerState
    controls : Controls
        Its ``image``, ``table_html``, ``work_html`` and ``step_label`` are written here.
    downloads : DownloadBar
        Told of each new run and picture.
    a11y : PageA11y
        Its ``alt`` narrates the half-step shown.
    """

    def __init__(self, state, controls, downloads, a11y):
        self.state = state
        self._c = controls
        self.downloads = downloads
        self.a11y = a11y
        self.view = None
        self._made_for = None  # (data set, size) of the figure: a new one when either changes
        # Called with the half-step before each is drawn (a class's answers leave the picture
        # in the same render as the step that ends them: one picture sent, not two).
        self.before_render = []
        self._new_view()
        self.render()
        state.observe(self._on_run, names=["model", "size"])
        state.observe(self._on_shown, names=["step", "selected_point", "selected_component"])
        state.observe(self._on_curve, names=["whole_run", "lower_bound"])

    # ------------------------------------------------------------------ observers

    def _on_run(self, change):
        self._new_view()
        self.render()

    def _on_shown(self, change):
        # A new run sets its step and selection before its model: the model's change draws
        # it, with the view made for it (this one would draw the old run).
        if self.view.history is self.state.history:
            self.render()

    def _on_curve(self, change):
        self.view.whole_run = self.state.whole_run
        self.view.lower_bound = self.state.lower_bound
        self.render()

    # ------------------------------------------------------------------ drawing

    def _new_view(self):
        """A view of the state's run: into the same figure for a new fit of the same data,
        into a new one for new data (its size follows the data's D) or a new size."""
        st = self.state
        made_for = (st.dataset, st.size)
        figure = self.view.figure if made_for == self._made_for else None
        n, d = st.X.shape
        title = run_title(
            st.dataset.name, n, st.options.n_components, st.options.covariance_type, d
        )
        self.view = plotting.StepView(
            st.X,
            st.history,
            st.step,
            size=st.size,
            columns=st.dataset.axis_labels,
            title=title,
            truth=st.dataset.truth,
            figure=figure,
            whole_run=st.whole_run,
            lower_bound=st.lower_bound,
        )
        self._made_for = made_for
        self.downloads.new_run(self.view, st.dataset.name, st.dataset.columns)

    def render(self):
        """Show the state's half-step: artists in place, the panels, the image, and the label
        last. Each change reaches the page as its own message, in order: the label that
        announces a half-step arrives after its picture, table and formulas, so whoever waits
        for it (a teacher, a screen reader, a test) never sees the last step's table beside
        it (Start over sometimes showed the new label over the old E-step's table)."""
        step = self.state.step
        for hook in self.before_render:
            hook(step)
        self.update(step)
        self._c.image.value = self.view.png()
        self.downloads.new_picture(step)
        self._c.step_label.value = describe_step(self.state.history, step)

    def update(self, step):
        """Everything half-step ``step`` changes but the PNG and the label: artists, table,
        formulas, the picture's text alternative."""
        st = self.state
        self.view.select(st.selected_point)
        self.view.show(step)
        resp = self.view.responsibilities(step)
        self.a11y.alt = worked.narrate(st.X, st.history, step, responsibilities=resp)
        self._c.table_html.value = worked.responsibility_table_html(
            resp,
            st.X,
            columns=st.dataset.columns,
            selected=st.selected_point,
            phase=st.history.phase(step),
        )
        self._c.work_html.value = worked.step_html(
            st.X,
            st.history,
            step,
            point_index=st.selected_point,
            component_index=st.selected_component,
            responsibilities=resp,
        )


def describe_step(history, step):
    """The label over the picture: which half-step this is, what it does, the
    log-likelihood, and the notes of the run at this step (HTML)."""
    h, s = history, step
    it = h.iteration(s)
    text = {
        "init": "The start: the initial Gaussians, before any E-step.",
        "E": f"E-step {it}: each point's responsibilities under the current Gaussians "
        "(the Gaussians do not move).",
        "M": f"M-step {it}: the Gaussians move to the responsibility-weighted mean, "
        "variance and share of the points.",
    }[h.phase(s)]
    status = ""
    if s == h.n_steps - 1:
        status = (
            " &nbsp;<i>(converged)</i>"
            if h.converged
            else " &nbsp;<i>(stopped at the iteration limit)</i>"
        )
    notes = [describe_together(same) for same in merge(h.note_records(s))]
    note_html = "".join(f'<div style="color:#7a2800">⚠ {_html_escape(n)}</div>' for n in notes)
    return (
        f"<b>Half-step {s} of {h.n_steps - 1}</b> — {text} "
        f"Log-likelihood: <b>{h.log_likelihood(s):.4f}</b>{status}{note_html}"
    )

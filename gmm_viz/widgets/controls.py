"""The explorer's controls and where they sit on the page: widgets only, no EM and no
events (:mod:`~gmm_viz.widgets.binding` ties them to the state, which sets their values).

The page is laid out for a projector: the stepping bar on top, the picture on the left with
the responsibilities and the settings beside it (so the picture stays in view while a
setting changes), the formulas below. Every message appears next to the control that
caused it, and in the banner under the stepping bar; the banner and the label keep their
height, so nothing jumps. No control uses an icon font (nothing is fetched from outside).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import ipywidgets as w

from gmm_viz.em import COVARIANCE_TYPES, PARAMETER_NAMES
from gmm_viz.widgets.file_upload import ChunkedUpload
from gmm_viz.widgets.state import DATA_CHOICES, INIT_CHOICES, MAX_UPLOAD_BYTES, REG_CHOICES

__all__ = ["MAX_K", "Controls", "build_controls", "lay_out"]

# The largest K the explorer offers (more components than colours help nobody in class).
MAX_K = 12

# The page's own rules: the picture fits the window's height, the side panel wraps under
# the picture on a narrow (or zoomed) window, long formulas scroll instead of being cut.
_CSS = """
<style>
.gmm-explorer { font-size: 15px; }
.gmm-explorer .gmm-main { flex-flow: row wrap; align-items: flex-start; gap: 12px; }
.gmm-explorer .gmm-stepping { gap: 6px; }
.gmm-explorer .gmm-picture { flex: 3 1 520px; min-width: 0; }
.gmm-explorer .gmm-side { flex: 2 1 340px; min-width: 300px; max-width: 620px; }
.gmm-explorer .gmm-figure img, .gmm-explorer img.gmm-figure {
  width: 100%; height: auto; max-height: max(calc(100vh - 170px), 420px); object-fit: contain;
  object-position: left top;
}
.gmm-explorer .gmm-banner { height: 3.4em; overflow-y: auto; }
.gmm-explorer .gmm-step-label { min-height: 2.8em; }
.gmm-explorer .gmm-work { overflow-x: auto; max-width: 100%; }
.gmm-explorer .gmm-work mjx-container[display="true"] { overflow-x: auto; overflow-y: hidden; }
.gmm-explorer .jupyter-widget-Collapse-header { color: #333; }
/* Labels grow with their words but line the settings' boxes up in a column. */
.gmm-explorer .gmm-settings .widget-inline-hbox > .widget-label { min-width: 6em; }
.gmm-explorer .gmm-work .widget-htmlmath-content { min-width: 0; }
.gmm-explorer .gmm-work .gmm-chain mjx-container { display: inline-block; max-width: 100%;
  overflow-x: auto; overflow-y: hidden; vertical-align: middle; margin: 0.2em 0; }
.gmm-explorer.gmm-projector { font-size: 20px; }
/* Projector: no text under 16 px (ipywidgets' own is 13 px), nothing ellipsised. */
.gmm-explorer.gmm-projector :is(.widget-label, .widget-label-basic, .widget-label-basic span,
  .widget-readout, .widget-html-content, .widget-htmlmath-content, button, input, select,
  textarea, a, label) {
  font-size: 18px;
}
.gmm-explorer.gmm-projector .widget-readout { min-width: 3em; }
.gmm-explorer.gmm-projector .gmm-settings .widget-inline-hbox { width: 100%; max-width: 32em; }
.gmm-explorer.gmm-projector :is(sub, sup) { font-size: max(16px, 0.8em) !important; }
.gmm-explorer.gmm-projector .gmm-work .widget-htmlmath-content { font-size: 20px; }
.gmm-explorer.gmm-projector :is(.gmm-step-label, .gmm-banner) .widget-html-content {
  font-size: 19px;
}
/* The table sets its own sizes inline (13 px): the projector's win. */
.gmm-explorer.gmm-projector .gmm-table :is(table, caption, th, td, div) {
  font-size: 18px !important;
}
.gmm-explorer.gmm-projector .gmm-table :is(th, td) { padding: 2px 5px !important; }
.gmm-explorer.gmm-projector .gmm-table th { white-space: normal; }
/* The side panel takes the table's width and the picture the rest, but the picture keeps
   640 px (as big as a 720 px high window allows): a wider table goes under it.
   The settings and the note before any E-step fit the panel instead of widening it. */
.gmm-explorer.gmm-projector .gmm-picture { flex-basis: 640px; }
.gmm-explorer.gmm-projector .gmm-side { flex: 1 1 auto; max-width: 100%; min-width: 360px; }
.gmm-explorer.gmm-projector :is(.gmm-settings,
  .gmm-table .widget-html-content > div:not(:has(table))) { contain: inline-size; }
/* The app's own words around the explorer (Voila's page only), as big as the explorer's. */
#rendered_cells:has(.gmm-explorer.gmm-projector) .jp-RenderedMarkdown { font-size: 18px; }
/* An empty banner takes no room from the picture (it shows an alert when there is one). */
.gmm-explorer.gmm-projector .gmm-banner:not(:has([role="alert"])) {
  height: 0; min-height: 0; margin: 0;
}
</style>
"""


@dataclass
class Controls:
    """Every widget of the explorer, by name (the explorer answers each name as an
    attribute)."""

    reset_button: object = None
    play_button: object = None
    prev_button: object = None
    step_slider: object = None
    next_button: object = None
    size_toggle: object = None
    whole_run_box: object = None
    bound_box: object = None
    step_label: object = None
    message_html: object = None
    data_dropdown: object = None
    paste_area: object = None
    paste_button: object = None
    upload: object = None
    upload_label: object = None
    column_picker: object = None
    column_button: object = None
    data_message: object = None
    k_input: object = None
    cov_dropdown: object = None
    init_dropdown: object = None
    seed_input: object = None
    reg_dropdown: object = None
    fixed_boxes: object = None
    means_only_button: object = None
    model_message: object = None
    progress: object = None
    image: object = None
    table_html: object = None
    point_input: object = None
    component_input: object = None
    work_message: object = None
    work_html: object = None

    def items(self):
        """(name, widget) pairs."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


# Labels as wide as their words: ipywidgets' fixed 80 px cuts "Component" at projector size.
_LABEL = {"description_width": "initial"}


def _message_box(css_class):
    box = w.HTML()
    box.add_class("gmm-message")
    box.add_class(css_class)
    return box


def build_controls():
    """The widgets, without their values: those are the state's (binding.py)."""
    c = Controls()
    c.reset_button = w.Button(
        description="⟲ Start over",
        tooltip="Back to this data set's start: its own options, half-step 0",
        layout=w.Layout(width="auto"),
    )
    c.reset_button.add_class("gmm-reset")
    # Play runs on the kernel's clock (player.py): a labelled toggle starts and stops it.
    c.play_button = w.ToggleButton(
        value=False,
        description="▶ Play",
        tooltip="Play: step through the half-steps on their own (click again to pause)",
        layout=w.Layout(width="auto"),
    )
    c.play_button.add_class("gmm-play")
    c.step_slider = _slider()
    c.prev_button = w.Button(
        description="◀ Previous",
        tooltip="The previous half-step (← or PageUp anywhere on the page)",
        layout=w.Layout(width="auto"),
    )
    c.next_button = w.Button(
        description="Next ▶",
        tooltip="The next half-step (→, PageDown or Space anywhere on the page)",
        layout=w.Layout(width="auto"),
    )
    c.prev_button.add_class("gmm-prev")
    c.next_button.add_class("gmm-next")
    c.size_toggle = w.ToggleButtons(
        options=[("Screen", "screen"), ("Projector", "projector")],
        tooltips=["Sizes for a screen at arm's length", "Big text and lines for a projector"],
        style={"button_width": "auto"},
    )
    c.size_toggle.add_class("gmm-size")
    c.whole_run_box = w.Checkbox(
        value=False,
        description="whole curve",
        tooltip="Show the log-likelihood of every half-step, not only up to this one",
        indent=False,
        layout=w.Layout(width="auto"),
    )
    c.whole_run_box.add_class("gmm-whole-run")
    c.bound_box = w.Checkbox(
        value=False,
        description="lower bound",
        tooltip="Draw EM's lower bound L(q, θ) beside the log-likelihood; its gap at an "
        "M-step is KL(q ‖ posterior), which the next E-step closes",
        indent=False,
        layout=w.Layout(width="auto"),
    )
    c.bound_box.add_class("gmm-bound")
    c.step_label = w.HTML()
    c.step_label.add_class("gmm-step-label")
    c.message_html = _message_box("gmm-banner")

    c.data_dropdown = w.Dropdown(
        options=list(DATA_CHOICES),
        value=None,
        description="Data",
        style=_LABEL,
        layout=w.Layout(width="95%"),
    )
    c.data_dropdown.add_class("gmm-data")
    c.paste_area = w.Textarea(
        placeholder="Paste numbers: 0.9, 0.7, 1.2, 2.4, 1.8  (or rows of x, y)",
        layout=w.Layout(width="95%", height="70px"),
    )
    c.paste_button = w.Button(
        description="Use pasted numbers",
        tooltip="Fit the numbers typed or pasted above",
        layout=w.Layout(width="auto"),
    )
    c.paste_button.add_class("gmm-paste-use")
    # Sent in pieces, checked for size in the browser: ipywidgets' FileUpload sends a file in
    # one message, which servers drop beyond 10 MiB without a word (file_upload.py).
    c.upload = ChunkedUpload(
        accept=".csv,.txt,.tsv",
        description="Upload a CSV",
        tooltip="A CSV file of numbers, with or without a header row (at most 50 MB)",
        max_bytes=MAX_UPLOAD_BYTES,
    )
    c.upload.add_class("gmm-upload")
    c.upload_label = w.HTML()
    c.upload_label.add_class("gmm-upload-label")
    c.column_picker = w.SelectMultiple(
        options=[], description="Columns", rows=3, style=_LABEL, layout=w.Layout(width="95%")
    )
    c.column_button = w.Button(
        description="Use these columns",
        tooltip="Fit the one or two columns chosen above",
        layout=w.Layout(width="auto"),
    )
    c.data_message = _message_box("gmm-data-message")

    # K is typed freely: a value out of range is said next to the box, never clamped.
    c.k_input = w.IntText(description="K", style=_LABEL)
    c.k_input.add_class("gmm-k")
    c.cov_dropdown = w.Dropdown(
        options=list(COVARIANCE_TYPES),
        description="Covariance",
        style=_LABEL,
    )
    c.cov_dropdown.add_class("gmm-cov")
    c.init_dropdown = w.Dropdown(options=list(INIT_CHOICES), description="Start", style=_LABEL)
    c.init_dropdown.add_class("gmm-init")
    c.seed_input = w.IntText(description="Seed", style=_LABEL)
    c.seed_input.add_class("gmm-seed")
    c.reg_dropdown = w.Dropdown(options=list(REG_CHOICES), description="reg_covar", style=_LABEL)
    c.fixed_boxes = {
        name: w.Checkbox(
            description=f"hold {name} fixed",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        for name in PARAMETER_NAMES
    }
    c.means_only_button = w.Button(
        description="Means-only model (K=3, variance 1)",
        tooltip="The K-means-like model: variances held at 1, weights at 1/3",
        layout=w.Layout(width="auto"),
    )
    c.model_message = _message_box("gmm-model-message")
    c.progress = w.FloatProgress(value=0, min=0, max=1, description="Fitting…", style=_LABEL)
    c.progress.layout.display = "none"

    c.image = w.Image(format="png", layout=w.Layout(width="100%"))
    c.image.add_class("gmm-figure")
    c.table_html = w.HTML()
    c.table_html.add_class("gmm-table")
    c.point_input = w.IntText(description="Point", style=_LABEL)
    c.point_input.add_class("gmm-point")
    c.component_input = w.IntText(description="Component", style=_LABEL)
    c.component_input.add_class("gmm-component")
    c.work_message = _message_box("gmm-work-message")
    c.work_html = w.HTMLMath(layout=w.Layout(min_height="12em", max_width="100%"))
    c.work_html.add_class("gmm-work")
    return c


def _slider():
    slider = w.IntSlider(
        value=0,
        min=0,
        max=0,
        description="Half-step",
        continuous_update=True,
        style={"description_width": "initial"},
        layout=w.Layout(width="360px"),
    )
    slider.add_class("gmm-step-slider")
    return slider


def lay_out(c, downloads, *page_widgets):
    """The page: the stepping bar, the label and the banner; the picture with the
    responsibilities and the settings beside it; the formulas below. ``page_widgets`` are
    invisible helpers of the page (presenter keys, screen-reader labels), put first."""
    stepping = w.HBox(
        [
            c.reset_button,
            c.play_button,
            c.prev_button,
            c.step_slider,
            c.next_button,
            c.size_toggle,
            c.whole_run_box,
            c.bound_box,
        ],
        layout=w.Layout(flex_flow="row wrap", align_items="center"),
    )
    stepping.add_class("gmm-stepping")
    data_box = w.VBox(
        [
            c.data_dropdown,
            c.paste_area,
            c.paste_button,
            w.HBox([c.upload, c.upload_label], layout=w.Layout(align_items="center")),
            c.column_picker,
            c.column_button,
            c.data_message,
        ]
    )
    model_box = w.VBox(
        [
            c.k_input,
            c.cov_dropdown,
            c.init_dropdown,
            c.seed_input,
            c.reg_dropdown,
            *c.fixed_boxes.values(),
            c.means_only_button,
            c.model_message,
        ]
    )
    settings = w.Accordion(children=[data_box, model_box])
    settings.set_title(0, "Data")
    settings.set_title(1, "Model and start")
    settings.selected_index = None
    settings.add_class("gmm-settings")
    side = w.VBox(
        [w.HTML("<b>Responsibilities</b>"), c.table_html, c.progress, settings],
        layout=w.Layout(overflow="auto"),
    )
    side.add_class("gmm-side")
    picture = w.VBox([c.image, downloads.box])
    picture.add_class("gmm-picture")
    main = w.HBox([picture, side], layout=w.Layout(width="100%"))
    main.add_class("gmm-main")
    work = w.VBox(
        [
            w.HTML("<b>Show your work</b>: the formulas with their numbers"),
            w.HBox([c.point_input, c.component_input], layout=w.Layout(flex_flow="row wrap")),
            c.work_message,
            c.work_html,
        ]
    )
    root = w.VBox(
        [w.HTML(_CSS), *page_widgets, stepping, c.step_label, c.message_html, main, work],
        layout=w.Layout(width="100%"),
    )
    root.add_class("gmm-explorer")
    return root

"""The explorer's controls and where they sit on the page: widgets only, no EM and no
events (the explorer answers those).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import ipywidgets as w

from gmm_viz.em import COVARIANCE_TYPES, PARAMETER_NAMES
from gmm_viz.widgets.state import DATA_CHOICES, INIT_CHOICES, REG_CHOICES

__all__ = ["Controls", "build_controls", "lay_out"]


@dataclass
class Controls:
    """Every widget of the explorer, by name (the explorer exposes each as an attribute)."""

    step_slider: object = None
    play: object = None
    prev_button: object = None
    next_button: object = None
    step_label: object = None
    data_dropdown: object = None
    paste_area: object = None
    paste_button: object = None
    upload: object = None
    column_picker: object = None
    column_button: object = None
    k_input: object = None
    cov_dropdown: object = None
    init_dropdown: object = None
    seed_input: object = None
    reg_dropdown: object = None
    fixed_boxes: object = None
    means_only_button: object = None
    progress: object = None
    message_html: object = None
    image: object = None
    table_html: object = None
    point_input: object = None
    component_input: object = None
    work_html: object = None

    def items(self):
        """(name, widget) pairs."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


def build_controls(opts, n_steps, n_points):
    """The widgets, set to the options ``opts`` of a run of ``n_steps`` half-steps on
    ``n_points`` points."""
    c = Controls()
    last = max(n_steps - 1, 0)
    c.step_slider = w.IntSlider(
        value=0,
        min=0,
        max=last,
        description="Half-step",
        continuous_update=True,
        layout=w.Layout(width="420px"),
    )
    c.step_slider.add_class("gmm-step-slider")
    c.play = w.Play(value=0, min=0, max=last, interval=700)
    c.play.add_class("gmm-play")
    w.link((c.play, "value"), (c.step_slider, "value"))
    c.prev_button = w.Button(description="◀ previous", layout=w.Layout(width="110px"))
    c.next_button = w.Button(description="next ▶", layout=w.Layout(width="110px"))
    c.prev_button.add_class("gmm-prev")
    c.next_button.add_class("gmm-next")
    c.step_label = w.HTML()
    c.step_label.add_class("gmm-step-label")

    c.data_dropdown = w.Dropdown(
        options=list(DATA_CHOICES),
        value=None,
        description="Data",
        layout=w.Layout(width="360px"),
    )
    c.data_dropdown.add_class("gmm-data")
    c.paste_area = w.Textarea(
        placeholder="Paste numbers: 0.9, 0.7, 1.2, 2.4, 1.8  (or rows of x, y)",
        layout=w.Layout(width="360px", height="70px"),
    )
    c.paste_button = w.Button(description="Use pasted numbers")
    c.paste_button.add_class("gmm-paste-use")
    c.upload = w.FileUpload(accept=".csv,.txt,.tsv", multiple=False, description="CSV")
    c.upload.add_class("gmm-upload")
    c.column_picker = w.SelectMultiple(
        options=[], description="Columns", rows=3, layout=w.Layout(width="360px")
    )
    c.column_button = w.Button(description="Use these columns")

    c.k_input = w.BoundedIntText(value=opts.n_components, min=1, max=12, description="K")
    c.k_input.add_class("gmm-k")
    c.cov_dropdown = w.Dropdown(
        options=list(COVARIANCE_TYPES), value=opts.covariance_type, description="Covariance"
    )
    c.cov_dropdown.add_class("gmm-cov")
    c.init_dropdown = w.Dropdown(
        options=list(INIT_CHOICES), value=opts.init_params, description="Start"
    )
    c.init_dropdown.add_class("gmm-init")
    # numpy seeds are whole numbers from 0 to 2**32 - 1; a negative one would raise.
    c.seed_input = w.BoundedIntText(
        value=opts.random_state, min=0, max=2**32 - 1, description="Seed"
    )
    c.reg_dropdown = w.Dropdown(
        options=list(REG_CHOICES), value=opts.reg_covar, description="reg_covar"
    )
    c.fixed_boxes = {
        name: w.Checkbox(value=name in opts.fixed, description=f"hold {name} fixed", indent=False)
        for name in PARAMETER_NAMES
    }
    c.means_only_button = w.Button(
        description="Means-only model (K=3, variance 1)", layout=w.Layout(width="270px")
    )
    c.progress = w.FloatProgress(value=0, min=0, max=1, description="Fitting…")
    c.progress.layout.display = "none"
    c.message_html = w.HTML()
    c.message_html.add_class("gmm-message")
    c.message_html.layout.display = "none"

    c.image = w.Image(format="png", layout=w.Layout(width="100%", max_width="900px"))
    c.image.add_class("gmm-figure")
    c.table_html = w.HTML()
    c.table_html.add_class("gmm-table")
    c.point_input = w.BoundedIntText(value=1, min=1, max=n_points, description="Point")
    c.component_input = w.BoundedIntText(
        value=1, min=1, max=opts.n_components, description="Component"
    )
    c.work_html = w.HTMLMath()
    c.work_html.add_class("gmm-work")

    return c


def lay_out(c, downloads):
    """The page: the stepping bar and label, the message, the picture with the table beside
    it, the formulas, and the settings (data, model and start)."""
    stepping = w.HBox([c.play, c.prev_button, c.step_slider, c.next_button])
    data_box = w.VBox(
        [
            c.data_dropdown,
            c.paste_area,
            c.paste_button,
            c.upload,
            c.column_picker,
            c.column_button,
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
        ]
    )
    side = w.VBox(
        [w.HTML("<b>Responsibilities</b>"), c.table_html],
        layout=w.Layout(min_width="340px", max_width="560px"),
    )
    # The formulas are wide: they get the full width under the picture.
    c.work_html.layout = w.Layout(overflow="auto hidden", max_width="100%")
    work = w.VBox(
        [
            w.HTML("<b>Show your work</b>: the formulas with their numbers"),
            w.HBox([c.point_input, c.component_input]),
            c.work_html,
        ]
    )
    main = w.HBox([w.VBox([c.image, downloads.box]), side])
    settings = w.Accordion(children=[data_box, model_box])
    settings.set_title(0, "Data")
    settings.set_title(1, "Model and start")
    settings.selected_index = 0
    root = w.VBox([stepping, c.step_label, c.message_html, c.progress, main, work, settings])
    root.add_class("gmm-explorer")
    return root

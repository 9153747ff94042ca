"""The explorer's state is observed: every control shows it, and a control changes it by one
path (gmm_viz.widgets.state, binding, picture).

``controls_agree_with_state`` is the invariant: after any operation, each control, the
picture and its label show the state. A refused value leaves the state as it was, says one
sentence beside its control, puts the control back, and draws nothing.
"""

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import pytest  # noqa: E402
import traitlets  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule  # noqa: E402

from gmm_viz.em import COVARIANCE_TYPES  # noqa: E402
from gmm_viz.widgets import EMExplorer, ExplorerState  # noqa: E402
from gmm_viz.widgets.controls import MAX_K  # noqa: E402
from gmm_viz.widgets.state import DATA_CHOICES, INIT_CHOICES, REG_CHOICES  # noqa: E402

TOY_TEXT = "0.9 0.7 1.2 2.4 1.8 5.5 6.1"


def controls_agree_with_state(explorer):
    """Assert that every control, the picture and the label show ``explorer.state``."""
    s, c = explorer.state, explorer.controls
    opts = s.options
    assert c.step_slider.max == s.n_steps - 1
    assert c.step_slider.value == s.step
    assert c.size_toggle.value == s.size
    assert ("gmm-projector" in explorer.widget._dom_classes) == (s.size == "projector")
    assert c.whole_run_box.value == s.whole_run
    assert c.bound_box.value == s.lower_bound
    keys = {key for _, key in DATA_CHOICES}
    assert c.data_dropdown.value == (s.data_key if s.data_key in keys else None)
    assert c.k_input.value == opts.n_components
    assert c.cov_dropdown.value == opts.covariance_type
    assert c.init_dropdown.value == opts.init_params
    assert c.seed_input.value == opts.random_state
    assert c.reg_dropdown.value == opts.reg_covar
    assert {n: b.value for n, b in c.fixed_boxes.items()} == {
        n: n in opts.fixed for n in c.fixed_boxes
    }
    assert c.point_input.value == s.selected_point + 1
    assert c.component_input.value == s.selected_component + 1
    assert c.column_picker.options == (s.upload.columns if s.upload is not None else ())
    if s.data_key == "uploaded":
        assert c.column_picker.value == tuple(s.dataset.columns)
    # The picture: the run, the half-step, the point, and the label announcing them.
    view = explorer.view
    assert view.history is s.history and view.step == s.step
    assert view.selected == s.selected_point
    assert view.lower_bound == s.lower_bound and view.whole_run == s.whole_run
    assert f"Half-step {s.step} of {s.n_steps - 1}</b>" in c.step_label.value
    assert explorer.downloads.png_link.filename.endswith(f"-step-{s.step}.png")


class _Renders:
    """Counts the picture's renders (each sends a PNG to the page)."""

    def __init__(self, explorer):
        self.n = 0
        explorer.controls.image.observe(self._count, names="value")

    def _count(self, change):
        self.n += 1

    def take(self):
        n, self.n = self.n, 0
        return n


@pytest.fixture(autouse=True)
def _close_widgets():
    yield
    ipywidgets.Widget.close_all()


@pytest.fixture
def toy():
    explorer = EMExplorer("toy", init_params="kmeans")
    controls_agree_with_state(explorer)
    return explorer


# --------------------------------------------------------------------------------------
# The state is an observable object, and the explorer holds no copy of it
# --------------------------------------------------------------------------------------


def test_the_state_is_one_hastraits_object_kept_for_the_explorers_life(toy):
    state = toy.state
    assert isinstance(state, ExplorerState) and isinstance(state, traitlets.HasTraits)
    for name in ("dataset", "options", "model", "step", "selected_point", "size"):
        assert state.has_trait(name), name
    assert toy.set_options(n_components=3) and toy.load("faithful:eruptions")
    assert toy.state is state
    # The widgets live in the controls, not copied onto the explorer; no syncing flag.
    assert "k_input" not in vars(toy) and "_updating" not in vars(toy)
    assert toy.k_input is toy.controls.k_input


def test_setting_the_states_step_moves_the_slider_and_the_picture(toy):
    renders = _Renders(toy)
    toy.state.step = 3
    assert toy.step_slider.value == 3 and toy.view.step == 3 and renders.take() == 1
    assert "Half-step 3 of" in toy.step_label.value
    toy.state.step = -1  # the history's rule: -1 is the last
    assert toy.state.step == toy.n_steps - 1 == toy.step_slider.value
    controls_agree_with_state(toy)


def test_moving_the_slider_sets_the_state(toy):
    seen = []
    toy.state.observe(lambda ch: seen.append(ch["new"]), names="step")
    toy.step_slider.value = 2
    assert toy.state.step == 2 == toy.step and seen == [2]
    toy.next_button.click()
    assert toy.state.step == 3 and seen == [2, 3]
    controls_agree_with_state(toy)


def test_the_state_refuses_a_step_point_or_component_it_does_not_have(toy):
    toy.state.step = 2
    renders = _Renders(toy)
    for trait, value in (
        ("step", toy.n_steps),
        ("step", 1.5),
        ("selected_point", 5),
        ("selected_point", -1),
        ("selected_component", 2),
    ):
        with pytest.raises(traitlets.TraitError):
            setattr(toy.state, trait, value)
    assert (toy.state.step, toy.state.selected_point, toy.state.selected_component) == (2, 0, 0)
    assert renders.take() == 0
    controls_agree_with_state(toy)


def test_state_options_size_and_curves_set_from_the_state_show_in_the_controls(toy):
    toy.state.size = "projector"
    toy.state.lower_bound = True
    toy.state.whole_run = True
    toy.state.selected_point, toy.state.selected_component = 3, 1
    controls_agree_with_state(toy)
    assert toy.set_options(reg_covar=0.05, fixed=("means",), covariance_type="tied")
    controls_agree_with_state(toy)
    # A new run opens at its start, point 1 and component 1; size and curves stay.
    assert (toy.state.step, toy.state.selected_point, toy.state.selected_component) == (0, 0, 0)
    assert toy.state.size == "projector" and toy.view.lower_bound


# --------------------------------------------------------------------------------------
# A control reaches the state by one path, and a refusal puts it back
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "value", "words"),
    [
        ("k_input", MAX_K + 1, "K must be a whole number from 1 to 12; it stays at 2"),
        ("k_input", 0, "K must be a whole number"),
        ("k_input", 6, "components"),  # in range, but the fit refuses: 5 points
        ("seed_input", -1, "seed must be a whole number from 0 to 4294967295"),
        ("seed_input", 2**32, "it stays at 0"),
    ],
)
def test_a_refused_option_leaves_the_state_and_its_control_agreeing(toy, control, value, words):
    toy.state.step = 2
    options, model = toy.state.options, toy.state.model
    renders = _Renders(toy)
    getattr(toy, control).value = value
    assert words in toy.message
    assert words in toy.model_message.value  # beside the control
    assert toy.state.options is options and toy.state.model is model and toy.step == 2
    assert renders.take() == 0  # the picture is not drawn again for a refused value
    controls_agree_with_state(toy)


@pytest.mark.parametrize(
    ("control", "value", "words"),
    [
        ("point_input", 6, "Point 6 does not exist: choose one from 1 to 5"),
        ("point_input", 0, "the panel still shows point 2"),
        ("component_input", 3, "Component 3 does not exist: choose one from 1 to 2"),
    ],
)
def test_a_point_or_component_that_does_not_exist_is_refused_beside_it(toy, control, value, words):
    toy.point_input.value = 2
    assert toy.state.selected_point == 1
    renders = _Renders(toy)
    getattr(toy, control).value = value
    assert words in toy.message and words in toy.work_message.value
    assert (toy.state.selected_point, toy.state.selected_component) == (1, 0)
    assert renders.take() == 0
    controls_agree_with_state(toy)


def test_each_option_control_asks_for_its_own_option_once(toy):
    renders = _Renders(toy)
    asked = []
    real = toy.set_options
    toy.set_options = lambda **changes: asked.append(changes) or real(**changes)
    toy.k_input.value = 3
    toy.cov_dropdown.value = "tied"
    toy.reg_dropdown.value = 0.1
    toy.fixed_boxes["weights"].value = True
    toy.fixed_boxes["means"].value = True
    toy.fixed_boxes["weights"].value = False
    assert asked == [
        {"n_components": 3},
        {"covariance_type": "tied"},
        {"reg_covar": 0.1},
        {"fixed": ("weights",)},
        {"fixed": ("weights", "means")},
        {"fixed": ("means",)},
    ]
    assert renders.take() == len(asked)  # one picture per fit, none for showing the state
    controls_agree_with_state(toy)


def test_a_new_run_shows_every_control_before_the_label(toy):
    """The label announcing the half-step arrives last: whoever waits for it sees the
    controls of the new run."""
    toy.state.step = 4
    toy.point_input.value = 3
    order = []
    c = toy.controls
    watched = {
        "step": c.step_slider,
        "k": c.k_input,
        "point": c.point_input,
        "image": c.image,
        "table": c.table_html,
        "label": c.step_label,
    }
    for name, widget in watched.items():
        widget.observe(lambda ch, name=name: order.append(name), names="value")
    c.step_slider.observe(lambda ch: order.append("max"), names="max")
    assert toy.set_options(n_components=3, max_iter=3)
    assert order[-1] == "label" and order.count("label") == 1 and order.count("image") == 1
    assert {"step", "k", "point", "max"} <= set(order[: order.index("image")])
    controls_agree_with_state(toy)


def test_refused_data_puts_the_dropdown_back(toy):
    renders = _Renders(toy)
    toy.data_dropdown.value = "pasted"  # nothing pasted
    assert "Paste some numbers" in toy.data_message.value
    assert toy.state.data_key == "toy" and toy.data_dropdown.value == "toy"
    toy.paste_area.value = "1 2 x"
    toy.data_dropdown.value = "pasted"
    assert "not a number" in toy.message and toy.data_dropdown.value == "toy"
    assert renders.take() == 0
    controls_agree_with_state(toy)
    toy.paste_area.value = TOY_TEXT
    toy.data_dropdown.value = "pasted"
    assert toy.message == "" and toy.state.data_key == "pasted" and renders.take() == 1
    controls_agree_with_state(toy)


# --------------------------------------------------------------------------------------
# Any sequence of operations: the controls always show the state
# --------------------------------------------------------------------------------------


class ExplorerMachine(RuleBasedStateMachine):
    """Random sequences of steps, options, loads and bad input, from Python and from the
    controls; after each, every control shows the state, and a refusal changed nothing."""

    def __init__(self):
        super().__init__()
        self.explorer = EMExplorer("toy")

    def _refused(self, act):
        """Run ``act``; if a message says it was refused, nothing may have changed."""
        s = self.explorer.state
        before = (s.dataset, s.options, s.model, s.step, s.selected_point, s.selected_component)
        act()
        if self.explorer.message:
            after = (s.dataset, s.options, s.model, s.step, s.selected_point, s.selected_component)
            assert all(a is b for a, b in zip(before, after, strict=True)), self.explorer.message

    @rule(step=st.integers(-30, 30))
    def set_step(self, step):
        self._refused(lambda: setattr(self.explorer, "step", step))

    @rule(fraction=st.floats(0, 1))
    def move_slider(self, fraction):
        slider = self.explorer.step_slider
        slider.value = round(fraction * slider.max)

    @rule(forward=st.booleans())
    def click_next_or_previous(self, forward):
        (self.explorer.next_button if forward else self.explorer.prev_button).click()

    @rule(k=st.integers(-1, MAX_K + 2))
    def type_k(self, k):
        self._refused(lambda: setattr(self.explorer.k_input, "value", k))

    @rule(seed=st.sampled_from([-1, 0, 3, 2**32 - 1, 2**32]))
    def type_seed(self, seed):
        self._refused(lambda: setattr(self.explorer.seed_input, "value", seed))

    @rule(
        name=st.sampled_from(["covariance_type", "init_params", "reg_covar"]),
        data=st.data(),
    )
    def choose_option(self, name, data):
        choices = {
            "covariance_type": list(COVARIANCE_TYPES),
            "init_params": [v for _, v in INIT_CHOICES],
            "reg_covar": [v for _, v in REG_CHOICES],
        }[name]
        value = data.draw(st.sampled_from(choices))
        control = {
            "covariance_type": self.explorer.cov_dropdown,
            "init_params": self.explorer.init_dropdown,
            "reg_covar": self.explorer.reg_dropdown,
        }[name]
        self._refused(lambda: setattr(control, "value", value))

    @rule(name=st.sampled_from(["weights", "means", "covariances"]))
    def tick_fixed(self, name):
        box = self.explorer.fixed_boxes[name]
        self._refused(lambda: setattr(box, "value", not box.value))

    @rule(reg=st.sampled_from([0.05, 0.02, 1e-3]))
    def set_reg_from_python(self, reg):
        self._refused(lambda: self.explorer.set_options(reg_covar=reg))

    @rule(point=st.integers(-1, 9), component=st.integers(-1, 5))
    def select(self, point, component):
        self._refused(lambda: setattr(self.explorer.point_input, "value", point))
        self._refused(lambda: setattr(self.explorer.component_input, "value", component))

    @rule(key=st.sampled_from(["toy", "faithful:eruptions", "synthetic", "pasted", "uploaded"]))
    def choose_data(self, key):
        self._refused(lambda: setattr(self.explorer.data_dropdown, "value", key))

    @rule(text=st.sampled_from([TOY_TEXT, "1 2 x", "5 5 5 5", "0.1 0.2 3.1 3.3"]))
    def paste(self, text):
        self.explorer.paste_area.value = text
        self._refused(self.explorer.paste_button.click)

    @rule(csv=st.sampled_from([b"a,b\n1,2\n1.5,2.5\n6,7\n6.5,8\n", b"a,b\n1,2\n3\n"]))
    def load_csv(self, csv):
        self._refused(lambda: self.explorer.load_csv(csv))

    @rule(size=st.sampled_from(["screen", "projector", "huge"]))
    def set_size(self, size):
        self.explorer.set_size(size)

    @rule(whole=st.booleans(), bound=st.booleans())
    def curves(self, whole, bound):
        self.explorer.whole_run_box.value = whole
        self.explorer.state.lower_bound = bound

    @rule()
    def start_over(self):
        self._refused(self.explorer.start_over)

    @rule()
    def means_only(self):
        self._refused(self.explorer.means_only_button.click)

    @invariant()
    def every_control_shows_the_state(self):
        controls_agree_with_state(self.explorer)

    def teardown(self):
        ipywidgets.Widget.close_all()


TestExplorerMachine = ExplorerMachine.TestCase
TestExplorerMachine.settings = settings(
    max_examples=12,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

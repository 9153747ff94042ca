"""Tests of gmm_viz.plotting: artists are drawn, then changed in place by the updates."""

import ast
import html
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Ellipse  # noqa: E402

from gmm_viz import plotting as P  # noqa: E402
from gmm_viz.conventions import tint as _tint  # noqa: E402
from gmm_viz.em import component_densities, e_step, make_params  # noqa: E402
from gmm_viz.errors import ParameterError  # noqa: E402
from gmm_viz.plotting.one_d import SMALL_N, select_point_mixture_1d  # noqa: E402
from gmm_viz.plotting.style import PIE_AREA_2D  # noqa: E402
from gmm_viz.worked import responsibility_table_html  # noqa: E402

# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


def _ax():
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


@pytest.fixture
def data_1d():
    rng = np.random.default_rng(0)
    return np.concatenate([rng.normal(-2, 0.7, 60), rng.normal(2.5, 1.0, 90)])


@pytest.fixture
def params_1d():
    return make_params([0.4, 0.6], [[-2.0], [2.0]], [0.6, 1.2])


@pytest.fixture
def params_1d_next():
    return make_params([0.45, 0.55], [[-1.5], [2.6]], [0.4, 0.9])


@pytest.fixture
def data_2d():
    rng = np.random.default_rng(1)
    a = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 120)
    b = rng.multivariate_normal([4, 3], [[0.5, 0], [0, 2]], 152)
    return np.vstack([a, b])


@pytest.fixture
def params_2d():
    return make_params(
        [0.5, 0.5], [[0.0, 0.0], [4.0, 3.0]], [[[1.0, 0.5], [0.5, 1.0]], [[0.5, 0.0], [0.0, 2.0]]]
    )


@pytest.fixture
def params_2d_next():
    return make_params(
        [0.45, 0.55],
        [[0.5, 0.2], [3.5, 2.5]],
        [[[2.0, 0.3], [0.3, 1.5]], [[0.8, -0.2], [-0.2, 1.0]]],
    )


def _weighted(grid, params):
    return component_densities(grid[:, None], params) * params.weights


# --------------------------------------------------------------------------------------
# Colours and sizes
# --------------------------------------------------------------------------------------


def test_palette_is_okabe_ito_and_component_colors_cycle():
    assert P.PALETTE == [
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    ]  # fmt: skip
    colors = P.component_colors(10)
    assert colors[:8] == P.PALETTE
    assert colors[8] == P.PALETTE[0] and colors[9] == P.PALETTE[1]
    assert P.component_colors(0) == []


def test_blend_colors_one_hot_gives_component_colour_and_half_half_the_mix():
    colors = ["#0072B2", "#E69F00", "#009E73"]
    resp = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    out = P.blend_colors(resp, colors)
    assert out.shape == (4, 4)
    np.testing.assert_allclose(out[0], to_rgba("#0072B2"))
    np.testing.assert_allclose(out[1], to_rgba("#009E73"))
    blue, orange, green = (np.array(to_rgba(c)[:3]) for c in colors)
    np.testing.assert_allclose(out[2, :3], 0.5 * blue + 0.5 * orange)
    np.testing.assert_allclose(out[3, :3], 0.2 * blue + 0.3 * orange + 0.5 * green)
    np.testing.assert_allclose(out[:, 3], 1.0)


def test_blend_colors_defaults_to_palette_and_none_is_grey():
    out = P.blend_colors(np.array([[0.0, 1.0]]))
    np.testing.assert_allclose(out[0], to_rgba(P.PALETTE[1]))
    grey = P.blend_colors(None)
    assert grey.shape == (1, 4)
    np.testing.assert_allclose(grey[0], to_rgba(P.NEUTRAL_GREY))
    assert P.blend_colors(None, n=5).shape == (5, 4)


def test_sizes_projector_is_bigger_than_screen():
    s, p = P.SIZES["screen"], P.SIZES["projector"]
    for key in ("font", "line", "mixture_line", "point_size", "mean_size", "tick", "legend"):
        assert p[key] > s[key], key
    with pytest.raises(ParameterError, match="Unknown size"):
        P.figure_for(1, size="poster")


def test_apply_size_restyles_fonts_and_lines(data_1d, params_1d):
    fig, ax, ax_ll = P.figure_for(1)
    art = P.draw_mixture_1d(ax, data_1d, params_1d)
    ll = P.draw_log_likelihood(ax_ll, [-10.0, -10.0, -8.0], 2)
    P.apply_size(fig, "projector")
    proj = P.SIZES["projector"]
    assert art.components[0].get_linewidth() == proj["line"]
    assert art.mixture.get_linewidth() == proj["mixture_line"]
    assert ax.xaxis.label.get_fontsize() == proj["font"]
    assert ax.get_xticklabels()[0].get_fontsize() == proj["tick"]
    assert art.legend.get_texts()[0].get_fontsize() == proj["legend"]
    assert ll.current.get_markersize() == proj["ll_current"]
    np.testing.assert_allclose(art.points.get_sizes(), [proj["rug_size"]])
    assert art.legend.legend_handles[0].get_linewidth() == proj["line"]
    assert art.legend.legend_handles[2].get_linewidth() == proj["mixture_line"]
    assert art.arrows[0].arrow_patch.get_linewidth() == proj["arrow_line"]
    P.apply_size(fig, "screen")
    assert art.components[0].get_linewidth() == P.SIZES["screen"]["line"]
    assert ax.xaxis.label.get_fontsize() == P.SIZES["screen"]["font"]
    fig.canvas.draw()


# --------------------------------------------------------------------------------------
# 1-D
# --------------------------------------------------------------------------------------


def test_draw_mixture_1d_curves_are_weighted_component_densities(data_1d, params_1d):
    fig, ax = _ax()
    art = P.draw_mixture_1d(ax, data_1d, params_1d, xlabel="height <cm>")
    expected = _weighted(art.grid, params_1d)
    assert len(art.components) == 2
    for j, line in enumerate(art.components):
        np.testing.assert_allclose(line.get_ydata(), expected[:, j], rtol=1e-12)
        assert line.get_color() == P.PALETTE[j]
    np.testing.assert_allclose(art.mixture.get_ydata(), expected.sum(axis=1), rtol=1e-12)
    assert art.mixture.get_color() == "black"
    assert ax.get_xlabel() == "height <cm>" and ax.get_ylabel() == "density"
    labels = [t.get_text() for t in art.legend.get_texts()]
    # Each component's line reads its numbers, rounded the one way the app rounds.
    assert labels[:3] == [
        P.component_readout(params_1d, 0),
        P.component_readout(params_1d, 1),
        "mixture",
    ]
    assert labels[0] == "component 1: α 0.4000\nμ -2.0000, σ² 0.6000"
    # Small N: a rug, no histogram; grey before any E-step.
    assert art.points is not None and art.histogram is None
    assert len(art.points.get_offsets()) == data_1d.size
    np.testing.assert_allclose(art.points.get_facecolors()[:, :3], 0x8C / 255, atol=1e-6)
    # No previous: no ghosts, no arrows, no "previous step" legend entry.
    assert not any(g.get_visible() for g in art.ghosts)
    assert not any(a.get_visible() for a in art.arrows)
    assert not art.legend.get_texts()[-1].get_visible()
    # The curves fit in the y-limits, and the rug band lies below zero.
    y0, y1 = ax.get_ylim()
    assert y1 > expected.sum(axis=1).max() and y0 < 0
    fig.canvas.draw()


def test_update_mixture_1d_changes_the_same_artists_in_place(data_1d, params_1d, params_1d_next):
    fig, ax = _ax()
    art = P.draw_mixture_1d(ax, data_1d, params_1d)
    ids = [id(a) for a in (*art.components, art.mixture, *art.ghosts, *art.arrows, art.points)]
    n_lines = len(ax.lines)
    resp, _ = e_step(data_1d, params_1d)
    out = P.update_mixture_1d(art, params_1d_next, responsibilities=resp, previous=params_1d)
    assert out is art
    assert [id(a) for a in (*art.components, art.mixture, *art.ghosts, *art.arrows, art.points)] \
        == ids  # fmt: skip
    assert len(ax.lines) == n_lines  # nothing added
    new = _weighted(art.grid, params_1d_next)
    old = _weighted(art.grid, params_1d)
    for j in range(2):
        np.testing.assert_allclose(art.components[j].get_ydata(), new[:, j], rtol=1e-12)
        np.testing.assert_allclose(art.ghosts[j].get_ydata(), old[:, j], rtol=1e-12)
        assert art.ghosts[j].get_visible()
        assert art.ghosts[j].get_linestyle() == "--"
    np.testing.assert_allclose(art.mixture.get_ydata(), new.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(art.points.get_facecolors()[:, :3], P.blend_colors(resp)[:, :3])
    # Arrows from the old mean at the old peak to the new mean at the new peak.
    for j, arrow in enumerate(art.arrows):
        assert arrow.get_visible()
        np.testing.assert_allclose(arrow.xy, (params_1d_next.means[j, 0], new[:, j].max()))
        np.testing.assert_allclose(arrow.xyann, (params_1d.means[j, 0], old[:, j].max()))
    assert art.legend.get_texts()[-1].get_text() == "previous step"
    assert art.legend.get_texts()[-1].get_visible()
    fig.canvas.draw()

    # Back to no previous: ghosts and arrows hidden, points grey again.
    P.update_mixture_1d(art, params_1d_next)
    assert not any(g.get_visible() for g in art.ghosts)
    assert not any(a.get_visible() for a in art.arrows)
    assert not art.legend.get_texts()[-1].get_visible()
    np.testing.assert_allclose(art.points.get_facecolors()[:, :3], 0x8C / 255, atol=1e-6)


def test_update_mixture_1d_hides_arrow_of_a_mean_that_did_not_move(data_1d, params_1d):
    fig, ax = _ax()
    moved_one = make_params([0.4, 0.6], [[-2.0], [3.0]], [0.6, 1.2])
    art = P.draw_mixture_1d(ax, data_1d, moved_one, previous=params_1d)
    assert [a.get_visible() for a in art.arrows] == [False, True]
    assert all(g.get_visible() for g in art.ghosts)
    # An E-step: the same parameters before and after, no arrows at all.
    P.update_mixture_1d(art, params_1d, previous=params_1d)
    assert not any(a.get_visible() for a in art.arrows)


def test_update_mixture_1d_keeps_y_limits_stable_and_expands_when_needed(data_1d, params_1d):
    fig, ax = _ax()
    art = P.draw_mixture_1d(ax, data_1d, params_1d)
    limits = ax.get_ylim()
    slightly = make_params([0.41, 0.59], [[-1.95], [2.05]], [0.62, 1.18])
    P.update_mixture_1d(art, slightly)
    assert ax.get_ylim() == limits
    peaked = make_params([0.4, 0.6], [[-2.0], [2.0]], [0.01, 1.2])
    P.update_mixture_1d(art, peaked)
    top = ax.get_ylim()[1]
    assert top > limits[1]
    assert top >= art.components[0].get_ydata().max()
    assert top >= art.mixture.get_ydata().max()
    # Back to the flat curves: they use less than half the height, so the axis shrinks.
    P.update_mixture_1d(art, params_1d)
    assert ax.get_ylim()[1] == pytest.approx(limits[1])


def test_draw_mixture_1d_large_n_uses_a_histogram(params_1d):
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(-2, 0.7, 3000), rng.normal(2, 1.0, 4000)])
    fig, ax = _ax()
    resp, _ = e_step(x, params_1d)
    art = P.draw_mixture_1d(ax, x, params_1d, responsibilities=resp)
    assert art.uses_histogram and art.points is None
    assert len(ax.collections) <= 2  # the strip, no 7000 markers
    edges = art.bin_edges
    heights = art.histogram.get_data().values
    np.testing.assert_allclose(np.sum(heights * np.diff(edges)), 1.0)  # density-normalised
    # The strip: each bin coloured by the mean responsibility of its points.
    face = art.strip.get_facecolors()
    assert face.shape == (len(edges) - 1, 4)
    b = int(np.argmax(np.bincount(art.bin_index)))
    mean_r = resp[art.bin_index == b].mean(axis=0, keepdims=True)
    np.testing.assert_allclose(face[b], P.blend_colors(mean_r)[0])
    fig.canvas.draw()
    # hist=False forces the rug; hist=True with few points draws both.
    fig2, ax2 = _ax()
    assert P.draw_mixture_1d(ax2, x[:100], params_1d, hist=True).histogram is not None
    assert P.draw_mixture_1d(ax2, x[:100], params_1d, hist=False).histogram is None


def test_update_rejects_a_different_number_of_components(data_1d, params_1d):
    fig, ax = _ax()
    art = P.draw_mixture_1d(ax, data_1d, params_1d)
    three = make_params([0.3, 0.3, 0.4], [[-1.0], [0.0], [1.0]], [1.0, 1.0, 1.0])
    with pytest.raises(ParameterError, match="draw it again"):
        P.update_mixture_1d(art, three)
    with pytest.raises(ParameterError, match="shape"):
        P.update_mixture_1d(art, params_1d, responsibilities=np.ones((3, 2)))


def _pie_arcs(pies, offsets):
    """{(point, component): (start, extent) in degrees} of the wedges of a set of pies."""
    arcs = {}
    for j, pie in enumerate(pies[:-1]):
        for path, at in zip(pie.get_paths(), pie.get_offsets(), strict=True):
            (i,) = np.flatnonzero(np.all(np.isclose(offsets, at), axis=1))
            v = path.vertices  # the centre, the arc from its start, back to the centre
            start = np.degrees(np.arctan2(v[1, 1], v[1, 0]))
            end = np.degrees(np.arctan2(v[-3, 1], v[-3, 0]))
            arcs[int(i), j] = (start % 360.0, (end - start) % 360.0)
    return arcs


def test_small_1d_data_are_pies_whose_arcs_are_the_responsibilities(params_1d):
    """0.39 beside 0.60 are one grey-olive as blended colours; as pies they are arcs of
    140 and 216 degrees."""
    from matplotlib.transforms import IdentityTransform

    x = np.array([2.4, 0.9])
    resp = np.array([[0.39, 0.61], [0.6, 0.4]])
    fig, ax = _ax()
    art = P.draw_mixture_1d(ax, x, params_1d)
    assert len(art.pies) == 3  # one per component, then the grey one
    assert art.points is not None and not art.points.get_visible()
    offsets = art.points.get_offsets()
    # Before any E-step: grey full circles on the points, in the band under the axis.
    assert [len(p.get_paths()) for p in art.pies] == [0, 0, 2]
    np.testing.assert_allclose(art.pies[-1].get_offsets(), offsets)
    assert to_rgba(art.pies[-1].get_facecolor()[0]) == to_rgba(P.NEUTRAL_GREY)
    for pie in art.pies:
        assert pie.get_offset_transform() is art.points.get_offset_transform()
        assert isinstance(pie.get_transform(), IdentityTransform)  # pixels: any zoom
        np.testing.assert_allclose(pie.get_sizes(), [P.SIZES["screen"]["pie_1d"]])
    ids = [id(p) for p in art.pies]
    P.update_mixture_1d(art, params_1d, responsibilities=resp)
    assert [id(p) for p in art.pies] == ids  # in place
    assert len(art.pies[-1].get_paths()) == 0
    arcs = _pie_arcs(art.pies, offsets)
    for i in range(2):
        # Component 1 from twelve o'clock, component 2 after it: 360 * r degrees each.
        assert arcs[i, 0][0] == pytest.approx(90.0)
        assert arcs[i, 1][0] == pytest.approx((90.0 + 360.0 * resp[i, 0]) % 360.0)
        for j in range(2):
            assert arcs[i, j][1] == pytest.approx(360.0 * resp[i, j]), (i, j)
    assert to_rgba(art.pies[0].get_facecolor()[0]) == to_rgba(P.PALETTE[0])
    assert to_rgba(art.pies[1].get_facecolor()[0]) == to_rgba(P.PALETTE[1])
    # The ring around the selected point is bigger than its pie and drawn over it.
    select_point_mixture_1d(art, 1)
    assert art.selected.get_visible()
    np.testing.assert_allclose(art.selected.get_offsets(), offsets[1:2])
    assert art.selected.get_sizes()[0] > art.pies[0].get_sizes()[0]
    assert art.selected.get_zorder() > art.pies[0].get_zorder()
    fig.canvas.draw()
    # A point of no component (a row of zeros) is grey; no E-step again: all grey.
    P.update_mixture_1d(art, params_1d, responsibilities=[[0.0, 0.0], [1.0, 0.0]])
    assert [len(p.get_paths()) for p in art.pies] == [1, 0, 1]
    np.testing.assert_allclose(art.pies[-1].get_offsets(), offsets[:1])
    P.update_mixture_1d(art, params_1d)
    assert [len(p.get_paths()) for p in art.pies] == [0, 0, 2]
    # apply_size resizes the pies and the ring (in points: they keep their size on any dpi).
    P.apply_size(fig, "projector")
    proj = P.SIZES["projector"]
    np.testing.assert_allclose(art.pies[0].get_sizes(), [proj["pie_1d"]])
    assert art.selected.get_sizes()[0] > proj["pie_1d"]
    # More than SMALL_N points: blended colours, no pies.
    many = P.draw_mixture_1d(_ax()[1], np.linspace(0, 1, SMALL_N + 1), params_1d)
    assert many.pies == [] and many.points.get_visible()


def test_pies_keep_their_size_in_points_at_any_dpi(params_1d):
    """A pie is as wide in points at 72 dpi as at 144 (a retina notebook, a savefig(dpi=)):
    its diameter is the square root of its size, like a scatter marker's."""
    x = np.array([-3.0, 3.0])
    fig, ax = _ax()
    art = P.draw_mixture_1d(ax, x, params_1d)
    grey = np.array(to_rgba(P.NEUTRAL_GREY)[:3]) * 255
    for dpi in (72, 144):
        fig.set_dpi(dpi)
        fig.canvas.draw()
        image = _pixels(fig.canvas)[..., :3]
        # The row through the pies' centres (image rows count from the top).
        _, y = art.pies[-1].get_offset_transform().transform(art.pies[-1].get_offsets()[0])
        row = image[int(round(image.shape[0] - y))]
        wide = np.sum(np.abs(row - grey).max(axis=1) < 3) / x.size  # pixels per pie
        diameter = np.sqrt(P.SIZES["screen"]["pie_1d"]) * dpi / 72.0
        assert wide == pytest.approx(diameter, abs=2.5), dpi


# --------------------------------------------------------------------------------------
# 2-D
# --------------------------------------------------------------------------------------


def test_ellipse_geometry_uses_standard_deviations():
    # Diagonal covariance: variances 4 (x) and 1 (y): std 2 and 1.
    w, h, angle = P.ellipse_geometry(np.diag([4.0, 1.0]), 1.0)
    assert (w, h) == pytest.approx((2 * 1 * 2.0, 2 * 1 * 1.0))
    assert angle == pytest.approx(0.0) or angle == pytest.approx(180.0)
    w, h, angle = P.ellipse_geometry(np.diag([1.0, 9.0]), 2.0)
    assert (w, h) == pytest.approx((2 * 2 * 3.0, 2 * 2 * 1.0))
    assert angle == pytest.approx(90.0)
    # Rotated by 30 degrees: eigenvalues 5 and 0.5.
    t = np.radians(30)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    cov = rot @ np.diag([5.0, 0.5]) @ rot.T
    w, h, angle = P.ellipse_geometry(cov, 1.0)
    assert (w, h, angle) == pytest.approx((2 * np.sqrt(5.0), 2 * np.sqrt(0.5), 30.0))


def test_draw_mixture_2d_ellipses_means_and_labels(data_2d):
    params = make_params([0.5, 0.5], [[0.0, 0.0], [4.0, 3.0]], [[4.0, 1.0], [1.0, 0.25]], "diag")
    fig, ax = _ax()
    art = P.draw_mixture_2d(ax, data_2d, params, xlabel="a & b", ylabel="c")
    assert ax.get_xlabel() == "a & b" and ax.get_ylabel() == "c"
    assert len(art.ellipses) == 2 and all(len(row) == 2 for row in art.ellipses)
    e1, e2 = art.ellipses[0]
    assert isinstance(e1, Ellipse)
    assert e1.get_center() == pytest.approx((0.0, 0.0))
    # 1-sigma: full axes 2 * 1 * std; 2-sigma: 2 * 2 * std (std = sqrt(var), not var).
    assert (e1.get_width(), e1.get_height()) == pytest.approx((2 * 1 * 2.0, 2 * 1 * 1.0))
    assert (e2.get_width(), e2.get_height()) == pytest.approx((2 * 2 * 2.0, 2 * 2 * 1.0))
    assert e1.get_angle() % 180 == pytest.approx(0.0)
    f1 = art.ellipses[1][0]
    assert (f1.get_width(), f1.get_height()) == pytest.approx((2.0, 1.0))
    assert f1.get_angle() == pytest.approx(0.0)
    np.testing.assert_allclose(art.means.get_offsets(), params.means)
    assert art.contours is not None
    assert not any(e.get_visible() for row in art.ghost_ellipses for e in row)
    assert not art.ghost_means.get_visible()
    labels = [t.get_text() for t in art.legend.get_texts()]
    assert [label.split(":")[0] for label in labels[:2]] == ["component 1", "component 2"]
    cov = params.full_covariances()[0]
    assert labels[0].splitlines()[1:] == [
        "μ (" + ", ".join(f"{v:.4f}" for v in params.means[0]) + ")",
        f"Σ ({cov[0, 0]:.4f}, {cov[0, 1]:.4f}, {cov[1, 1]:.4f})",
    ]
    # The ellipses' mass is said: a 2-D Gaussian holds 39 % and 86 % within 1 and 2 sd.
    assert labels[2:] == [
        "mixture",
        "ellipses: 1σ and 2σ\n(39 % and 86 % of a component)",
        "previous step",
    ]
    for r, share in ((1, 0.39), (2, 0.86)):
        assert round(1 - np.exp(-(r**2) / 2), 2) == share
    fig.canvas.draw()


def test_update_mixture_2d_changes_the_same_artists_in_place(data_2d, params_2d, params_2d_next):
    fig, ax = _ax()
    art = P.draw_mixture_2d(ax, data_2d, params_2d)
    limits = (ax.get_xlim(), ax.get_ylim())
    ellipses = [e for row in art.ellipses for e in row]
    ghosts = [e for row in art.ghost_ellipses for e in row]
    points, means, old_contours = art.points, art.means, art.contours
    n_patches = len(ax.patches)
    resp, _ = e_step(data_2d, params_2d)
    P.update_mixture_2d(art, params_2d_next, responsibilities=resp, previous=params_2d)
    assert [e for row in art.ellipses for e in row] == ellipses
    assert [e for row in art.ghost_ellipses for e in row] == ghosts
    assert art.points is points and art.means is means
    assert len(ax.patches) == n_patches
    # The contour set is replaced: the old one is no longer on the axes.
    assert art.contours is not old_contours and old_contours not in ax.get_children()
    assert art.contours in ax.get_children()
    full = params_2d_next.full_covariances()
    for j in range(2):
        for i, s in enumerate((1.0, 2.0)):
            e = art.ellipses[j][i]
            vals = np.linalg.eigvalsh(full[j])
            assert e.get_center() == pytest.approx(tuple(params_2d_next.means[j]))
            assert e.get_width() == pytest.approx(2 * s * np.sqrt(vals[1]))
            assert e.get_height() == pytest.approx(2 * s * np.sqrt(vals[0]))
            g = art.ghost_ellipses[j][i]
            assert g.get_visible() and g.get_linestyle() == "--"
            assert g.get_center() == pytest.approx(tuple(params_2d.means[j]))
        arrow = art.arrows[j]
        assert arrow.get_visible()
        np.testing.assert_allclose(arrow.xy, params_2d_next.means[j])
        np.testing.assert_allclose(arrow.xyann, params_2d.means[j])
    np.testing.assert_allclose(art.means.get_offsets(), params_2d_next.means)
    np.testing.assert_allclose(art.ghost_means.get_offsets(), params_2d.means)
    assert art.ghost_means.get_visible()
    np.testing.assert_allclose(art.points.get_facecolors()[:, :3], P.blend_colors(resp)[:, :3])
    assert (ax.get_xlim(), ax.get_ylim()) == limits  # the picture does not jump
    fig.canvas.draw()
    # An E-step: parameters unchanged, so no arrows; then no previous: no ghosts.
    P.update_mixture_2d(art, params_2d_next, responsibilities=resp, previous=params_2d_next)
    assert not any(a.get_visible() for a in art.arrows)
    P.update_mixture_2d(art, params_2d_next)
    assert not any(g.get_visible() for g in ghosts)
    assert not art.ghost_means.get_visible()
    assert not art.legend.get_texts()[-1].get_visible()


def test_draw_mixture_2d_large_n_shows_a_seeded_subset(params_2d):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6000, 2)) * [1.5, 2.0] + [2.0, 1.5]
    resp, _ = e_step(X, params_2d)
    fig, ax = _ax()
    art = P.draw_mixture_2d(ax, X, params_2d, responsibilities=resp, max_points=1000)
    assert art.shown is not None and art.shown.size == 1000
    np.testing.assert_allclose(art.points.get_offsets(), X[art.shown])
    np.testing.assert_allclose(
        art.points.get_facecolors()[:, :3], P.blend_colors(resp[art.shown])[:, :3]
    )
    again = P.draw_mixture_2d(_ax()[1], X, params_2d, max_points=1000)
    np.testing.assert_array_equal(again.shown, art.shown)
    fig.canvas.draw()


def test_small_2d_data_are_pies_whose_arcs_are_the_responsibilities(params_2d):
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    resp = np.array([[0.39, 0.61], [0.6, 0.4]])
    fig, ax = _ax()
    art = P.draw_mixture_2d(ax, X, params_2d)
    assert not art.points.get_visible()
    assert [len(p.get_paths()) for p in art.pies] == [0, 0, 2]
    P.update_mixture_2d(art, params_2d, responsibilities=resp)
    arcs = _pie_arcs(art.pies, X)
    for i in range(2):
        for j in range(2):
            assert arcs[i, j][1] == pytest.approx(360.0 * resp[i, j]), (i, j)
    np.testing.assert_allclose(
        art.pies[0].get_sizes(), [PIE_AREA_2D * P.SIZES["screen"]["point_size"]]
    )
    fig.canvas.draw()


# --------------------------------------------------------------------------------------
# Log-likelihood
# --------------------------------------------------------------------------------------


def test_log_likelihood_marker_moves_and_phases_are_distinguished():
    ll = np.array([-100.0, -100.0, -90.0, -90.0, -85.0])
    fig, ax = _ax()
    art = P.draw_log_likelihood(ax, ll, 0, whole_run=True)
    np.testing.assert_allclose(art.curve.get_ydata(), ll)
    assert art.curve.get_drawstyle() == "steps-post"
    np.testing.assert_allclose(art.e_points.get_xdata(), [1, 3])
    np.testing.assert_allclose(art.m_points.get_xdata(), [2, 4])
    assert art.e_points.get_marker() != art.m_points.get_marker()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "E1", "M1", "E2", "M2"]
    np.testing.assert_allclose(art.current.get_xydata(), [[0, -100.0]])
    current = art.current
    P.update_log_likelihood(art, 2)
    assert art.current is current
    np.testing.assert_allclose(art.current.get_xydata(), [[2, -90.0]])
    assert art.step == 2
    assert art.text.get_text().startswith("M1")
    assert "-90.0000" in art.text.get_text() and "+10.0000" in art.text.get_text()
    P.update_log_likelihood(art, 3)
    assert "unchanged" in art.text.get_text()
    with pytest.raises(ParameterError, match="does not exist"):
        P.update_log_likelihood(art, 5)
    fig.canvas.draw()


def test_log_likelihood_grows_with_the_steps_unless_the_whole_run_is_asked_for():
    """By default the future is not drawn (nor hinted by the y range): "will it climb?" can
    be asked at every step."""
    ll = np.array([-100.0, -100.0, -90.0, -90.0, -85.0])
    fig, ax = _ax()
    art = P.draw_log_likelihood(ax, ll, 0)
    assert list(art.curve.get_ydata()) == [-100.0]
    assert len(art.m_points.get_xdata()) == 0
    assert ax.get_ylim()[1] < -90  # the top of the axis does not reveal -85
    P.update_log_likelihood(art, 2)
    np.testing.assert_allclose(art.curve.get_ydata(), [-100.0, -100.0, -90.0])
    np.testing.assert_allclose(art.m_points.get_xdata(), [2])
    assert ax.get_ylim()[1] < -85
    P.show_whole_run(art, True)
    np.testing.assert_allclose(art.curve.get_ydata(), ll)
    assert ax.get_ylim()[1] > -85 and art.step == 2
    # Never an offset on the tick labels ("1e-9+1.048e2"): plain numbers.
    flat = P.draw_log_likelihood(_ax()[1], [104.8542473, 104.8542473 + 1e-9], 1, whole_run=True)
    flat.ax.figure.canvas.draw()
    assert flat.ax.yaxis.get_offset_text().get_text() == ""
    fig.canvas.draw()


def test_log_likelihood_ticks_are_sparse_for_many_steps_and_curve_can_be_replaced():
    ll = -1000 + 500 * (1 - np.exp(-np.arange(201) / 30))
    fig, ax = _ax()
    art = P.draw_log_likelihood(ax, ll, 10, whole_run=True)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert 3 <= len(labels) <= 13
    assert labels[0] == "0" and all(lab.startswith("M") for lab in labels[1:])
    assert P.half_step_labels(["init", "E", "M", "E", "M"]) == ["0", "E1", "M1", "E2", "M2"]
    fig.canvas.draw()
    P.set_log_likelihoods(art, [-50.0, -50.0, -40.0])
    np.testing.assert_allclose(art.curve.get_ydata(), [-50.0, -50.0, -40.0])
    assert art.step == 2  # clamped to the new last half-step
    np.testing.assert_allclose(art.current.get_xydata(), [[2, -40.0]])
    assert ax.get_ylim()[0] < -50 and ax.get_ylim()[1] > -40
    with pytest.raises(ParameterError, match="one phase per half-step"):
        P.set_log_likelihoods(art, [-50.0, -40.0], phases=["init"])


# --------------------------------------------------------------------------------------
# Responsibility table
# --------------------------------------------------------------------------------------


def _rows(table):
    return re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)


def _cells(row):
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_table_numbers_max_highlight_row_sums_and_column_sums():
    X = np.array([[1.0, 2.0], [3.5, -1.25], [0.0, 7.0]])
    r = np.array([[0.9, 0.1], [0.25, 0.75], [0.5, 0.5]])
    table = responsibility_table_html(r, X, digits=3, phase="E")
    rows = _rows(table)
    body = [_cells(row) for row in rows[1:4]]
    # One format per data column: as many decimals as its most precise value needs.
    assert body[0] == ["1", "1.0", "2.00", "0.900", "0.100", "1.000"]
    assert body[1] == ["2", "3.5", "-1.25", "0.250", "0.750", "1.000"]
    assert body[2] == ["3", "0.0", "7.00", "0.500", "0.500", "1.000"]
    # The largest entry of each row is bold on a tint of its component's colour.
    maxima = re.findall(r'<td class="gmm-max" style="([^"]*)">([^<]*)</td>', table)
    assert [v for _, v in maxima] == ["0.900", "0.750", "0.500"]
    assert all("font-weight:bold" in style for style, _ in maxima)
    assert _tint(P.PALETTE[0]) in maxima[0][0] and _tint(P.PALETTE[1]) in maxima[1][0]
    # Footer: N_k = column sums.
    assert re.findall(r'class="gmm-nk"[^>]*>([^<]*)<', table) == ["1.650", "1.350"]
    assert "feed the M-step" in table and "E-step" in table
    assert "hidden" not in table


def test_table_large_n_hides_rows_but_sums_all_and_shows_selected():
    rng = np.random.default_rng(4)
    n = 272
    r = rng.dirichlet([1.0, 1.0, 1.0], size=n)
    X = rng.normal(size=(n, 2))
    table = responsibility_table_html(r, X, max_rows=10, selected=200, digits=3)
    assert "… 261 more points hidden" in table
    nk = [float(v) for v in re.findall(r'class="gmm-nk"[^>]*>([^<]*)<', table)]
    np.testing.assert_allclose(nk, r.sum(axis=0), atol=5e-4)
    assert abs(sum(nk) - r[:10].sum()) > 1  # really over all rows, not the shown ones
    selected = re.findall(r'<tr class="gmm-selected"[^>]*>(.*?)</tr>', table, re.S)
    assert len(selected) == 1
    cells = _cells(selected[0])
    assert cells[0].startswith("201")
    assert cells[3:6] == [f"{v:.3f}" for v in r[200]]
    assert len(re.findall(r'class="gmm-max"', table)) == 11
    assert responsibility_table_html(r, X, max_rows=12).count("more points hidden") == 1
    assert "… 260 more points hidden" in responsibility_table_html(r, X, max_rows=12)


def test_table_escapes_column_names_and_notes_before_the_first_e_step():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    r = np.array([[1.0, 0.0], [0.0, 1.0]])
    evil = ["<script>alert(1)</script>", "a & b"]
    table = responsibility_table_html(r, X, columns=evil)
    assert "<script>" not in table
    assert html.escape(evil[0]) in table and "a &amp; b" in table
    note = responsibility_table_html(None, X)
    assert "<table" not in note and "No E-step has run yet" in note
    one_d = responsibility_table_html(r, X[:, 0])
    assert "<th" in one_d and ">x</th>" in one_d
    with pytest.raises(ParameterError):
        responsibility_table_html(np.ones((3, 2)) / 2, X)


# --------------------------------------------------------------------------------------
# Figure
# --------------------------------------------------------------------------------------


def test_figure_for_builds_an_agg_figure_and_everything_renders(data_2d, params_2d):
    fig, ax_mix, ax_ll = P.figure_for(2, size="projector")
    assert isinstance(fig, Figure) and isinstance(fig.canvas, FigureCanvasAgg)
    assert tuple(fig.get_size_inches()) == P.SIZES["projector"]["figsize_2d"]
    assert ax_mix.get_position().height > ax_ll.get_position().height
    P.draw_mixture_2d(ax_mix, data_2d, params_2d, size="projector")
    P.draw_log_likelihood(ax_ll, [-3.0, -3.0, -2.0], 1, size="projector")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    # After the first draw the figure keeps its layout: the axes do not move.
    position = ax_mix.get_position().bounds
    fig.canvas.draw()
    assert ax_mix.get_position().bounds == position
    assert ax_mix.get_position().height > ax_ll.get_position().height


def test_plotting_imports_neither_pyplot_nor_ipywidgets():
    imported = set()
    for path in Path(P.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module)
    assert not any(m.startswith("ipywidgets") for m in imported)
    assert "matplotlib.pyplot" not in imported


def _pixels(canvas):
    return np.asarray(canvas.buffer_rgba()).astype(float).copy()


@pytest.mark.parametrize("n_features", [1, 2])
def test_blit_renderer_draws_what_a_full_draw_draws(n_features):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(150, n_features)) + np.repeat([[0.0], [4.0], [8.0]], 50, axis=0)
    start = make_params(
        [0.3, 0.3, 0.4],
        [[0.5] * n_features, [3.0] * n_features, [9.0] * n_features],
        np.stack([np.eye(n_features)] * 3),
    )
    moved = make_params(
        [0.3, 0.3, 0.4],
        [[0.0] * n_features, [4.0] * n_features, [8.0] * n_features],
        np.stack([np.eye(n_features) * 1.3] * 3),
    )
    fig, ax, ax_ll = P.figure_for(n_features)
    draw = P.draw_mixture_1d if n_features == 1 else P.draw_mixture_2d
    update = P.update_mixture_1d if n_features == 1 else P.update_mixture_2d
    artists = draw(ax, X, start)
    ll = P.draw_log_likelihood(ax_ll, [-500.0, -500.0, -420.0], 0)
    blitter = P.BlitRenderer(fig)
    first = _pixels(blitter.render())
    update(artists, moved, responsibilities=e_step(X, moved)[0], previous=start)
    P.update_log_likelihood(ll, 2)
    blitted = _pixels(blitter.render())
    assert np.abs(blitted - first).max() > 100, "the data moved: the picture must change"
    fig.canvas.draw()  # what savefig / a notebook's display does
    full = _pixels(fig.canvas)
    differing = (np.abs(blitted - full).max(axis=2) > 40).mean()
    assert differing < 1e-3, differing
    # The blit leaves no artist "animated" (a full draw would skip it and lose the data).
    assert not any(a.get_animated() for a in ax.get_children() + ax_ll.get_children())


def test_lower_bound_touches_at_e_steps_and_its_gap_shows_at_m_steps():
    """The bound view: the bound line up to the step, one KL-gap segment per M-step shown
    (from the bound up to log L), the number in the title, and hidden again with None."""
    from gmm_viz import GaussianMixtureEM, datasets

    toy = datasets.toy()
    run = GaussianMixtureEM(2, **toy.start_for(2), tol=0, max_iter=3).fit(toy.X)
    h = run.history_
    ll, lb = h.log_likelihoods(), h.lower_bounds()
    fig, ax = _ax()
    art = P.draw_log_likelihood(ax, ll, 4)
    assert not art.bound.get_visible() and len(art.legend.get_texts()) == 2
    P.set_lower_bounds(art, lb)
    assert art.bound.get_visible() and len(art.legend.get_texts()) == 4
    np.testing.assert_allclose(art.bound.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(art.bound.get_ydata(), lb[1:5])
    segments = art.gaps.get_segments()
    assert [seg[0][0] for seg in segments] == [2, 4]
    for seg in segments:
        (x0, y0), (x1, y1) = seg
        assert y0 == lb[int(x0)] and y1 == ll[int(x0)] and y0 < y1
    gap = ll[4] - lb[4]
    assert f"KL gap {gap:.4f}" in art.text.get_text()
    P.update_log_likelihood(art, 3)
    assert "KL = 0" in art.text.get_text()
    assert len(art.gaps.get_segments()) == 1
    assert ax.get_ylim()[0] < np.nanmin(lb[1:4])
    with pytest.raises(ParameterError, match="one bound per half-step"):
        P.set_lower_bounds(art, lb[:3])
    P.set_lower_bounds(art, None)
    assert not art.bound.get_visible() and "KL" not in art.text.get_text()
    fig.canvas.draw()


@pytest.mark.parametrize("d", [1, 2])
def test_truth_has_a_legend_entry_and_the_readout_still_follows_the_steps(d):
    from gmm_viz import GaussianMixtureEM, datasets

    data = datasets.synthetic(120, 2, d, random_state=3)
    run = GaussianMixtureEM(2, random_state=0, tol=0, max_iter=3).fit(data.X)
    view = P.StepView(data.X, run.history_, 0, truth=data.truth)
    labels = [t.get_text() for t in view.artists.legend.get_texts()]
    assert labels[-1] == "true components"
    assert view.ax.get_legend() is view.artists.legend
    view.show(2)
    first = view.artists.legend.get_texts()[0].get_text()
    assert P.component_readout(run.history_.params(2), 0) == first
    visible = {t.get_text(): t.get_visible() for t in view.artists.legend.get_texts()}
    assert visible["previous step"] and visible["true components"]


def test_walking_a_run_lays_the_figure_out_only_when_labels_grow(monkeypatch):
    """The growing log-likelihood axis changes its limits at every M-step; a layout pass
    (dearer than the redraw) runs only when a tick label got longer than any before."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from gmm_viz import GaussianMixtureEM, datasets

    toy = datasets.toy()
    run = GaussianMixtureEM(2, **toy.start_for(2), tol=0, max_iter=20).fit(toy.X)
    passes = []
    original = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(
        ConstrainedLayoutEngine,
        "execute",
        lambda self, fig: passes.append(1) or original(self, fig),
    )
    view = P.StepView(toy.X, run.history_)
    view.render()
    first = len(passes)
    for s in range(run.history_.n_steps):
        view.show(s).render()
    assert first == 1
    assert len(passes) - first <= 6, len(passes)  # 40 half-steps, 20 new y ranges
    labels = [t.get_text() for t in view.ax_ll.get_yticklabels()]
    assert all(labels)  # the labels were drawn


def test_png_is_the_canvas_exactly_and_rgb_when_opaque():
    import PIL.Image

    from gmm_viz.plotting.png import encode_png

    rng = np.random.default_rng(0)
    opaque = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    opaque[:, :, 3] = 255
    image = PIL.Image.open(io.BytesIO(encode_png(opaque)))
    assert image.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(image), opaque[:, :, :3])
    clear = opaque.copy()
    clear[0, 0, 3] = 10
    image = PIL.Image.open(io.BytesIO(encode_png(clear, compress_level=6)))
    assert image.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(image), clear)


def test_glyph_cache_draws_the_same_pixels_as_matplotlib():
    from matplotlib.backends.backend_agg import RendererAgg

    from gmm_viz.plotting.glyphs import cache_glyphs

    def picture(cached):
        fig = Figure(figsize=(4, 2), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.set_title("M1 · log-likelihood = -4.7174  (+2.3583)")
        ax.text(0.1, 0.5, "σ² 0.3510, μ 1.3066", rotation=0)
        ax.set_ylabel("β_k(x)")  # rotated: drawn the usual way
        renderer = RendererAgg(400, 200, 100)
        fig.canvas.renderer, fig.canvas._lastKey = renderer, (400, 200, 100)
        if cached:
            cache_glyphs(renderer)
        for _ in range(2):  # the second draw uses the kept glyphs
            fig.canvas.draw()
        assert hasattr(renderer, "_gmm_viz_glyphs") == cached
        return np.asarray(fig.canvas.buffer_rgba()).copy()

    np.testing.assert_array_equal(picture(True), picture(False))


# --------------------------------------------------------------------------------------
# Colour-blind viewers and one number format
# --------------------------------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), deuteranopia at severity 1, on linear RGB.
_DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)


def _deuteranope_sees(colors):
    """sRGB in [0, 1] of each colour as simulated for a deuteranope."""
    srgb = np.array([to_rgba(c)[:3] for c in colors])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ _DEUTERANOPIA.T, 0.0, 1.0)
    return np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)


def _look_alike_pairs(colors, threshold=0.25):
    """Pairs of components whose simulated colours are closer than ``threshold`` (Euclidean,
    sRGB): 0.25 takes in Okabe-Ito's 3 and 4 (0.20 apart: two greys) and every repeated
    colour from K = 9 on."""
    seen = _deuteranope_sees(colors)
    k = len(colors)
    return [
        (i, j)
        for i in range(k)
        for j in range(i + 1, k)
        if np.linalg.norm(seen[i] - seen[j]) < threshold
    ]


def _marker_of(line):
    return str(line.get_marker())


def test_components_look_alike_to_a_deuteranope_differ_by_marker_and_number():
    from gmm_viz import GaussianMixtureEM, datasets
    from gmm_viz.conventions import component_markers

    k = 12  # the explorer's largest K
    pairs = _look_alike_pairs(P.component_colors(k))
    assert (2, 3) in pairs and (0, 8) in pairs  # the two greys; colour 9 is colour 1
    markers = component_markers(k)
    assert all(markers[i] != markers[j] for i, j in pairs)

    k = 5
    pairs = _look_alike_pairs(P.component_colors(k))
    for d in (1, 2):
        data = datasets.synthetic(150, k, d, random_state=2)
        run = GaussianMixtureEM(k, random_state=0, tol=0, max_iter=2).fit(data.X)
        view = P.StepView(data.X, run.history_, 2)  # an M-step: responsibilities shown
        view.render()
        handles = view.artists.legend.legend_handles[:k]
        drawn = [[_marker_of(h) for h in handles]]  # the legend
        if d == 1:
            drawn.append([_marker_of(line) for line in view.artists.components])
            drawn.append([_marker_of(line) for line in view.resp_artists.curves])
            axes = (view.ax, view.ax_resp)
        else:
            paths = view.artists.means.get_paths()
            drawn.append([tuple(map(tuple, p.vertices.round(6))) for p in paths])
            axes = (view.ax,)
        for markers in drawn:
            assert all(markers[i] != markers[j] for i, j in pairs), (d, markers)
        # Each component's number is written on the picture (beside its mean), in each
        # panel that shows the components.
        for ax in axes:
            numbers = {t.get_text() for t in ax.texts if t.get_visible()}
            assert {str(j + 1) for j in range(k)} <= numbers, (d, sorted(numbers))


def test_one_number_format_per_kind_of_legend_number_and_per_table_column():
    from gmm_viz import GaussianMixtureEM, datasets
    from gmm_viz.conventions import data_format, number_format

    number = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?")

    def legend_numbers(view):
        """{"α": [...], "μ": [...], "σ²" or "Σ": [...]} over every component's line."""
        texts = [t.get_text() for t in view.artists.legend.get_texts()]
        kinds = {}
        for text in (t for t in texts if t.startswith("component")):
            for kind, values in re.findall(r"(α|μ|σ²|Σ) (\([^)]*\)|[^,\n]+)", text):
                kinds.setdefault(kind, []).extend(number.findall(values))
        return kinds

    def shape(text):  # "sci" or the number of decimals
        return "sci" if "e" in text else len(text.partition(".")[2])

    def digits(text):  # significant digits of a number written in decimals
        return len(text.lstrip("-").replace(".", "").lstrip("0"))

    for name in ("galaxies", "faithful", "toy"):
        data = getattr(datasets, name)()
        start = data.start_for(2) if data.start is not None else {"random_state": 0}
        run = GaussianMixtureEM(2, **start, tol=0, max_iter=3).fit(data.X)
        view = P.StepView(data.X, run.history_, 2)
        kinds = legend_numbers(view)
        assert set(kinds) == ({"α", "μ", "σ²"} if data.X.shape[1] == 1 else {"α", "μ", "Σ"})
        for kind, shown in kinds.items():  # one format per kind: a column reads evenly
            assert len(shown) >= 2 and len({shape(v) for v in shown}) == 1, (name, kind, shown)
            # No meaningless decimals: at most 6 significant digits.
            assert all(shape(v) == "sci" or digits(v) <= 6 for v in shown), (name, shown)
        assert all(shape(v) == 4 for v in kinds["α"])  # weights: 4 decimals, any units
        resp = run.history_.responsibilities(2, data.X)
        table = responsibility_table_html(resp, data.X, max_rows=40)
        for j in range(data.X.shape[1]):
            body = [_cells(row) for row in _rows(table)[1:]]
            column = [c[1 + j] for c in body if len(c) > 3 and c[0].isdigit()]
            assert len({shape(v) for v in column}) == 1, (name, column)
        if name == "galaxies":  # km/s: 9775 beside 10227, not beside 1.023e+04
            assert "9775" in column and "10227" in column
            assert kinds["μ"] == ["21886.8", "10030.1"]  # not 21886.8127
            assert all(shape(v) == "sci" for v in kinds["σ²"])  # variances near 1e7
        if name == "faithful":
            assert all(shape(v) == 4 for v in kinds["μ"])
            assert all(shape(v) == 3 for v in kinds["Σ"])  # 135.363 (min²), not 135.3632
    # The toy reads as it always did.
    toy = datasets.toy()
    run = GaussianMixtureEM(2, **toy.start_for(2), tol=0, max_iter=3).fit(toy.X)
    view = P.StepView(toy.X, run.history_, 2)
    assert view.artists.legend.get_texts()[0].get_text() == (
        "component 1: α 0.5125\nμ 1.3066, σ² 0.3510"
    )
    # A variance of 178514.6045 (km/s)² beside a weight: each kind its own format.
    wide = make_params([0.25, 0.75], [[9709.6], [21233.0]], [178514.6045, 4.1e5])
    assert P.component_readout(wide, 0) == "component 1: α 0.2500\nμ 9709.6, σ² 178515"
    assert P.component_readout(wide, 1) == "component 2: α 0.7500\nμ 21233.0, σ² 410000"
    fmt = P.style.readout_format(wide)
    assert (fmt.weight(0.25), fmt.mean(9709.6), fmt.covariance(2.5)) == ("0.2500", "9709.6", "2")
    wider = make_params([0.25, 0.75], [[9709.6], [21233.0]], [178514.6045, 4.1e6])
    assert P.component_readout(wider, 0) == "component 1: α 0.2500\nμ 9709.6, σ² 1.785e+05"
    fmt = number_format([0.5744, 1.3066, 0.3510])
    assert [fmt(v) for v in (0.5744, 1.3066, 0.3510, -1e-9)] == [
        "0.5744", "1.3066", "0.3510", "0.0000"
    ]  # fmt: skip
    fmt = number_format([0.9107, 21886.8127, 9.808e6])
    assert [fmt(v) for v in (0.9107, 21886.8127, 9.808e6)] == [
        "9.107e-01",
        "2.189e+04",
        "9.808e+06",
    ]
    # At most 6 significant digits: fewer decimals for large numbers, the same for the
    # group; a number that rounds to 1e6 takes the group to scientific notation.
    fmt = number_format([178514.6045, 2.7], significant=6)
    assert [fmt(v) for v in (178514.6045, 2.7)] == ["178515", "3"]
    fmt = number_format([21886.8127, 9.3], significant=6)
    assert [fmt(v) for v in (21886.8127, 9.3)] == ["21886.8", "9.3"]
    fmt = number_format([1.3066, 0.3510, 0.0], significant=6)
    assert [fmt(v) for v in (1.3066, 0.3510, 0.0)] == ["1.3066", "0.3510", "0.0000"]
    assert number_format([999999.7], significant=6)(999999.7) == "1.000e+06"
    assert number_format([178514.6045])(178514.6045) == "178514.6045"  # no cap by default
    fmt = data_format([3.6, 1.8, 3.333])
    assert [fmt(v) for v in (3.6, 1.8, 3.333)] == ["3.600", "1.800", "3.333"]


@pytest.mark.parametrize("name", ["toy", "faithful"])
def test_walking_a_run_draws_what_a_fresh_kept_picture_draws(name, monkeypatch):
    """Blitting redraws one axes alone when its range changed (the density axis), draws the
    log-likelihood's y axis with the data and keeps unchanging texts: walking a run must
    give, at every half-step, the pixels of a kept picture drawn afresh."""
    from gmm_viz import GaussianMixtureEM, datasets
    from gmm_viz.plotting.blit import BlitRenderer

    alone = []
    redraw = BlitRenderer._redraw_axes
    monkeypatch.setattr(
        BlitRenderer, "_redraw_axes", lambda self, i: alone.append(i) or redraw(self, i)
    )

    data = getattr(datasets, name)()
    run = GaussianMixtureEM(2, **data.start_for(2), tol=0, max_iter=8).fit(data.X)
    view = P.StepView(data.X, run.history_, 0, lower_bound=name == "toy")
    view.select(0)
    for s in [*range(run.history_.n_steps), 3, 1]:
        walked = _pixels(view.show(s).render())
        view._blitter.invalidate()
        fresh = _pixels(view.render())
        assert np.array_equal(walked, fresh), s
    if name == "toy":  # the density axis's range changed: that axes was drawn again alone
        assert [0] in alone

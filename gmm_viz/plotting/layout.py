"""The figure's layout: constrained, and recomputed only when something changed."""

from __future__ import annotations

from matplotlib.layout_engine import ConstrainedLayoutEngine


class _CachedConstrainedLayout(ConstrainedLayoutEngine):
    """Constrained layout that only recomputes when something that affects it changed.

    A full constrained-layout pass measures every text and artist; redoing it on every
    half-step would cost more than the redraw itself and could make the axes shift. It
    runs again when the figure's size or dpi changes, or when the plotting functions say
    that labels, limits or ticks changed (:meth:`invalidate`).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._key = None
        # Per axis: the longest tick labels (characters, and the offset text) laid out so far.
        self._label_widths = {}

    def invalidate(self):
        self._key = None

    @property
    def is_stale(self):
        """True when the next draw will redo the layout."""
        return self._key is None

    def execute(self, fig):
        key = (tuple(fig.get_size_inches()), fig.dpi, len(fig.axes))
        if key == self._key:
            return None
        result = super().execute(fig)
        self._key = key
        return result


def refresh_layout(fig):
    """Make a :func:`figure_for` figure recompute its layout at the next draw.

    The ``draw_*`` and ``update_*`` functions do this themselves when they change labels,
    ticks or limits; call it after changing a label or title yourself.
    """
    engine = fig.get_layout_engine() if fig is not None else None
    if isinstance(engine, _CachedConstrainedLayout):
        engine.invalidate()


def _layout_changed(ax):
    refresh_layout(ax.get_figure())


def _limits_changed(ax, which="y"):
    """After new limits on ``ax``'s ``which`` axis: a new layout only when its tick labels
    got longer than any laid out before.

    A layout pass costs more than a whole redraw (about 110 ms of a 200 ms M-step in the
    app); the growing log-likelihood axis changes its limits at every M-step, but its labels
    rarely change length, and a label no longer than one laid out before fits its margin.
    """
    fig = ax.get_figure()
    engine = fig.get_layout_engine() if fig is not None else None
    if not isinstance(engine, _CachedConstrainedLayout):
        return
    axis = ax.yaxis if which == "y" else ax.xaxis
    lo, hi = sorted(axis.get_view_interval())
    ticks = [t for t in axis.get_major_locator().tick_values(lo, hi) if lo <= t <= hi]
    formatter = axis.get_major_formatter()
    labels = formatter.format_ticks(ticks) if ticks else []
    offset = formatter.get_offset() if hasattr(formatter, "get_offset") else ""
    width = (max((len(label) for label in labels), default=0), len(offset))
    key = (id(axis), which)
    widest = engine._label_widths.get(key, (-1, -1))
    if width[0] > widest[0] or width[1] > widest[1]:
        engine._label_widths[key] = (max(width[0], widest[0]), max(width[1], widest[1]))
        engine.invalidate()

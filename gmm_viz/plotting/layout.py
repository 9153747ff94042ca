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

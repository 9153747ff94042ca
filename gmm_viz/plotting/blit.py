"""Blitting: redraw only what a half-step changes, over a kept picture of the rest.

A half-step changes the data artists (curves, points, ellipses, arrows), the legend's
numbers and the log-likelihood's title; an M-step also changes the log-likelihood's y range
(its y axis is drawn with the data, :func:`draw_every_step`) and sometimes the density
axis's (that axes alone is drawn again). Everything else (axes, ticks, grid, labels, the
log-likelihood's legend, the run's title, the points' numbers: :func:`keep_still`) is drawn
once and kept.
"""

from __future__ import annotations

import numpy as np
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from gmm_viz.plotting.glyphs import cache_glyphs
from gmm_viz.plotting.layout import _CachedConstrainedLayout

__all__ = ["BlitRenderer", "draw_every_step", "keep_still"]

# Pixels around an axes' kept parts that are cleared and redrawn with them: the
# antialiased edge of a line or a glyph reaches about one pixel beyond its box.
_MARGIN = 3.0


def keep_still(*artists):
    """Mark artists that rarely change (a legend of fixed entries, a run's title, the points'
    numbers): :class:`BlitRenderer` keeps them in its kept picture instead of drawing them at
    every half-step, and redraws their axes when one of them does change. Only texts,
    legends and lines can be kept (their change is seen by what they show); returns the
    first."""
    for artist in artists:
        if isinstance(artist, (Text, Legend, Line2D)):
            artist._gmm_viz_still = True
    return artists[0] if artists else None


def draw_every_step(*artists):
    """Mark parts of an axes that are not data but change with nearly every step (the
    log-likelihood's y axis and its spines, whose range grows at every M-step):
    :class:`BlitRenderer` draws them at every render, over the kept picture, instead of
    drawing that axes' kept parts again whenever they change. An axis so marked takes its
    range out of what the kept picture depends on: no kept part of that axes may depend on
    it (its data artists move anyway). Returns the first."""
    for artist in artists:
        artist._gmm_viz_moving = True
    return artists[0] if artists else None


def _moves(artist):
    return getattr(artist, "_gmm_viz_moving", False)


def _is_still(artist):
    return getattr(artist, "_gmm_viz_still", False)


def _signature(artist):
    """What a kept text, legend or line shows: when it changes, its axes is drawn again."""
    if isinstance(artist, Line2D):
        x, y = (np.asarray(v, dtype=float) for v in artist.get_data())
        return (artist.get_visible(), x.tobytes(), y.tobytes(), artist.get_color())
    if isinstance(artist, Legend):
        return (
            artist.get_visible(),
            tuple((t.get_text(), t.get_visible(), t.get_fontsize()) for t in artist.texts),
            tuple(h.get_visible() for h in artist.legend_handles),
        )
    xy = artist.xy if isinstance(artist, Annotation) else None
    return (
        artist.get_visible(),
        artist.get_text(),
        artist.get_position(),
        xy,
        artist.get_color(),
        artist.get_fontsize(),
    )


class BlitRenderer:
    """Redraw a figure fast by drawing only what a half-step changes (blitting).

    The first render draws the static parts (axes, ticks, grid, labels, and the artists
    marked with :func:`keep_still`) once and keeps that picture; later renders paste it
    back and draw only the data artists (curves, points, ellipses, arrows, contours), the
    other legends and titles on top. When one axes' limits (or one of its kept artists)
    changed, only that axes' part of the kept picture is drawn again; the whole of it when
    the figure's size or layout changed. This follows matplotlib's blitting recipe for
    animations, on the Agg canvas.

    Parameters
    ----------
    fig : Figure
        A figure with an Agg canvas (see :func:`~gmm_viz.plotting.figure_for`).
    """

    def __init__(self, fig):
        self.fig = fig
        self._background = None
        self._key = None
        # Per axes (by position in fig.axes): limits, kept signatures, kept-parts box.
        self._axes_state = []
        self._boxes = []
        self._axis_boxes = {}  # id(axis): ((range, axes box), its tight box)

    @staticmethod
    def _dynamic(ax):
        legend = ax.get_legend()
        # The centre, left and right titles: the Text children that are not ax.texts (no
        # public accessor gives all three artists).
        placed = {id(t) for t in ax.texts}
        titles = [c for c in ax.get_children() if isinstance(c, Text) and id(c) not in placed]
        artists = [*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images, *ax.artists]
        artists += [a for a in (ax.xaxis, ax.yaxis, *ax.spines.values()) if _moves(a)]
        artists.sort(key=lambda a: a.get_zorder())
        return artists + ([legend] if legend is not None else []) + list(titles)

    def _split(self, ax):
        """(drawn at every render, kept in the picture) among ``ax``'s changing artists."""
        moving, still = [], []
        for artist in self._dynamic(ax):
            (still if _is_still(artist) else moving).append(artist)
        return moving, still

    def _axes_key(self, ax):
        _, still = self._split(ax)
        # A range whose axis is drawn at every render is no part of the kept picture.
        x = None if _moves(ax.xaxis) else ax.get_xlim()
        y = None if _moves(ax.yaxis) else ax.get_ylim()
        return (x, y, tuple((id(a), _signature(a)) for a in still))

    def _figure_key(self):
        return (tuple(self.fig.get_size_inches()), self.fig.dpi, len(self.fig.axes))

    def invalidate(self):
        """Redraw the static parts at the next render (after restyling, say)."""
        self._background = None

    def render(self):
        """Bring the canvas up to date; returns the canvas (read ``buffer_rgba()``)."""
        canvas = self.fig.canvas
        # Text is most of a redraw: keep its glyphs (the same pixels, rendered once).
        cache_glyphs(canvas.get_renderer())
        engine = self.fig.get_layout_engine()
        stale = isinstance(engine, _CachedConstrainedLayout) and engine.is_stale
        axes_state = [self._axes_key(ax) for ax in self.fig.axes]
        if self._background is None or stale or self._figure_key() != self._key:
            self._draw_background()
        else:
            canvas.restore_region(self._background)
            changed = [
                i
                for i, (old, new) in enumerate(zip(self._axes_state, axes_state, strict=True))
                if old != new
            ]
            if changed and not self._redraw_axes(changed):
                self._draw_background()
        self._axes_state = axes_state
        renderer = canvas.get_renderer()
        for ax in self.fig.axes:
            for artist in self._split(ax)[0]:
                artist.draw(renderer)
        return canvas

    def _draw_background(self):
        """Draw the whole kept picture (every artist that moves is left out)."""
        canvas = self.fig.canvas
        moving = [a for ax in self.fig.axes for a in self._split(ax)[0]]
        for artist in moving:
            artist.set_animated(True)
        try:
            canvas.draw()
        finally:
            # Animated artists are skipped by every full draw (savefig too): undo it.
            for artist in moving:
                artist.set_animated(False)
        renderer = canvas.get_renderer()
        self._axis_boxes = {}  # ticks or labels may have changed
        self._boxes = [self._kept_box(ax, renderer) for ax in self.fig.axes]
        self._background = canvas.copy_from_bbox(self.fig.bbox)
        self._key = self._figure_key()

    def _kept_box(self, ax, renderer):
        """The pixels ``ax``'s kept parts cover: the axes, its ticks and labels, its kept
        texts, legends and lines."""
        # Tick marks stick out of the axes and are in no axis's tight box.
        ticks = max(ax.xaxis.get_tick_padding(), ax.yaxis.get_tick_padding())
        boxes = [ax.bbox.padded(renderer.points_to_pixels(ticks))]
        for axis in (a for a in (ax.xaxis, ax.yaxis) if not _moves(a)):
            # An axis's labels follow its range: an M-step's new y range leaves x alone.
            key = (tuple(axis.get_view_interval()), ax.bbox.bounds)
            cached = self._axis_boxes.get(id(axis))
            if cached is None or cached[0] != key:
                cached = (key, axis.get_tightbbox(renderer))
                self._axis_boxes[id(axis)] = cached
            if cached[1] is not None:
                boxes.append(cached[1])
        boxes += [a.get_window_extent(renderer) for a in self._split(ax)[1] if a.get_visible()]
        return Bbox.union(boxes).padded(_MARGIN)

    def _redraw_axes(self, indices):
        """Draw again the kept parts of the axes at ``indices`` into the kept picture, in
        place; False when that cannot be done alone (the parts would overlap another
        axes', or the figure holds artists of its own), and the whole picture is due."""
        fig, canvas = self.fig, self.fig.canvas
        if fig.texts or fig.legends or fig.patches or fig.images or fig.lines or fig.artists:
            return False
        renderer = canvas.get_renderer()
        axes = fig.axes
        boxes = {i: self._kept_box(axes[i], renderer) for i in indices}
        regions = {i: Bbox.union([self._boxes[i], boxes[i]]) for i in indices}
        others = [self._boxes[j] for j in range(len(axes)) if j not in regions]
        if any(region.overlaps(box) for region in regions.values() for box in others):
            return False
        for i, region in regions.items():
            ax = axes[i]
            moving = self._split(ax)[0]
            for artist in moving:
                artist.set_animated(True)
            # The figure's face, clipped to the region, clears it; then the axes' kept
            # parts are drawn as a full draw would draw them there.
            clip = fig.patch.get_clip_box()
            fig.patch.set_clip_box(region)
            try:
                fig.patch.draw(renderer)
                ax.draw(renderer)
            finally:
                fig.patch.set_clip_box(clip)
                for artist in moving:
                    artist.set_animated(False)
            self._boxes[i] = boxes[i]
        self._background = canvas.copy_from_bbox(fig.bbox)
        return True

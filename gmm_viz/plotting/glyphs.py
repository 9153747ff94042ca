"""Text on the Agg canvas without rendering every glyph anew at every draw.

Matplotlib 3.11 renders each glyph of a text separately through FreeType, at every draw:
about 70 µs a glyph, 3 ms for a 40-character title. A half-step draws a few hundred glyphs
(the legend's readouts, the log-likelihood's title, the tick labels of an axes whose range
changed), nearly all of them a glyph already rendered at the same sub-pixel offset. A
renderer given :func:`cache_glyphs` keeps each glyph's bitmap by (font, size, glyph,
sub-pixel offset) and each string's glyph layout, and pastes them: the same pixels, since
FreeType renders a glyph moved by whole pixels as the same bitmap moved. Mathtext goes the
usual way; so does everything on a matplotlib without this drawing path.
"""

from __future__ import annotations

import math
import types

import numpy as np
from matplotlib.backends import backend_agg
from matplotlib.ft2font import RenderMode

__all__ = ["cache_glyphs"]

# Bitmaps and layouts kept per renderer; a full cache is emptied (a few MB at most).
MAX_ENTRIES = 8192


def _supported(renderer):
    return (
        isinstance(renderer, backend_agg.RendererAgg)
        and hasattr(renderer, "_draw_text_glyphs_and_boxes")
        and hasattr(renderer, "_prepare_font")
        and hasattr(backend_agg, "get_hinting_flag")
    )


def cache_glyphs(renderer):
    """Give an Agg ``renderer`` (``canvas.get_renderer()``) the glyph and layout caches;
    returns it. Safe to call again, and a no-op where the drawing path differs."""
    if getattr(renderer, "_gmm_viz_glyphs", None) is not None or not _supported(renderer):
        return renderer
    renderer._gmm_viz_glyphs = {}
    renderer._gmm_viz_layouts = {}
    draw_glyphs = renderer._draw_text_glyphs_and_boxes
    draw_text = renderer.draw_text
    renderer._draw_text_glyphs_and_boxes = types.MethodType(
        lambda self, gc, x, y, angle, glyphs, boxes: _draw_glyphs(
            self, gc, x, y, angle, glyphs, boxes, draw_glyphs
        ),
        renderer,
    )
    renderer.draw_text = types.MethodType(
        lambda self, gc, x, y, s, prop, angle, ismath=False, mtext=None: _draw_text(
            self, gc, x, y, s, prop, angle, ismath, mtext, draw_text
        ),
        renderer,
    )
    return renderer


def _bounded(cache):
    if len(cache) > MAX_ENTRIES:
        cache.clear()
    return cache


def _draw_text(self, gc, x, y, s, prop, angle, ismath, mtext, original):
    """``RendererAgg.draw_text`` with the string's glyph layout kept (its glyphs' places
    along the line do not depend on where the line is drawn)."""
    features = mtext.get_fontfeatures() if hasattr(mtext, "get_fontfeatures") else None
    language = mtext.get_language() if hasattr(mtext, "get_language") else None
    if ismath or features is not None or language is not None:
        return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
    font = self._prepare_font(prop)
    flags = backend_agg.get_hinting_flag()
    size = prop.get_size_in_points()
    key = (id(font), s, size, self.dpi, flags)
    layouts = _bounded(self._gmm_viz_layouts)
    hit = layouts.get(key)
    if hit is None or hit[0] is not font:
        hit = (font, font._layout(s, flags=flags, features=None, language=None))
        layouts[key] = hit
    self._draw_text_glyphs_and_boxes(
        gc,
        x,
        y,
        angle,
        ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y) for item in hit[1]),
        [],
    )


def _draw_glyphs(self, gc, x, y, angle, glyphs, boxes, original):
    """``RendererAgg._draw_text_glyphs_and_boxes`` with the glyph bitmaps kept (mathtext's
    rules and boxes go the usual way)."""
    if boxes:
        return original(gc, x, y, angle, glyphs, boxes)
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    flags = backend_agg.get_hinting_flag()
    antialiased = gc.get_antialiased()
    mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
    height = self.height
    cache = _bounded(self._gmm_viz_glyphs)
    for font, size, index, slant, extend, dx, dy in glyphs:  # dy is upwards
        # FreeType's 26.6 fixed point, y upwards: the whole pixels only move the bitmap.
        tx = round(0x40 * (x + dx * cos - dy * sin))
        ty = round(0x40 * (height - y + dx * sin + dy * cos))
        key = (
            id(font),
            size,
            self.dpi,
            index,
            angle,
            slant,
            extend,
            tx & 63,
            ty & 63,
            flags,
            mode,
        )
        hit = cache.get(key)
        if hit is None or hit[3] is not font:
            font.set_size(size, self.dpi)
            matrix = (
                0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[extend, extend * slant], [0, 1]]
            )
            font._set_transform(matrix.round().astype(int), [tx & 63, ty & 63])
            bitmap = font._render_glyph(index, flags, mode)
            buffer = np.array(bitmap.buffer)
            if not antialiased:
                buffer *= 0xFF
            hit = (buffer, bitmap.left, bitmap.top, font)
            cache[key] = hit
        buffer, left, top, _ = hit
        # draw_text_image's y is downwards and the bitmap's bottom side.
        self._renderer.draw_text_image(
            buffer, left + (tx >> 6), int(height) - (top + (ty >> 6)) + buffer.shape[0], 0, gc
        )

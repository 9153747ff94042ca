"""Exports for slides and handouts: a run as GIF, MP4 or HTML, a half-step as PNG, SVG or
PDF, and the numbers as CSV or JSON.

Every file is written whole or not at all (a temporary file beside it, moved into place).

* :mod:`~gmm_viz.export.animation` -- :func:`animate`, :func:`save_animation`,
  :func:`save_image`;
* :mod:`~gmm_viz.export.tables` -- :func:`history_csv`, :func:`history_json`,
  :func:`responsibilities_csv`.
"""

from gmm_viz.export.animation import (
    ANIMATION_FORMATS,
    IMAGE_FORMATS,
    animate,
    animation_format,
    frames,
    gif_bytes,
    save_animation,
    save_image,
)
from gmm_viz.export.tables import (
    history_csv,
    history_json,
    history_rows,
    responsibilities_csv,
    write_text,
)

__all__ = [
    "ANIMATION_FORMATS",
    "IMAGE_FORMATS",
    "animate",
    "animation_format",
    "frames",
    "gif_bytes",
    "history_csv",
    "history_json",
    "history_rows",
    "responsibilities_csv",
    "save_animation",
    "save_image",
    "write_text",
]

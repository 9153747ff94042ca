"""A run as an animation (GIF, MP4, one self-contained HTML file) and a half-step as an image.

One frame per half-step, drawn by a :class:`~gmm_viz.plotting.StepView`: the same
artists are updated for every frame and only they are redrawn (blitting), so a frame costs
a redraw, never a new figure.

* GIF: Pillow (matplotlib's own dependency).
* MP4 (H.264): the ffmpeg that the optional package ``imageio-ffmpeg`` ships inside its
  wheel (``pip install imageio-ffmpeg``, or ``gmm_viz[video]``), so that no system package
  is needed.
* HTML: one file with every frame inside (base64 PNG) and a small player: play, pause, a
  slider, and the arrow keys step. No CDN, no server: it plays offline.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import numpy as np
import PIL.Image

from gmm_viz.errors import ParameterError
from gmm_viz.export._files import write_atomically
from gmm_viz.plotting import StepView

__all__ = [
    "ANIMATION_FORMATS",
    "IMAGE_FORMATS",
    "animate",
    "animation_format",
    "frames",
    "gif_bytes",
    "save_animation",
    "save_image",
]

ANIMATION_FORMATS = (".gif", ".mp4", ".html")
IMAGE_FORMATS = (".png", ".svg", ".pdf")
# The last frame (the converged mixture) stays this many frames longer.
_HOLD_LAST = 3


def animate(
    X,
    history,
    path,
    *,
    fps=2.0,
    size="screen",
    columns=None,
    title=None,
    truth=None,
    whole_run=True,
):
    """Write a run as an animation, one frame per half-step; the extension of ``path``
    (.gif, .mp4, .html) picks the format.

    Parameters
    ----------
    X : array-like (N,) or (N, D), D = 1 or 2
    history : EMHistory
    path : str or Path
    fps : float
        Half-steps per second.
    size : {"screen", "projector"}
    columns, title, truth
        As for :class:`~gmm_viz.plotting.StepView`.
    whole_run : bool
        True (the default): the log-likelihood panel shows the whole run with the marker
        moving along it, as a recorded run is watched; its axes then stay put, so every frame
        is a quick redraw. False: the curve grows with the frames, as in the app (slower: its
        axis is redrawn whenever the curve passes it).

    Returns
    -------
    Path
        The file written (whole, or not at all).
    """
    fmt = animation_format(path)
    _check_fps(fps)
    view = StepView(
        X, history, size=size, columns=columns, title=title, truth=truth, whole_run=whole_run
    )
    return save_animation(view, path, fps=fps, format=fmt)


def save_animation(view, path, *, fps=2.0, steps=None, format=None):
    """Write the half-steps of a :class:`~gmm_viz.plotting.StepView` as an animation.

    Parameters
    ----------
    view : StepView
    path : str or Path
    fps : float
    steps : sequence of int, optional
        The half-steps to show (default: all of them, in order).
    format : {".gif", ".mp4", ".html"}, optional
        Default: the extension of ``path``.
    """
    fmt = format or animation_format(path)
    if fmt not in ANIMATION_FORMATS:
        raise ParameterError(
            f"Unknown animation format {fmt!r}; use one of {', '.join(ANIMATION_FORMATS)}."
        )
    _check_fps(fps)
    steps = list(range(view.n_steps)) if steps is None else list(steps)
    if fmt == ".mp4":
        ffmpeg = _ffmpeg()  # before any drawing: a missing ffmpeg is said at once
        return write_atomically(path, lambda tmp: _write_mp4(view, steps, tmp, fps, ffmpeg))
    if fmt == ".gif":
        return write_atomically(path, lambda tmp: _write_gif(view, steps, tmp, fps))
    return write_atomically(path, lambda tmp: _write_html(view, steps, tmp, fps))


def frames(view, steps=None):
    """The pictures of ``steps`` (default all), as (height, width, 3) uint8 arrays."""
    steps = range(view.n_steps) if steps is None else steps
    for s in steps:
        yield view.show(s).rgba()[:, :, :3]


def save_image(view, path, step=None):
    """Save one half-step (default: the one shown) as PNG, SVG or PDF, by extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise ParameterError(
            f"Cannot save a picture as {suffix or 'a file without an extension'!r}; end the "
            f"name with one of {', '.join(IMAGE_FORMATS)}."
        )
    if step is not None:
        view.show(step)
    return write_atomically(path, lambda tmp: view.save(tmp, format=suffix[1:]))


# -- formats ---------------------------------------------------------------------------


def gif_bytes(view, *, fps=2.0, steps=None, progress=None):
    """The half-steps of a view (default all) as an animated GIF, in memory; the picture
    shown before is shown again afterwards. ``progress(fraction)``, if given, is called
    after each frame is drawn."""
    _check_fps(fps)
    shown = view.step
    steps = list(range(view.n_steps)) if steps is None else list(steps)
    buf = io.BytesIO()
    try:
        _write_gif(view, steps, buf, fps, progress)
    finally:
        view.show(shown)
    return buf.getvalue()


def _write_gif(view, steps, target, fps, progress=None):
    images = []
    for i, f in enumerate(frames(view, steps), start=1):
        images.append(PIL.Image.fromarray(f).quantize(method=PIL.Image.Quantize.FASTOCTREE))
        if progress is not None:
            progress(i / len(steps))
    duration = [round(1000 / fps)] * len(images)
    duration[-1] *= _HOLD_LAST
    images[0].save(
        target, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0
    )


def _write_mp4(view, steps, path, fps, ffmpeg):
    first = view.show(steps[0]).rgba()
    height, width = first.shape[0] + first.shape[0] % 2, first.shape[1] + first.shape[1] % 2
    writer = ffmpeg.write_frames(
        str(path),
        (width, height),
        fps=float(fps),
        codec="libx264",
        pix_fmt_in="rgb24",
        pix_fmt_out="yuv420p",
        macro_block_size=1,
        output_params=["-f", "mp4"],
        ffmpeg_log_level="error",
    )
    writer.send(None)  # start ffmpeg
    try:
        for i, frame in enumerate(frames(view, steps)):
            # H.264 wants even sides: pad with white rather than resample the picture.
            padded = np.full((height, width, 3), 255, np.uint8)
            padded[: frame.shape[0], : frame.shape[1]] = frame
            for _ in range(_HOLD_LAST if i == len(steps) - 1 else 1):
                writer.send(padded.tobytes())
    finally:
        writer.close()


def _write_html(view, steps, path, fps):
    pngs, captions = [], []
    for s, frame in zip(steps, frames(view, steps), strict=True):
        buf = io.BytesIO()
        PIL.Image.fromarray(frame).save(buf, format="png", optimize=False, compress_level=6)
        pngs.append(base64.b64encode(buf.getvalue()).decode("ascii"))
        captions.append(_caption(view.history, s))
    title = view.ax.get_title() or "EM, one half-step at a time"
    page = _PLAYER.format(
        title=html.escape(title),
        frames=json.dumps(pngs),
        captions=json.dumps(captions),
        interval=round(1000 / fps),
        last=len(pngs) - 1,
    )
    Path(path).write_text(page, encoding="utf-8")


def _caption(history, step):
    phase = history.phase(step)
    name = "The start" if phase == "init" else f"{phase}-step {history.iteration(step)}"
    return f"{name} (half-step {step} of {history.n_steps - 1}): log-likelihood " + (
        f"{history.log_likelihood(step):.4f}"
    )


# -- checks ----------------------------------------------------------------------------


def animation_format(path):
    suffix = Path(path).suffix.lower()
    if suffix not in ANIMATION_FORMATS:
        raise ParameterError(
            f"Cannot tell the animation format from {str(path)!r}; end the file name with "
            f"{', '.join(ANIMATION_FORMATS)}."
        )
    return suffix


def _check_fps(fps):
    ok = isinstance(fps, (int, float, np.number)) and not isinstance(fps, bool)
    if not ok or not np.isfinite(fps) or not 0.1 <= fps <= 60:
        raise ParameterError(
            f"The frame rate must be a number of frames per second from 0.1 to 60; got {fps!r}."
        )


def _ffmpeg():
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ParameterError(
            "An MP4 needs ffmpeg, which comes with the optional package imageio-ffmpeg: "
            "run 'pip install imageio-ffmpeg' (or choose .gif or .html)."
        ) from None
    return imageio_ffmpeg


_PLAYER = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1rem;
         color: #111; background: #fff; }}
  figure {{ margin: 0; }}
  img {{ max-width: 100%; height: auto; display: block; }}
  figcaption {{ font-size: 1.25rem; margin: 0.5rem 0; min-height: 1.6em; }}
  .controls {{ display: flex; gap: 0.5rem; align-items: center; font-size: 1.1rem; }}
  button {{ font-size: 1.1rem; padding: 0.3rem 0.8rem; }}
  input[type=range] {{ flex: 1; }}
</style>
</head>
<body>
<figure>
  <img id="frame" alt="EM at one half-step">
  <figcaption id="caption"></figcaption>
</figure>
<div class="controls">
  <button id="prev" title="previous half-step (left arrow)">&#9664;</button>
  <button id="play" title="play or pause (space)">&#9654; play</button>
  <button id="next" title="next half-step (right arrow)">&#9654;</button>
  <input id="slider" type="range" min="0" max="{last}" value="0" aria-label="half-step">
</div>
<script>
(function () {{
  var frames = {frames};
  var captions = {captions};
  var img = document.getElementById("frame");
  var caption = document.getElementById("caption");
  var slider = document.getElementById("slider");
  var play = document.getElementById("play");
  var current = 0, timer = null;
  function show(i) {{
    current = Math.max(0, Math.min(frames.length - 1, i));
    img.src = "data:image/png;base64," + frames[current];
    caption.textContent = captions[current];
    slider.value = current;
  }}
  function stop() {{ clearInterval(timer); timer = null; play.innerHTML = "&#9654; play"; }}
  function start() {{
    if (current === frames.length - 1) show(0);
    play.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {{
      if (current >= frames.length - 1) {{ stop(); return; }}
      show(current + 1);
    }}, {interval});
  }}
  play.onclick = function () {{ timer ? stop() : start(); }};
  document.getElementById("prev").onclick = function () {{ stop(); show(current - 1); }};
  document.getElementById("next").onclick = function () {{ stop(); show(current + 1); }};
  slider.oninput = function () {{ stop(); show(parseInt(slider.value, 10)); }};
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowRight") {{ stop(); show(current + 1); e.preventDefault(); }}
    else if (e.key === "ArrowLeft") {{ stop(); show(current - 1); e.preventDefault(); }}
    else if (e.key === " ") {{ timer ? stop() : start(); e.preventDefault(); }}
  }});
  show(0);
}})();
</script>
</body>
</html>
"""

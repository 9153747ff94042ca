"""The explorer's downloads: this picture (PNG), the run (GIF), the numbers (CSV).

The numbers and the GIF reach the browser as links with the file inside them (a ``data:``
address and a ``download`` name), so they work the same in JupyterLab, Notebook 7 and
Voila, with no server route and nothing written on the server. The numbers' link follows
every fit; the GIF, which takes a second or two, is made when asked for. The picture is
already in the page: its link (a small anywidget) hands the browser the explorer's own
image when clicked, so a half-step sends only the new file name, not the picture twice.
"""

from __future__ import annotations

import base64
import html
import re

import anywidget
import ipywidgets as widgets
import traitlets

from gmm_viz import export

__all__ = ["DownloadBar"]

_LINK = (
    'style="display:inline-block;padding:4px 10px;border:1px solid #888;border-radius:4px;'
    'text-decoration:none;color:#111;background:#f4f4f4;margin-right:6px"'
)


def _link(data, mime, filename, label, css_class):
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (
        f'<a class="{css_class}" download="{html.escape(filename)}" href="{href}" {_LINK}>'
        f"⬇ {html.escape(label)}</a>"
    )


_PICTURE_LINK_ESM = r"""
function render({ model, el }) {
  const a = document.createElement("a");
  a.className = "gmm-png";
  a.setAttribute("style", model.get("css"));
  a.textContent = "⬇ " + model.get("label");
  // The picture shown, read when the link is used: the image widget's own object URL.
  function picture() {
    const root = el.closest(".gmm-explorer");
    return root && root.querySelector(".gmm-figure img, img.gmm-figure");
  }
  function sync() {
    a.setAttribute("download", model.get("filename"));
    const img = picture();
    if (img && img.src) a.href = img.src;
  }
  a.addEventListener("click", sync);  // before the browser follows the link
  a.addEventListener("focus", sync);
  a.addEventListener("mouseenter", sync);
  model.on("change:filename", sync);
  el.appendChild(a);
  sync();
  return () => model.off("change:filename", sync);
}
export default { render };
"""


class PictureLink(anywidget.AnyWidget):
    """A download link for the picture the explorer shows, saved as ``filename``.

    The browser already holds the picture; this widget only keeps the file name in step.
    """

    _esm = _PICTURE_LINK_ESM
    filename = traitlets.Unicode("em.png").tag(sync=True)
    label = traitlets.Unicode("this picture (PNG)").tag(sync=True)
    css = traitlets.Unicode(_LINK[len('style="') : -1]).tag(sync=True)


def _size(n_bytes):
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e5 else f"{n_bytes / 1e3:.0f} kB"


def file_stem(name):
    """A file name made from a data set's name: 'Old Faithful' -> 'old-faithful'."""
    stem = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    return stem or "em"


class DownloadBar:
    """A row of download links under the picture.

    Parameters
    ----------
    fps : float
        Half-steps per second of the GIF.
    """

    def __init__(self, fps=2.0):
        self.fps = fps
        self._view = None
        self._stem = "em"
        self.png_link = PictureLink()
        self.csv_link = widgets.HTML()
        self.gif_button = widgets.Button(
            description="Make the run's GIF",
            tooltip="Draw every half-step into an animated GIF (a second or two)",
            layout=widgets.Layout(width="auto"),
        )
        self.gif_link = widgets.HTML()
        self.gif_button.on_click(lambda _: self.make_gif())
        self.box = widgets.HBox(
            [self.png_link, self.csv_link, self.gif_button, self.gif_link],
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )
        self.box.add_class("gmm-downloads")

    def new_run(self, view, name, columns):
        """A new fit: the numbers' link is remade, the GIF is to be made again."""
        self._view = view
        self._stem = file_stem(name)
        text = export.history_csv(view.history, columns).encode("utf-8")
        self.csv_link.value = _link(
            text, "text/csv", f"{self._stem}-history.csv", "the numbers (CSV)", "gmm-csv"
        )
        self.gif_link.value = ""
        self.gif_button.disabled = False
        self.gif_button.description = "Make the run's GIF"

    def new_picture(self, step):
        """The picture shown changed: its link saves it under the half-step's name."""
        self.png_link.filename = f"{self._stem}-step-{step}.png"

    def make_gif(self):
        """Draw the run into a GIF and offer it as a link (the picture shown is kept)."""
        view = self._view
        if view is None:
            return
        self.gif_button.disabled = True
        self.gif_button.description = "Making the GIF… 0 %"
        shown = [0]

        def progress(fraction):
            # Each change is a message to the browser: one per tenth is enough to see it move.
            percent = int(fraction * 100) // 10 * 10
            if percent > shown[0]:
                shown[0] = percent
                self.gif_button.description = f"Making the GIF… {percent} %"

        data = export.gif_bytes(view, fps=self.fps, progress=progress)
        self.gif_link.value = _link(
            data,
            "image/gif",
            f"{self._stem}-run.gif",
            f"the run (GIF, {_size(len(data))})",
            "gmm-gif",
        )
        self.gif_button.description = "GIF ready"

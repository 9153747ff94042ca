"""Page-wide keys for a presenter: a clicker or the keyboard steps EM wherever the focus is.

→, PageDown and Space step forward; ←, PageUp step back. Keys typed into a text box, a list
or a button are left alone (so are arrows on the slider, which moves by itself). Built with
anywidget, the maintained way to ship a few lines of browser code with a widget: it works
the same in JupyterLab, Notebook 7 and Voila.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["PageKeys"]

_ESM = r"""
const FORWARD = new Set(["ArrowRight", "PageDown", " "]);
const BACK = new Set(["ArrowLeft", "PageUp"]);

function ownKeys(target) {
  // Leave typing, lists, buttons (Space clicks them) and the slider (arrows move it) alone.
  if (!(target instanceof Element)) return false;
  return Boolean(
    target.closest(
      "input, textarea, select, button, [contenteditable=''], [contenteditable='true'], " +
        "[role='slider'], .widget-slider, .jp-CodeCell, .CodeMirror, .cm-editor"
    )
  );
}

function render({ model, el }) {
  el.style.display = "none";
  const title = model.get("page_title");
  if (title && window.location.pathname.includes("/voila/")) {
    document.title = title;
  }
  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (ownKeys(event.target)) return;
    let delta = 0;
    if (FORWARD.has(event.key)) delta = 1;
    else if (BACK.has(event.key)) delta = -1;
    else return;
    event.preventDefault();
    model.send({ step: delta });
  }
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}

export default { render };
"""


class PageKeys(anywidget.AnyWidget):
    """An invisible widget that turns page-wide presenter keys into step messages.

    Parameters
    ----------
    on_step : callable
        Called with +1 (forward) or -1 (back) for each key press.
    page_title : str
        In Voila, the browser tab's title (a notebook's own title belongs to JupyterLab).
    """

    _esm = _ESM
    page_title = traitlets.Unicode("").tag(sync=True)

    def __init__(self, on_step, page_title="", **kwargs):
        super().__init__(page_title=page_title, **kwargs)
        self._on_step = on_step
        self.on_msg(self._handle)

    def _handle(self, widget, content, buffers):
        step = content.get("step") if isinstance(content, dict) else None
        if step in (1, -1):
            self._on_step(step)

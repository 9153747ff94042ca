"""Page-wide keys for a presenter: a clicker or the keyboard steps EM wherever the focus is.

→, PageDown and Space step forward; ←, PageUp step back, whatever button, checkbox, slider
or section header was clicked last, and the page never scrolls by them. Home and End, on the
explorer, go to the first and the last half-step (the slider's own End stopped at the first
run's length). Only text boxes, lists and code editors keep their keys. Built with
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
const ENDS = new Set(["Home", "End"]);
// Text boxes keep their keys (typing, a caret to move); so do lists and code editors.
// Buttons, checkboxes, the slider and section headers do not: after a click the focus stays
// on what was clicked, and a clicker must still step (and never scroll the page).
const TYPED_INPUT = /^(text|number|search|email|password|url|tel|date|time)$/;

function keepsItsKeys(target) {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLInputElement) return TYPED_INPUT.test(target.type || "text");
  return Boolean(
    target.closest(
      "textarea, select, [contenteditable=''], [contenteditable='true'], " +
        ".jp-CodeCell .jp-InputArea, .CodeMirror, .cm-editor, .jp-Notebook.jp-mod-editMode"
    )
  );
}

function render({ model, el }) {
  el.style.display = "none";
  const title = model.get("page_title");
  if (title && window.location.pathname.includes("/voila/")) {
    document.title = title;
  }
  let swallowKeyUp = false;
  function onKeyDown(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (keepsItsKeys(event.target)) return;
    let message = null;
    if (FORWARD.has(event.key)) message = { step: 1 };
    else if (BACK.has(event.key)) message = { step: -1 };
    else if (ENDS.has(event.key) && event.target.closest && event.target.closest(".gmm-explorer"))
      message = { go_to: event.key === "Home" ? "first" : "last" };
    else return;
    // Caught on the way down (capture), so the slider does not move too and the page, a
    // button or a section header never gets the key: no scrolling, no click by Space.
    event.preventDefault();
    event.stopPropagation();
    swallowKeyUp = event.key === " ";
    if (!event.repeat || message.step) model.send(message);
  }
  function onKeyUp(event) {
    // A button or checkbox is pressed by Space on key-up: that press was a step.
    if (swallowKeyUp && event.key === " ") {
      event.preventDefault();
      event.stopPropagation();
      swallowKeyUp = false;
    }
  }
  window.addEventListener("keydown", onKeyDown, true);
  window.addEventListener("keyup", onKeyUp, true);
  return () => {
    window.removeEventListener("keydown", onKeyDown, true);
    window.removeEventListener("keyup", onKeyUp, true);
  };
}

export default { render };
"""


class PageKeys(anywidget.AnyWidget):
    """An invisible widget that turns page-wide presenter keys into step messages.

    Parameters
    ----------
    on_step : callable
        Called with +1 (forward) or -1 (back) for each key press.
    on_go_to : callable, optional
        Called with "first" or "last" for Home and End.
    page_title : str
        In Voila, the browser tab's title (a notebook's own title belongs to JupyterLab).
    """

    _esm = _ESM
    page_title = traitlets.Unicode("").tag(sync=True)

    def __init__(self, on_step, page_title="", on_go_to=None, **kwargs):
        super().__init__(page_title=page_title, **kwargs)
        self._on_step = on_step
        self._on_go_to = on_go_to
        self.on_msg(self._handle)

    def _handle(self, widget, content, buffers):
        if not isinstance(content, dict):
            return
        step, go_to = content.get("step"), content.get("go_to")
        if step in (1, -1):
            self._on_step(step)
        elif go_to in ("first", "last") and self._on_go_to is not None:
            self._on_go_to(go_to)

"""An upload button that sends a file in pieces, and refuses one over the limit before sending.

ipywidgets' ``FileUpload`` sends the whole file in one websocket message. Tornado (under Voila,
JupyterLab, Notebook 7 and every JupyterHub server) drops any message over 10 MiB by default
and the page only logs "Connection lost, reconnecting": a 12 MB CSV vanished without a word,
and a 60 MB one never reached the app's own size check. This button checks the size in the
browser, where the file is, and sends it in 4 MiB pieces (each its own message, under any
server's limit), so no server setting is needed in any front end. It is a few lines of
browser code shipped with anywidget, like the presenter keys (``page_keys.py``).
"""

from __future__ import annotations

import anywidget
import traitlets

from gmm_viz.datasets import format_size

__all__ = ["ChunkedUpload", "CHUNK_BYTES"]

CHUNK_BYTES = 4 * 1024 * 1024

_ESM = r"""
function render({ model, el }) {
  const input = document.createElement("input");
  input.type = "file";
  input.style.display = "none";
  const button = document.createElement("button");
  button.className = "jupyter-widgets jupyter-button widget-button gmm-upload-button";
  el.append(button, input);
  function update() {
    button.textContent = model.get("description");
    button.title = model.get("tooltip");
    button.disabled = model.get("busy");
    input.accept = model.get("accept");
  }
  update();
  model.on("change", update);
  button.addEventListener("click", () => {
    input.value = ""; // the same file, edited, can be chosen again
    input.click();
  });
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    if (file.size > model.get("max_bytes")) {
      model.send({ event: "too_large", name: file.name, size: file.size });
      return;
    }
    const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const chunk = model.get("chunk_bytes");
    model.send({ event: "start", id, name: file.name, size: file.size });
    try {
      for (let offset = 0; offset < file.size; offset += chunk) {
        const piece = await file.slice(offset, offset + chunk).arrayBuffer();
        model.send({ event: "chunk", id, offset }, undefined, [piece]);
      }
      model.send({ event: "end", id });
    } catch (error) {
      model.send({ event: "unreadable", id, name: file.name, reason: String(error) });
    }
  });
}
export default { render };
"""


class ChunkedUpload(anywidget.AnyWidget):
    """A button that uploads one file in pieces and hands its bytes to a handler.

    Parameters
    ----------
    max_bytes : int
        Files larger than this are refused in the browser, before any byte is sent.
    description, tooltip, accept : str
        The button's text, its tooltip, and the file types the chooser offers.

    The handlers are set with :meth:`set_handlers` (the explorer answers the events, the
    controls only build the widgets).
    """

    _esm = _ESM
    description = traitlets.Unicode("Upload").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(50_000_000).tag(sync=True)
    chunk_bytes = traitlets.Int(CHUNK_BYTES).tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._on_file = self._on_refused = self._on_progress = None
        self._pending = None  # {"id", "name", "size", "data"} of the file being received
        self.on_msg(self._handle)

    def set_handlers(self, on_file, on_refused, on_progress=None):
        """What to do with a file.

        Parameters
        ----------
        on_file : callable
            ``on_file(name, data)`` with the whole file's bytes, once every piece arrived.
        on_refused : callable
            ``on_refused(sentence)``: what is wrong (too large, unreadable, pieces lost), in
            one sentence, to show next to the button.
        on_progress : callable, optional
            ``on_progress(name, received, size)`` after each piece.
        """
        self._on_file, self._on_refused, self._on_progress = on_file, on_refused, on_progress

    def _handle(self, widget, content, buffers):
        if not isinstance(content, dict):
            return
        event = content.get("event")
        name = str(content.get("name") or (self._pending or {}).get("name") or "the file")
        if event == "too_large":
            self._refuse(_too_large(name, _as_int(content.get("size")), self.max_bytes))
        elif event == "start":
            self._start(content, name)
        elif event == "chunk":
            self._chunk(content, buffers)
        elif event == "end":
            self._end(content)
        elif event == "unreadable":
            self._refuse(f"{name} could not be read by the browser; choose it again.")

    def _start(self, content, name):
        size = _as_int(content.get("size"))
        if size is None or size < 0:
            return
        if size > self.max_bytes:  # the page's own check, made again where it counts
            self._refuse(_too_large(name, size, self.max_bytes))
            return
        self._pending = {"id": content.get("id"), "name": name, "size": size, "data": bytearray()}
        self.busy = True

    def _chunk(self, content, buffers):
        pending = self._pending
        if pending is None or content.get("id") != pending["id"] or not buffers:
            return
        if _as_int(content.get("offset")) != len(pending["data"]):
            self._refuse(f"Part of {pending['name']} was lost on the way; upload it again.")
            return
        pending["data"] += bytes(buffers[0])
        if len(pending["data"]) > pending["size"]:
            self._refuse(f"{pending['name']} grew while it was sent; upload it again.")
            return
        if self._on_progress is not None:
            self._on_progress(pending["name"], len(pending["data"]), pending["size"])

    def _end(self, content):
        pending = self._pending
        if pending is None or content.get("id") != pending["id"]:
            return
        self._pending = None
        self.busy = False
        if len(pending["data"]) != pending["size"]:
            self._on_refused(f"Part of {pending['name']} was lost on the way; upload it again.")
            return
        self._on_file(pending["name"], bytes(pending["data"]))

    def _refuse(self, sentence):
        self._pending = None
        self.busy = False
        self._on_refused(sentence)


def _as_int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _too_large(name, size, limit):
    shown = format_size(size) if size is not None else "too large"
    return (
        f"{name} is {shown}, more than the {format_size(limit)} upload limit; use a smaller "
        "sample of it (a few thousand rows show EM as well as millions)."
    )

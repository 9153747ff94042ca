"""The browser's side of a class page, in a few lines of anywidget code:

* a **heartbeat**: every ``interval_ms`` the page asks its kernel to look at the class's
  database (a new question, the count of answers). The page drives it, so it stops with the
  page and the kernel never runs a timer of its own;
* the **student's id**: a random id kept in the browser (localStorage), so a student who
  reloads the page is still the same student and finds their answer; no name is asked;
* **clicks on the picture**, while a question asks where a mean goes: the click is sent as
  shares of the image's width and height, and the kernel turns it into data coordinates;
* the teacher's **secret is taken out of the address bar** once read, so the projector
  never shows it to the room; the tab keeps it (session storage), so that reloading the
  projector's page still opens the teacher's page.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["PageLink"]

_ESM = r"""
const ID_KEY = "gmm-viz-student-id";

function studentId() {
  let id = null;
  try { id = window.localStorage.getItem(ID_KEY); } catch (e) { /* storage blocked */ }
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    try { window.localStorage.setItem(ID_KEY, id); } catch (e) { /* this page only */ }
  }
  return id;
}

function render({ model, el }) {
  el.style.display = "none";
  if (model.get("wants_id") && !model.get("browser_id")) {
    model.set("browser_id", studentId());
    model.save_changes();
  }
  // The teacher's secret: out of the address bar, into this tab's session storage, so that
  // a reload of the projector's page (which the address no longer names the teacher's)
  // comes back as the teacher's page, once (a secret that no longer works is forgotten).
  const url = new URL(window.location.href);
  const param = model.get("scrub_param") || "teacher";
  const key = "gmm-viz-teacher:" + url.pathname;
  let store = null;
  try { store = window.sessionStorage; } catch (e) { /* storage blocked */ }
  if (model.get("scrub_param")) {
    if (url.searchParams.has(param)) {
      if (store) store.setItem(key, url.searchParams.get(param));
      url.searchParams.delete(param);
      window.history.replaceState(window.history.state, "", url.toString());
    }
    if (store) store.removeItem(key + ":tried");
  } else if (model.get("resume_teacher") && store && store.getItem(key)) {
    if (store.getItem(key + ":tried")) {
      store.removeItem(key);
      store.removeItem(key + ":tried");
    } else {
      store.setItem(key + ":tried", "1");
      url.searchParams.set(param, store.getItem(key));
      window.location.replace(url.toString());
      return;
    }
  }
  let timer = null;
  function restart() {
    if (timer) clearInterval(timer);
    const ms = model.get("interval_ms");
    timer = ms > 0 ? setInterval(() => model.send({ tick: 1 }), ms) : null;
  }
  model.on("change:interval_ms", restart);
  restart();

  function picture() {
    const root = el.closest(".gmm-explorer") || document;
    return root.querySelector(".gmm-figure img, img.gmm-figure");
  }
  function onClick(event) {
    if (!model.get("catch_clicks")) return;
    const img = event.target.closest && event.target.closest("img");
    if (!img || img !== picture()) return;
    const box = img.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) return;
    model.send({
      click: [(event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height],
    });
  }
  document.addEventListener("click", onClick, true);
  function cursor() {
    const img = picture();
    if (img) img.style.cursor = model.get("catch_clicks") ? "crosshair" : "";
  }
  model.on("change:catch_clicks", cursor);
  cursor();
  return () => {
    if (timer) clearInterval(timer);
    document.removeEventListener("click", onClick, true);
    model.off("change:interval_ms", restart);
    model.off("change:catch_clicks", cursor);
  };
}
export default { render };
"""


class PageLink(anywidget.AnyWidget):
    """The page's heartbeat, student id, clicks on the picture and address-bar scrub.

    Parameters
    ----------
    on_tick : callable
        Called (no arguments) at each heartbeat.
    on_click : callable
        Called with (fx, fy), the click's place as shares of the image from its top-left.
    """

    _esm = _ESM
    interval_ms = traitlets.Int(500).tag(sync=True)
    browser_id = traitlets.Unicode("").tag(sync=True)
    wants_id = traitlets.Bool(False).tag(sync=True)
    catch_clicks = traitlets.Bool(False).tag(sync=True)
    scrub_param = traitlets.Unicode("").tag(sync=True)
    resume_teacher = traitlets.Bool(False).tag(sync=True)

    def __init__(self, on_tick, on_click=None, **kwargs):
        super().__init__(**kwargs)
        self._on_tick = on_tick
        self._on_click = on_click
        self.on_msg(self._handle)

    def _handle(self, widget, content, buffers):
        if not isinstance(content, dict):
            return
        if content.get("tick"):
            self._on_tick()
        click = content.get("click")
        if (
            self._on_click is not None
            and isinstance(click, list)
            and len(click) == 2
            and all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in click)
        ):
            self._on_click(float(click[0]), float(click[1]))

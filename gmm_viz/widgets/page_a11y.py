"""What a screen reader needs from the explorer's page: the picture's text alternative, the
slider's name, a live region that announces each half-step, and keyboard access to a formula
that scrolls.

ipywidgets' Image has no ``alt`` trait and its slider handle no ``aria-label``, so a small
anywidget (as :mod:`gmm_viz.widgets.page_keys`) sets them on the elements of its own
explorer, found by a CSS class unique to that explorer (two explorers in one notebook
never touch each other's picture). It works the same in JupyterLab, Notebook 7 and Voila.
"""

from __future__ import annotations

import itertools

import anywidget
import traitlets

__all__ = ["PageA11y", "new_scope"]

_ESM = r"""
function render({ model, el }) {
  // Visually hidden, but read: a live region must not be display:none.
  el.style.cssText =
    "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
    "clip:rect(0,0,0,0);white-space:nowrap;border:0;";
  const live = document.createElement("div");
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.className = "gmm-live";
  el.appendChild(live);

  function applyTo(root) {
    const alt = model.get("alt");
    const img = root.querySelector(".gmm-figure img, img.gmm-figure");
    if (img && img.getAttribute("alt") !== alt) img.setAttribute("alt", alt);
    const handle = root.querySelector(".gmm-step-slider [role='slider']");
    const name = model.get("slider_label");
    if (handle && handle.getAttribute("aria-label") !== name) {
      handle.setAttribute("aria-label", name);
    }
    // A formula too wide for its panel scrolls: the keyboard must reach it too (only the
    // tab stops set here are taken back, never MathJax's own).
    root.querySelectorAll(".gmm-work mjx-container").forEach((m) => {
      const scrolls = m.scrollWidth > m.clientWidth + 1;
      if (scrolls && !m.hasAttribute("tabindex")) {
        m.tabIndex = 0;
        m.dataset.gmmScrolls = "1";
      } else if (!scrolls && m.dataset.gmmScrolls) {
        m.removeAttribute("tabindex");
        delete m.dataset.gmmScrolls;
      }
    });
    if (!root.hasAttribute("role")) {
      // A named region is a landmark: the explorer's controls are found as one place.
      root.setAttribute("role", "region");
      root.setAttribute("aria-label", model.get("region_label"));
    }
  }
  // Every view of this explorer (a notebook may show it twice), and no other explorer.
  function apply() {
    document.querySelectorAll("." + model.get("scope")).forEach(applyTo);
  }
  // Announced once the steps pause a moment: a held arrow key is not read step by step.
  let pending = null;
  function announce() {
    apply();
    clearTimeout(pending);
    pending = setTimeout(() => {
      live.textContent = model.get("alt");
    }, 400);
  }
  // The picture and the slider may render after this widget, or again later.
  const observer = new MutationObserver(apply);
  observer.observe(document.body, { childList: true, subtree: true });
  model.on("change:alt", announce);
  model.on("change:slider_label", apply);
  window.addEventListener("resize", apply);
  apply();
  return () => {
    observer.disconnect();
    clearTimeout(pending);
    window.removeEventListener("resize", apply);
    model.off("change:alt", announce);
    model.off("change:slider_label", apply);
  };
}

export default { render };
"""

_COUNTER = itertools.count(1)


def new_scope():
    """A CSS class naming one explorer's root on the page (unique within this kernel)."""
    return f"gmm-explorer-{next(_COUNTER)}"


class PageA11y(anywidget.AnyWidget):
    """An invisible widget that names the explorer's picture and slider and announces steps.

    Parameters
    ----------
    scope : str
        The CSS class of the explorer's root (see :func:`new_scope`).
    alt : str
        The picture's text alternative; each change is announced (politely) by a live region.
    slider_label : str
        The accessible name of the half-step slider's handle.
    """

    _esm = _ESM
    scope = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    slider_label = traitlets.Unicode("Half-step").tag(sync=True)
    region_label = traitlets.Unicode("EM explorer").tag(sync=True)

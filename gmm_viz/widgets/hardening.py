"""A slider for the shared variance of an equal-weight mixture: drag it from 1 down to 0.01
and watch EM's responsibilities harden into K-means' assignment (lesson 5)."""

from __future__ import annotations

import io

import ipywidgets as widgets

from gmm_viz.plotting import blank_figure
from gmm_viz.plotting.hardening import draw_hardening, update_hardening

__all__ = ["HardeningSlider"]


class HardeningSlider(widgets.VBox):
    """The picture of :func:`gmm_viz.plotting.draw_hardening` under a log-scale slider.

    Parameters
    ----------
    X : array-like (N,)
    means : array-like (K,)
    variance : float
        Where the slider starts (between 0.01 and 1).
    xlabel : str
    """

    def __init__(self, X, means, variance=1.0, *, xlabel="x"):
        self.figure = blank_figure((9, 3.6))
        ax = self.figure.add_subplot()
        self.artists = draw_hardening(ax, X, means, variance, xlabel=xlabel)
        self.slider = widgets.FloatLogSlider(
            value=variance,
            base=10,
            min=-2,
            max=0,
            step=0.05,
            description="σ²",
            readout_format=".3g",
            continuous_update=True,
            layout=widgets.Layout(width="32em"),
        )
        self.image = widgets.Image(format="png", value=self._png())
        self.slider.observe(lambda change: self.set_variance(change["new"]), names="value")
        super().__init__([self.slider, self.image])

    def set_variance(self, variance):
        """Redraw at another shared variance (the slider calls it)."""
        update_hardening(self.artists, variance)
        self.image.value = self._png()

    def _png(self):
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()

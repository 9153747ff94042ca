# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # EM explorer: Gaussian mixtures, one half-step at a time
#
# **EM** fits a mixture of Gaussians by alternating two half-steps: the **E-step** shares each
# point out between the components (the table on the right), the **M-step** moves each
# Gaussian to the weighted mean and spread of its share (the curves move, the log-likelihood
# below them climbs).
#
# **How to use it:** drag the *half-step* slider, click it and use the arrow keys, or press ▶.
# Open *Data* to choose a data set, paste numbers or upload a CSV; open *Model and start* to
# change K, the covariance type, the start or the seed.

# %%
# NBVAL_IGNORE_OUTPUT
import warnings

warnings.filterwarnings("ignore")
from gmm_viz.widgets import EMExplorer

EMExplorer("toy", size="screen")

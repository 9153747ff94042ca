# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   title: EM explorer · gmm_viz
# ---

# %%
# NBVAL_IGNORE_OUTPUT
import warnings

warnings.filterwarnings("ignore")
from gmm_viz.widgets import EMExplorer

explorer = EMExplorer("toy", size="screen")
explorer

# %%
# A class's question over the picture, when the server was launched for a class
# (gmm-viz class): the teacher's panel on the page opened with the teacher's link, a
# student's on every other page. Without a class, nothing.
from gmm_viz.classroom import join_class

panel = join_class(explorer)

# %% [markdown]
# **EM** fits a mixture of Gaussians by alternating two half-steps: the **E-step** shares each
# point out between the components (the table, and the points on the curves β under the
# picture), the **M-step** moves each Gaussian to the weighted mean and spread of its share
# (the curves move, the log-likelihood below them climbs).
#
# **How to use it:** *Next ▶* and *◀ Previous*, or →/← (also PageDown/PageUp and Space, as a
# presentation clicker sends) anywhere on the page; *▶ Play* steps on its own. *Projector*
# makes text and lines big enough for the back of a room. Open *Data* to choose a data set,
# paste numbers or upload a CSV; open *Model and start* to change K, the covariance type,
# the start or the seed; *⟲ Start over* goes back to the data set's own start.
#
# **In class:** when the teacher asks the room a question (where will a mean go, which
# component will own a point, will the log-likelihood rise), it appears above the picture:
# click on the picture or type your answer, change it until the teacher closes the question,
# and see everyone's answers and what EM did at the reveal.

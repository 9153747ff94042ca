# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Your data: paste it, upload it, or take a classic
#
# The explorer works on any 1-D or 2-D numbers. This lesson shows the three ways in — pasted
# text, a CSV file and the shipped data sets — then uses a fitted model the other way round:
# to *generate* data, the story a mixture tells.

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import numpy as np

np.set_printoptions(precision=4, suppress=True)

from gmm_viz import datasets
from gmm_viz.em import GaussianMixtureEM
from gmm_viz.widgets import EMExplorer

# %% [markdown]
# ## Pasted numbers
#
# Commas, semicolons, tabs or spaces all work; a list may run over several lines.

# %%
pasted = datasets.parse_text("1.1, 0.8, 1.3, 0.9, 4.2\n3.9, 4.4, 4.0")
print(pasted.X.ravel())

# %% [markdown]
# Mistakes get one sentence that says what and where — and how to fix it:

# %%
try:
    datasets.parse_text("1.1, 0.8, 1.3\n4.2, 3.9, oops")
except ValueError as problem:
    print(problem)

# %% [markdown]
# ## A CSV file
#
# `heights.csv` beside this notebook has a header row and two columns. Pick columns by name;
# in the explorer, the **CSV** upload button does the same from your computer.

# %%
heights = datasets.load_csv("heights.csv", columns=["height_cm"])
print(heights.columns, heights.X.shape, heights.X[:5].ravel())

# %% [markdown]
# ## Old Faithful, one column
#
# The waiting time between eruptions of the Old Faithful geyser (Yellowstone): short waits
# and long waits — two bumps. Step through EM finding them.

# %%
# NBVAL_IGNORE_OUTPUT
waiting = EMExplorer("faithful:waiting", 2)
waiting

# %%
waiting.step = waiting.n_steps - 1
w = waiting.current
print(f"{w.iteration} iterations; means {np.round(w.means.ravel(), 2)} minutes, "
      f"standard deviations {np.round(np.sqrt(w.covariances.ravel()), 2)}, weights {np.round(w.weights, 3)}")

# %%
waiting.figure

# %% [markdown]
# ## Old Faithful in 2-D
#
# With both columns — eruption length and waiting time — each Gaussian is an ellipse. The
# ellipses mark 1 and 2 standard deviations; the points are coloured by their shares.

# %%
# NBVAL_IGNORE_OUTPUT
both = EMExplorer("faithful", 2)
both

# %%
both.step = both.n_steps - 1
print("means (eruption min, waiting min):\n", np.round(both.current.means, 2))
print("weights:", np.round(both.current.weights, 3))

# %%
both.figure

# %% [markdown]
# ## The generative story: sample from the fitted model
#
# The mixture is a recipe: pick a component with probability $\alpha_k$, then draw a point
# from its Gaussian. Follow the recipe with the fitted Old Faithful model and the fake
# eruptions look like the real ones.

# %%
model = GaussianMixtureEM(2, random_state=0).fit(datasets.faithful().X)
fake, component = model.sample(1000, random_state=1)
print("share from each component:", np.bincount(component) / len(component))
print("real mean:", np.round(datasets.faithful().X.mean(axis=0), 2), " fake mean:", np.round(fake.mean(axis=0), 2))

# %% [markdown]
# ## Galaxies
#
# 82 galaxy velocities (km/s). How many groups are there? The answer depends on $K$ — see
# lesson 4. Try it here with the K box of *Model and start*.

# %%
# NBVAL_IGNORE_OUTPUT
galaxies = EMExplorer("galaxies", 3)
galaxies

# %%
galaxies.step = galaxies.n_steps - 1
print("means (km/s):", np.round(np.sort(galaxies.current.means.ravel())))

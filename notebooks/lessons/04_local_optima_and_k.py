# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Local optima, choosing K, and collapse
#
# EM always climbs, but it climbs the hill it starts on: the log-likelihood of a mixture is
# not one smooth hill, so a different start can end on a different, lower peak. This lesson
# shows it on real data, shows how to choose the number of components $K$, and shows the one
# way EM can "win" too much: a component that collapses onto a single point.
#
# ## Goal
#
# * After this lesson you can explain why EM from different starts ends on different answers,
#   say exactly which starts `n_init` tries and which one it keeps, and why more starts can
#   keep a worse model (a collapse) unless collapsed fits are set aside.
# * You can choose $K$ with BIC, AIC and a held-out log-likelihood, and compute BIC by hand
#   from a log-likelihood and a count of parameters.
# * You can recognise a collapsing component (variance to zero, log-likelihood to infinity)
#   and stop it with `reg_covar`, knowing what the floor costs.

# %%
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
# %matplotlib inline
import numpy as np
from matplotlib.figure import Figure

np.set_printoptions(precision=4, suppress=True)

from gmm_viz import datasets, exercises, plotting
from gmm_viz.em import GaussianMixtureEM
from gmm_viz.model_selection import held_out_log_likelihood
from gmm_viz.plotting.restarts import (
    draw_fits_1d,
    draw_k_criteria,
    draw_restart_traces,
    group_optima,
    optimum_names,
    sorted_by_mean,
)
from gmm_viz.questions import local_optima as ask
from gmm_viz.widgets import EMExplorer

# %% [markdown]
# ## Ten starts, several answers
#
# The galaxies data: the velocities of 82 galaxies, in km/s. Astronomers read clusters of
# galaxies in them: a small group near 10,000 km/s, the main body around 20,000-23,000 and
# three galaxies beyond 32,000. We fit $K = 4$ components, each run started from four
# velocities drawn at random as the means (`init_params="random_from_data"`).
#
# `GaussianMixtureEM(..., n_init=10, random_state=0)` tries ten such starts and keeps the one
# with the highest log-likelihood. Which ten? It makes **one** random generator from
# `random_state` and draws the ten starts from it one after another. We replay exactly that:
# one generator seeded with 0, and ten fits with one start each, every fit taking the next
# start from the same generator. So the ten runs below *are* the ten starts of `n_init=10`.

# %%
galaxies = datasets.galaxies()
X = galaxies.X
rng = np.random.default_rng(0)  # the generator that n_init=10, random_state=0 draws from
starts = [GaussianMixtureEM(4, init_params="random_from_data", random_state=rng,
                            tol=1e-8, max_iter=500).fit(X)
          for _ in range(10)]
print("where each start puts its four means (km/s, sorted):")
for i, run in enumerate(starts, start=1):
    print(f"  start {i:2d}:", np.sort(run.history_.params(0).means.ravel()).round())

# %% [markdown]
# Look at where the starts sit: some have a mean in the small group near 10,000 km/s, one
# has a mean out at 32,789, most have all four in the main body.

# %%
ask.best_of_the_starts(starts, X)

# %%
final = [run.score(X) * len(X) for run in starts]  # total log-likelihood of each run
winner = int(np.argmax(final))
labels, optima = group_optima(final, decimals=2)
names = optimum_names(len(optima))
for i, run in enumerate(starts, start=1):
    print(f"start {i:2d}: log-likelihood {final[i - 1]:8.2f} after {run.n_iter_:3d} "
          f"iterations  -> optimum {names[labels[i - 1]]}")

# %% [markdown]
# Ten starts, five different answers ("optima" A to E, A the best), and only one start in
# ten found A. Here are the five answers' parameters, the components ordered from left to
# right: mean $\mu_k$, weight $\alpha_k$, variance $\sigma_k^2$ and, easier to read, the
# standard deviation $\sigma_k$ in km/s.

# %%
representatives = [starts[list(labels).index(j)] for j in range(len(optima))]
for name, value, run in zip(names, optima, representatives, strict=True):
    p = sorted_by_mean(run)
    variances = p.covariances.ravel()
    print(f"optimum {name}: log-likelihood {value:.2f}")
    print("  mean mu_k (km/s)           ", "".join(f"{m:10.0f}" for m in p.means.ravel()))
    print("  weight alpha_k             ", "".join(f"{w:10.3f}" for w in p.weights))
    print("  variance sigma_k^2 (km/s)^2", "".join(f"{v:10.3g}" for v in variances))
    print("  sd sigma_k (km/s)          ", "".join(f"{s:10.0f}" for s in np.sqrt(variances)))

# %% [markdown]
# The same five answers drawn over the histogram of the velocities: each weighted component
# $\alpha_k \mathcal{N}(x \mid \mu_k, \sigma_k^2)$ in its colour, the mixture in black, and
# the galaxies as dots under the axis, coloured by their responsibilities $\beta_{nk}$.

# %%
fig = Figure(figsize=(11, 2.5 * len(optima)), layout="constrained")
axes = fig.subplots(len(optima), 1)
titles = [f"optimum {n}: log-likelihood {v:.2f}" for n, v in zip(names, optima, strict=True)]
draw_fits_1d(axes, X, representatives, titles=titles, xlabel=galaxies.axis_labels[0])
fig

# %% [markdown]
# Read the pictures from the top:
#
# * **A** (the best) gives each group its own component: blue for the seven galaxies near
#   9,700 km/s, pink ($\sigma \approx 900$ km/s, weight 0.04) for the three beyond
#   32,000, and two for the main body, a narrow one at 19,700 and a wide one around 21,900.
# * **B** has no component of its own for the three far galaxies. Its pink component sits
#   at 24,400 km/s and is very wide ($\sigma \approx 5{,}800$ km/s) and low: it covers the
#   far three with its tail, together with the right shoulder of the main body, and the
#   picture shows almost no density out there. Its other three components are like A's,
#   one for the group near 9,700 km/s and two for the main body (split differently); missing
#   the far group costs it 1.8 in log-likelihood.
# * **C** also leaves the far group to a wide component, and turns its green component into
#   a *spike* ($\sigma \approx 29$ km/s, weight 0.04: about three galaxies' worth) on the four
#   galaxies between 20,795 and 20,875 km/s.
# * **D** and **E** have no component for the group near 9,700 km/s: a very wide blue
#   component ($\sigma \approx 8{,}100$ km/s) spreads over *both* outer groups at once, and
#   each has a spike (weight 0.04 again) on a few galaxies of nearly equal velocity inside
#   the main body.
#
# The spikes in C, D and E are a first taste of the last section: a component that sits on
# very few points can make itself very narrow and very tall.
#
# ## How each start got there
#
# Each line below is one start's log-likelihood after every iteration (iteration 0 is the
# start itself), coloured by the optimum it reached. The axis shows the last 40 units below
# the best answer; the starts that begin lower enter from the bottom.

# %%
fig = Figure(figsize=(11, 4.2), layout="constrained")
draw_restart_traces(fig.subplots(), starts, below_best=40)
fig

# %% [markdown]
# Every line rises and never falls. (These runs have scikit-learn's tiny default floor under
# the variances, `reg_covar=1e-6`; exact EM can never go down, and with so small a floor it
# practically never does: lesson 5 says why, and when a floor makes it dip.) Each one flattens
# on its own plateau, and the plateaus differ by up to 14 units: those are the local optima.
# The starts also take very different routes. Start 7 (A) is on its plateau within about
# 10 iterations. Start 10 (amber, the late jump) creeps up for 25 iterations while its
# lowest component, wide, slides from 18,600 km/s down across the empty gap; around
# iteration 26 it reaches the group near 9,700 km/s, narrows onto it, and the
# log-likelihood climbs 8 units in three iterations, to B. A start does not decide everything, but no start
# here carried a component out to the three galaxies beyond 32,000 km/s except the one
# that began there.
#
# `n_init` is the remedy: run several starts and keep the best. Before we run it:

# %%
best = GaussianMixtureEM(4, init_params="random_from_data", n_init=10, random_state=0,
                         tol=1e-8, max_iter=500).fit(X)
ask.n_init_against_the_listed_starts(best, starts, X)

# %%
best_ll = best.score(X) * len(X)
print(f"n_init=10 keeps:         log-likelihood {best_ll:.2f}")
print(f"best of the ten listed:  log-likelihood {max(final):.2f} (start {winner + 1})")
print("the same parameters:", np.allclose(best.means_, starts[winner].means_))

# %% [markdown]
# More starts raise the chance of finding the best hill (here 1 start in 10 found it); no
# number of starts guarantees it. **Try it:** replay the ten starts with the default
# `init_params="kmeans"` (EM started from a k-means clustering) and see which optima those
# reach.
#
# ### More starts, a bigger trap
#
# So a hundred starts should do better still?

# %%
many = GaussianMixtureEM(4, init_params="random_from_data", n_init=100, random_state=0,
                         tol=1e-8, max_iter=500).fit(X)
ask.hundred_starts_against_ten(many, best, X)

# %%
kept = sorted_by_mean(many)
print(f"n_init=100 keeps: log-likelihood {many.score(X) * len(X):.2f}")
print("  mean mu_k (km/s)  ", "".join(f"{m:10.0f}" for m in kept.means.ravel()))
print("  sd sigma_k (km/s) ", "".join(f"{s:10.3g}" for s in np.sqrt(kept.covariances.ravel())))
print(many.history_.notes()[-1])

# %% [markdown]
# The hundred starts found a component with a standard deviation of 0.001 km/s on the one
# galaxy at 10,406 km/s, and kept it, because its log-likelihood is higher. That is no
# accident of these data. Put a component's mean *on* one data point and let its variance
# shrink: its density at that point, $lpha_k / \sqrt{2\pi\sigma_k^2}$, grows without bound,
# and so does the log-likelihood, while the other components still cover the other points.
# **The unregularised maximum of a Gaussian mixture's likelihood does not exist**: there
# is always a higher "hill", a needle on one point. The best honest answers are local
# maxima, and a search that keeps the highest log-likelihood is drawn to the needles; the
# more starts, the more likely one of them falls in (here 3 of the 100). The only thing
# that stopped this needle is the engine's floor, `reg_covar=1e-6` — in the data's units,
# a variance of $10^{-6}$ (km/s)², nothing on a scale of thousands of km/s.
#
# Two remedies, best used together:
#
# * **Set collapsed fits aside before keeping the best.** Replay the hundred starts one by
#   one (as for the ten above) and keep the best of those that did not collapse
#   (`history_.notes()` says which did).
# * **Put the floor in the data's units:** a `reg_covar` that is a spread you would never
#   believe in for a real group, here $(100\ \text{km/s})^2$, far below any group's spread
#   (the narrowest honest component above has $\sigma \approx 400$ km/s) but far above zero.

# %%
rng = np.random.default_rng(0)  # the hundred starts of n_init=100, one by one
runs = [GaussianMixtureEM(4, init_params="random_from_data", random_state=rng,
                          tol=1e-8, max_iter=500).fit(X) for _ in range(100)]
honest = [run for run in runs if not run.history_.notes()]
kept = max(honest, key=lambda run: run.score(X))
print(f"{len(runs) - len(honest)} of 100 starts collapsed; the best of the other "
      f"{len(honest)}: log-likelihood {kept.score(X) * len(X):.2f}, means "
      f"{np.sort(kept.means_.ravel()).round()}")
floored = GaussianMixtureEM(4, init_params="random_from_data", n_init=100, random_state=0,
                            reg_covar=100.0**2, tol=1e-8, max_iter=500).fit(X)
print(f"n_init=100 with reg_covar = (100 km/s)^2: log-likelihood "
      f"{floored.score(X) * len(X):.2f}, notes {len(floored.history_.notes())}, "
      f"smallest sd {np.sqrt(floored.covariances_.min()):.0f} km/s")

# %% [markdown]
# Set aside, the three collapses leave an honest best slightly above A (the hundred starts
# found a hill the ten missed), and the floor in km/s keeps every component a real group.
# The last section of this lesson takes a collapse apart, step by step.
#
# ## Choosing K: BIC, AIC and held-out log-likelihood
#
# More components always fit the training data at least as well, so the log-likelihood
# alone cannot choose $K$. The classic criteria charge for every free parameter (lower is
# better):
#
# $$\mathrm{BIC} = -2 \log L + p \ln N, \qquad \mathrm{AIC} = -2 \log L + 2p,$$
#
# with $\log L$ the total log-likelihood, $N$ the number of points and $p$ the number of free
# parameters: $K - 1$ weights (they add up to 1, so the last one is not free), $K$ means of
# $D$ numbers each, and each component's covariance ($1$ variance in 1-D; in 2-D with full
# covariances, 3 numbers: two variances and a covariance). For $N \ge 8$, $\ln N > 2$, so BIC
# charges more than AIC.
#
# ### Exercise: BIC by hand
#
# The best galaxies fit above, `best` ($K = 4$, 1-D), has the log-likelihood printed above,
# -763.89, on $N = 82$ points. Count its free parameters, then compute its BIC, to the
# nearest whole number.

# %%
my_answer = None  # replace None with your number (a whole number)
exercises.check_bic(my_answer, best, X)

# %% [markdown]
# <details><summary>Solution</summary>
#
# Free parameters: $K - 1 = 3$ weights, $4$ means, $4$ variances: $p = 11$. (Counting all
# four weights gives $p = 12$ and 1580.66.)
#
# $\mathrm{BIC} = -2 \times (-763.89) + 11 \ln 82 = 1527.78 + 11 \times 4.4067 = 1527.78 +
# 48.47 = 1576.25$.
#
# </details>

# %% [markdown]
# ### Old Faithful, K = 1 to 10
#
# Now choose $K$ for the Old Faithful eruptions (2-D: eruption length and waiting time, in
# minutes; $N = 272$), with full covariances, five starts per $K$. A third judge joins BIC
# and AIC: the **held-out log-likelihood**. Fit on a random 75 % of the eruptions, and ask
# how probable the fitted mixture finds the other 25 %; average over five random splits.
# It needs no formula for $p$: extra components that only fit noise make new data *less*
# probable.

# %%
faithful = datasets.faithful()
F = faithful.X
ks = list(range(1, 11))
options = dict(n_init=5, tol=1e-4, max_iter=500)
fits = [GaussianMixtureEM(k, random_state=0, **options).fit(F) for k in ks]
bic = [fit.bic(F) for fit in fits]
aic = [fit.aic(F) for fit in fits]
ask.k_chosen_by_bic(ks, bic, n_features=2, n_samples=len(F))

# %%
held = held_out_log_likelihood(F, ks, test_size=0.25, n_splits=5, random_state=0, **options)
print(" K     log L      BIC      AIC   held-out per point")
for k, fit, b, a, h in zip(ks, fits, bic, aic, held.mean_test, strict=True):
    print(f"{k:2d} {fit.score(F) * len(F):9.2f} {b:8.1f} {a:8.1f}   {h:8.3f}")

# %%
fig = Figure(figsize=(9, 6.5), layout="constrained")
top, bottom = fig.subplots(2, 1, sharex=True)
chosen = draw_k_criteria(top, bottom, ks, bic, aic, held)
print("chosen K:", chosen.best)
fig

# %% [markdown]
# * **BIC** is lowest at $K = 2$: two kinds of eruption, as the geyser's physics suggests.
# * **AIC** falls steeply to $K = 2$ and then hardly moves: from 2 to 10 it stays within
#   about 22 units, with its minimum at $K = 5$, inside the range tried. AIC charges less
#   and tends to pick more components; a flat curve like this one says its choice is
#   fragile.
# * The **held-out** log-likelihood rises from $K = 1$ to 2, is level from 2 to 4 (the
#   bars, one standard deviation over the splits, overlap: new eruptions cannot tell 2, 3
#   and 4 apart) and falls beyond, where extra components start fitting noise.
# * The **log L** column itself is not monotone: $K = 10$ ends below $K = 9$. A mixture with
#   one more component can always do at least as well (give the extra one a weight of 0), so
#   the *best* $K = 10$ fit is at least as high; but each row is the best of only five EM
#   runs, each a local maximum, and ten components have more hills to get stuck on. A row's
#   log L is what EM found, not the best there is.
#
# Why stop at 10? Push $K$ to 12 and a component collapses onto a line of eruptions that
# share one waiting time; the last section shows what that does to the numbers.
#
# ## Collapse: when a Gaussian swallows one point
#
# Back to the five toy points, 0.9, 0.7, 1.2, 2.4, 1.8. Start component 2 narrow (variance
# 0.05) and light (weight 0.2) right on the point 2.4, component 1 broad (variance 0.5, mean
# 1.2, weight 0.8).

# %%
toy = datasets.toy()
narrow = dict(weights=[0.8, 0.2], means=[1.2, 2.4], covariances=[0.5, 0.05])
narrow_start = dict(weights_init=narrow["weights"], means_init=np.array(narrow["means"])[:, None],
                    covariances_init=narrow["covariances"], tol=1e-6, max_iter=200)
print("data:", toy.X.ravel())

# %% [markdown]
# ### Exercise: who takes the point 1.8?
#
# Point 5, $x = 1.8$, is only 0.6 from component 2's mean. At the start, compute the
# responsibility $\beta_{5,2}$ of component 2 for it:
# $\beta_{nk} = \alpha_k \mathcal{N}(x_n \mid \mu_k, \sigma_k^2) /
# \sum_j \alpha_j \mathcal{N}(x_n \mid \mu_j, \sigma_j^2)$.

# %%
my_answer = None  # replace None with your number (three decimals)
exercises.check_responsibility(my_answer, toy.X, narrow, point=5, component=2)

# %% [markdown]
# <details><summary>Solution</summary>
#
# Component 1: $\mathcal{N}(1.8 \mid 1.2, 0.5) = \frac{1}{\sqrt{2\pi \cdot 0.5}}
# e^{-0.6^2 / (2 \cdot 0.5)} = 0.5642 \times e^{-0.36} = 0.5642 \times 0.6977 = 0.3937$;
# weighted: $0.8 \times 0.3937 = 0.3149$.
#
# Component 2: $\mathcal{N}(1.8 \mid 2.4, 0.05) = \frac{1}{\sqrt{2\pi \cdot 0.05}}
# e^{-0.6^2 / (2 \cdot 0.05)} = 1.7841 \times e^{-3.6} = 1.7841 \times 0.0273 = 0.0487$;
# weighted: $0.2 \times 0.0487 = 0.0097$.
#
# $\beta_{5,2} = 0.0097 / (0.3149 + 0.0097) = 0.030$. At 0.6 from its mean, 0.6 / 0.224 =
# 2.7 of component 2's standard deviations away, the point is almost entirely component 1's.
#
# </details>
#
# The first E-step for all five points (rows: points; columns: components 1 and 2):

# %%
collapsed = GaussianMixtureEM(2, reg_covar=0.0, **narrow_start).fit(toy.X)
print(collapsed.history_.responsibilities(1, toy.X))

# %% [markdown]
# Component 2 is left with 77 % of the point 2.4, 3 % of 1.8 and nothing else. Its M-step
# puts its mean on 2.4 and its variance, the responsibility-weighted spread around that
# mean, becomes small; at the next E-step it is even narrower and takes even less of 1.8.

# %%
ask.log_likelihood_after_collapse(collapsed)

# %%
h = collapsed.history_
for s in range(0, h.n_steps, 2):
    p = h.params(s)
    variances = ", ".join(f"{v:.3g}" for v in p.covariances.ravel())
    print(f"iteration {s // 2}: variances {variances:<16}  log-likelihood {h.log_likelihood(s):8.4f}")
notes = h.notes()
print(f"\n{len(notes)} notes; the first:\n{notes[0]}")

# %% [markdown]
# In three iterations the variance of component 2 falls from 0.05 to 0.013, to 0.0000018,
# to $3 \times 10^{-21}$, and the log-likelihood from -4.62 to 18.07. The history says
# what happened, in words (`history_.notes()`), from iteration 3 on. That is not a better
# model, it is a degenerate one: a Gaussian on one point with no width at all.
#
# The start and the first three iterations, on one page (ghosts and arrows show each M-step's
# move). At M-step 2 component 2 is already a needle on 2.4 that dwarfs component 1; at
# M-step 3 ($\sigma \approx 5 \times 10^{-11}$) the needle is about $10^9$ tall, and the
# density axis has to stretch so far that everything else lies flat on zero.

# %%
plotting.step_strip(toy.X, h, steps=[0, 2, 4, 6], columns=toy.axis_labels)

# %% [markdown]
# ### See it happen, step by step
#
# The explorer below starts from the same narrow start, with exact EM (`reg_covar` 0). It is
# left at half-step 4 (M-step 2, the needle above); step on to half-step 6 to see the needle
# shoot up and the note appear beside the picture.

# %%
narrow_toy = datasets.Dataset(toy.X, toy.columns, name="toy, narrow start",
                              start=dict(narrow, means=[[1.2], [2.4]]))
explorer = EMExplorer(narrow_toy)
print("the same run as above:", explorer.n_steps == h.n_steps)

# %%
# NBVAL_IGNORE_OUTPUT
explorer

# %%
explorer.step = 4
print(f"half-step {explorer.step}: variances",
      ", ".join(f"{v:.3g}" for v in explorer.current.covariances.ravel()))
print("the note at half-step 6:", explorer.history.notes(6)[0])

# %% [markdown]
# **Try it:** in the explorer, set *reg_covar* to 0.1 and step again; the needle never
# forms. Then try 1e-3. Before you do:
#
# ## The fix: a floor under every variance
#
# `reg_covar` adds a small amount to every variance after each M-step, so no variance can
# fall below it.

# %%
gentle = GaussianMixtureEM(2, reg_covar=1e-3, **narrow_start).fit(toy.X)
ask.collapse_with_a_floor(gentle)

# %%
regs = [0.0, 1e-3, 0.05, 0.1]
fixes = [GaussianMixtureEM(2, reg_covar=r, **narrow_start).fit(toy.X) for r in regs]
for r, fit in zip(regs, fixes, strict=True):
    variances = ", ".join(f"{v:.3g}" for v in fit.covariances_.ravel())
    print(f"reg_covar={r:<6}: weights {fit.weights_}, means {fit.means_.ravel()}, "
          f"variances {variances:<16} log-likelihood {fit.score(toy.X) * len(toy.X):6.2f}, "
          f"notes {len(fit.history_.notes())}")

# %%
fig = Figure(figsize=(13, 6), layout="constrained")
axes = fig.subplots(2, 2)
draw_fits_1d(axes, toy.X, fixes, titles=[f"reg_covar = {r}" for r in regs], hist=False,
             xlabel=toy.axis_labels[0], sort=False)
fig

# %% [markdown]
# * With **0** the needle on 2.4 reaches a density of about $10^9$ (the scale of the top
#   left panel): everything else is flat beside it.
# * With **1e-3** the needle is capped at a height of about 2.5, but it is still a
#   component for one point.
# * With **0.05** the two components are honest Gaussians: one for 0.7, 0.9 and 1.2, one
#   for 1.8 and 2.4, close to what k-means would give.
# * With **0.1**, the explorer's biggest choice, the collapse is gone too, but the floor is
#   strong for these data: 0.1 is a quarter of the variance of all five points (0.39), so
#   both variances stay near 0.5 and the two components slide on top of each other, one
#   broad hump.
#
# Notice the log-likelihoods: 18.07 with the needle, -2.12 with the capped needle, -3.84 and
# -4.79 with the honest fits. The floor *lowers* the log-likelihood, and that is the point:
# the 18.07 was not a better fit. (With a floor, EM no longer climbs the plain
# log-likelihood exactly, so it may dip a little on the way.)
#
# ### The same on real data
#
# Old Faithful's waiting times are whole minutes, so many eruptions share one waiting time.
# With $K = 12$ (and the default `reg_covar=1e-6`), a component finds a row of them:

# %%
twelve = GaussianMixtureEM(12, random_state=0, **options).fit(F)
print(twelve.history_.notes()[-1])
print(f"AIC with K = 12: {twelve.aic(F):.1f}   (the best of K = 1..10: {min(aic):.1f})")

# %%
flat = int(np.argmin(twelve.covariances_[:, 1, 1]))  # the narrowest in waiting time
members = F[twelve.predict(F) == flat]
print(f"component {flat + 1}: {len(members)} eruptions, waiting times {np.unique(members[:, 1])}, "
      f"variance of waiting {twelve.covariances_[flat, 1, 1]:.0e}")

# %% [markdown]
# Its variance across the row is the floor, 1e-6 minutes², and AIC would "choose" this
# degenerate $K = 12$ over every honest fit: a criterion built on the log-likelihood is fooled
# by a log-likelihood that grows without bound. Check the notes before you trust a
# criterion, and think of `reg_covar` as a spread in the data's units.

# %% [markdown]
# ## What to remember
#
# * EM climbs the hill it starts on: different starts reach different optima. `n_init` runs
#   several starts, drawn one after another from one generator seeded by `random_state`, and
#   keeps the best; more starts raise the chance of the best answer, none guarantees it.
# * The likelihood of a Gaussian mixture has no maximum: a needle on one point beats every
#   honest fit. So more starts can keep a collapse (100 starts did, on the galaxies): set
#   collapsed fits aside before keeping the best, and floor the variances in the data's
#   units.
# * BIC $= -2\log L + p\ln N$ and AIC $= -2\log L + 2p$ (lower is better), with $p$ = $(K-1)$
#   weights + the means + the covariances' free numbers. BIC chose 2 for Old Faithful; AIC
#   picks more and is often flat; the held-out log-likelihood asks how well new data are
#   predicted.
# * A component that sits on one point (or one line) can shrink its variance to zero and
#   send the log-likelihood to infinity: a degenerate fit, not a better one.
#   `history_.notes()` says when it happens.
# * `reg_covar` adds a floor to every variance: too small (1e-3 here) still lets a needle
#   form; choose it as a spread that makes sense in the data's units.

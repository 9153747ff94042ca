"""Write the lesson notebooks from their text below and save them executed.

Run from the repository root after changing a lesson or the package:

    .venv/bin/python notebooks/build_notebooks.py            # all notebooks
    .venv/bin/python notebooks/build_notebooks.py 02         # the ones whose name has "02"

Each notebook is executed top to bottom in its own folder with the python3 kernel and
saved with its outputs, so it reads on a static viewer and nbval can check it.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent

SETUP = """\
# Setup: quiet warnings so that the output below is the lesson's own.
import warnings

warnings.filterwarnings("ignore")
%matplotlib inline
import numpy as np

np.set_printoptions(precision=4, suppress=True)
"""


def md(text):
    return nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip())


def code(text):
    return nbformat.v4.new_code_cell(textwrap.dedent(text).strip())


def setup(imports):
    """The first code cell: quiet warnings, inline figures, then the lesson's imports."""
    return code(SETUP + "\n" + textwrap.dedent(imports).strip())


# --------------------------------------------------------------------------------------
# 01: the worked example, by hand
# --------------------------------------------------------------------------------------

NB01 = [
    md("""
    # EM by hand: one iteration of the worked example

    A Gaussian mixture says each point was made in two moves: **pick a component** $k$ with
    probability $\\alpha_k$ (its weight), then **draw the point** from that component's normal
    distribution $\\mathcal{N}(\\mu_k, \\sigma_k^2)$. Fitting the mixture means finding the
    weights, means and variances — without knowing which component made which point.

    Expectation-Maximization (EM) does it in two half-steps, repeated:

    * **E-step** — with the Gaussians held still, work out for every point how *responsible*
      each component is for it: $\\beta_{nk}$, a probability, soft instead of a hard label.
    * **M-step** — with the responsibilities held still, move every Gaussian: its new weight,
      mean and variance are the responsibility-weighted share, average and spread of the points.

    This lesson redoes, number by number, the hand-worked example of the course notes this
    project started from, then lets you step through the rest of the run.
    """),
    setup("from gmm_viz import datasets, worked\nfrom gmm_viz.widgets import EMExplorer"),
    md("""
    ## The data and the start

    Five numbers, two components. The notes start from means 1 and 2, variances 2 and 2 and
    equal weights 0.5 and 0.5.
    """),
    code("""
    toy = datasets.toy()
    print("data:", toy.X.ravel())
    print("start: weights", toy.start["weights"], " means", toy.start["means"].ravel(),
          " variances", toy.start["covariances"].ravel())
    """),
    md("""
    ## The E-step: who is responsible for each point?

    For each point $x_n$ and component $k$: the normal density $\\mathcal{N}(x_n \\mid k)$, the
    weighted density $\\alpha_k \\mathcal{N}(x_n \\mid k)$, and the responsibility

    $$\\beta_{nk} = \\frac{\\alpha_k\\, \\mathcal{N}(x_n \\mid \\mu_k, \\sigma_k^2)}
    {\\sum_j \\alpha_j\\, \\mathcal{N}(x_n \\mid \\mu_j, \\sigma_j^2)}.$$

    `worked.solve` runs EM from the given start and keeps every number of the hand calculation.
    """),
    code("""
    start = toy.start
    solution = worked.solve(toy.X, 2, weights=start["weights"], means=start["means"],
                            covariances=start["covariances"], iterations=1)
    print(worked.e_step_text(solution, iteration=1, digits=3))
    """),
    md("""
    The last two columns are the notes' table, to the digit:
    `beta 1: [0.574, 0.599, 0.537, 0.389, 0.463]` and
    `beta 2: [0.426, 0.401, 0.463, 0.611, 0.537]`. Each row sums to 1: every point is shared
    out between the two components. Point 4 ($x = 2.4$) leans towards component 2, whose mean
    is 2; the points near 1 lean towards component 1.

    ### Three small slips in the notes, kindly pointed out

    1. **The densities.** The notes print `g1: [0.398, 0.390, 0.395, 0.244, 0.340]`. The normal
       density at variance 2 peaks at $1/\\sqrt{2\\pi\\cdot 2} \\approx 0.282$, not 0.399: the
       notes dropped the $1/\\sigma$ factor. It does no harm *here* because both variances are
       2, so the factor cancels in $\\beta$; with unequal variances it would not. The table above
       shows the true densities; multiplied by $\\sigma = \\sqrt 2$ they give the notes' numbers:
    """),
    code("""
    first = solution.iterations[0].e_step
    print("true densities, component 1:      ", np.round(first.densities[:, 0], 3))
    print("times sigma = sqrt(2) (the notes):", np.round(first.densities[:, 0] * np.sqrt(2), 3))
    """),
    md("""
    2. **"sigma" is the variance.** The notes print `new sigma1: 0.351…`; that number is the
       new *variance* $\\sigma_1^2$ (the standard deviation would be $\\sqrt{0.351} = 0.592$).
    3. **The weight update is part of the M-step.** The notes label the new $\\alpha$ as an
       "E-step". Updating the weights $\\alpha_k = N_k / N$ is a maximisation like the means and
       variances; the E-step only computes responsibilities.

    ## The M-step: move the Gaussians

    Each component's new parameters use the responsibilities as weights:
    $N_k = \\sum_n \\beta_{nk}$ (how many points it has, softly counted),
    $\\alpha_k = N_k / N$, $\\mu_k = \\sum_n \\beta_{nk} x_n / N_k$ and
    $\\sigma_k^2 = \\sum_n \\beta_{nk} (x_n - \\mu_k)^2 / N_k$. With the numbers:
    """),
    code("print(worked.m_step_text(solution, iteration=1, digits=6))"),
    md("""
    These are the notes' results: `new mu1, new sigma1: 1.3065753725700628 0.3510142879511143`,
    `new mu2, new sigma2: 1.4982149218892322 0.408060269961259` and
    `new alpha 1: 0.5124981885949778`. To every printed digit:
    """),
    code("""
    new = solution.final
    print("means    ", [float(m) for m in new.means.ravel()])
    print("variances", [float(v) for v in new.full_covariances().ravel()])
    print("weights  ", [float(w) for w in new.weights])
    """),
    md("""
    And the log-likelihood climbed, as EM guarantees it always does:
    """),
    code("""
    print(f"log-likelihood at the start: {solution.initial_log_likelihood:.6f}")
    print(f"after one iteration:         {solution.final_log_likelihood:.6f}")
    """),
    md("""
    ## Step through the whole run

    The explorer below starts from the same place. Drag the **half-step** slider (or click
    in it and use the arrow keys, or press play): half-step 1 is the E-step above, half-step 2
    the M-step. The table on the right shows the responsibilities; *Show your work* writes the
    formulas with the numbers for the point and component you choose.
    """),
    code("""
    # NBVAL_IGNORE_OUTPUT
    explorer = EMExplorer("toy")
    explorer
    """),
    md("""
    Where does it end? Jump to the last half-step:
    """),
    code("""
    explorer.step = explorer.n_steps - 1
    final = explorer.current
    print(f"{explorer.n_steps - 1} half-steps ({final.iteration} iterations), converged: {explorer.history.converged}")
    print("means", final.means.ravel(), " variances", final.covariances.ravel(), " weights", final.weights)
    print(f"log-likelihood {final.log_likelihood:.4f}")
    """),
    code("explorer.figure"),
    md("""
    The two components end up splitting the data: one takes the three points near 1, the other
    the two larger points — which is what your eye would do, reached by soft steps, each one
    raising the log-likelihood (the lower panel).

    **Try it:** change the start (*Model and start* → *Start*: k-means or random points) and
    see whether EM ends in the same place. Lesson 4 is about when it doesn't.
    """),
]


# --------------------------------------------------------------------------------------
# 02: soft versus hard
# --------------------------------------------------------------------------------------

NB02 = [
    md("""
    # Soft versus hard: why EM and not just K-means?

    K-means gives every point to exactly **one** cluster — its nearest center. When clusters
    overlap, a point in between is forced to one side, and the centers are pulled apart by the
    points they wrongly own. EM gives each point a **share** of every cluster instead.

    To compare like with like we use the simplified model of the K-means-vs-EM article: every
    component has **variance 1** and **weight 1/K**, and only the **means** are learned. Its
    E-step is a soft version of K-means' assignment step, its M-step a weighted version of
    K-means' update.
    """),
    setup("""
    from matplotlib.figure import Figure

    from gmm_viz import datasets, plotting
    from gmm_viz.em import GaussianMixtureEM, e_step, kmeans
    from gmm_viz.widgets import EMExplorer
    """),
    md("""
    ## Overlapping clusters, with a known truth

    300 points drawn from exactly that model: three components with means −2, 0.5 and 3,
    variance 1, equal weights. Their bells overlap: many points could have come from either
    neighbour.
    """),
    code("""
    data = datasets.synthetic(n_samples=300, means=[[-2.0], [0.5], [3.0]],
                              covariances=[[[1.0]]] * 3, random_state=7)
    X = data.X
    print(data.n_samples, "points; true means", data.truth["means"].ravel())
    """),
    md("""
    ## The same start for both

    Both methods start with their centers (means) at −1, 0 and 1.
    """),
    code("""
    start = np.array([[-1.0], [0.0], [1.0]])
    hard = kmeans(X, 3, init=start)
    soft = GaussianMixtureEM(3, covariance_type="spherical", fixed=("weights", "covariances"),
                             weights_init=[1 / 3] * 3, means_init=start,
                             covariances_init=[1.0] * 3, tol=1e-8, max_iter=500).fit(X)
    print("K-means centers:", np.round(hard.centers.ravel(), 3), f"after {hard.n_iter} iterations")
    print("EM means:       ", np.round(soft.means_.ravel(), 3), f"after {soft.n_iter_} iterations")
    print("true means:     ", data.truth["means"].ravel())
    """),
    md("""
    K-means pushed its outer centers out (−2.29 instead of −2) and its middle one down: the
    points of the overlap were each given whole to one cluster, and that biases the averages.
    EM's means land closer to the truth, because a point in the overlap counts half here and
    half there.
    """),
    code("""
    hard_error = np.abs(hard.centers.ravel() - data.truth["means"].ravel()).sum()
    soft_error = np.abs(soft.means_.ravel() - data.truth["means"].ravel()).sum()
    print(f"total distance to the true means: K-means {hard_error:.3f}, EM {soft_error:.3f}")
    """),
    md("""
    ## The responsibility table

    Here is the article's kind of table for the first points: one row per point, one column per
    cluster, each row summing to 1. Bold marks the largest share — what K-means would use as the
    whole answer.
    """),
    code("""
    from IPython.display import HTML

    resp, _ = e_step(X, soft.params_)
    HTML(worked.responsibility_table_html(resp, X, columns=data.columns, max_rows=8))
    """),
    md("""
    A point sitting between two clusters gets, say, 0.55 and 0.45. K-means rounds that to 1 and
    0 — and that rounding is the bias above.

    ## Side by side

    Left, K-means' hard labels (every point wears one colour); right, EM's soft ones (a point in
    an overlap is a blend of two colours), with the three bells EM found.
    """),
    code("""
    fig = Figure(figsize=(12, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    plotting.draw_hard_assignment_1d(left, X, hard.centers, hard.labels, xlabel="x")
    left.set_title("K-means: hard assignment")
    plotting.draw_mixture_1d(right, X, soft.params_, responsibilities=resp, xlabel="x")
    right.set_title("EM, means only: soft assignment")
    fig
    """),
    md("""
    ## Step through both from the same start

    K-means after 0, 1 and 5 iterations, and EM after as many M-steps. Watch the centers and
    the means: both start at −1, 0, 1.
    """),
    code("""
    for t in (0, 1, 5):
        km = kmeans(X, 3, init=start, max_iter=t)
        step = soft.history_.params(2 * t)
        print(f"iteration {t}: K-means {np.round(km.centers.ravel(), 3)}   EM {np.round(step.means.ravel(), 3)}")
    """),
    md("""
    ## Your turn

    The explorer below runs the same means-only model (the **Means-only model** button sets it
    up on any data: K = 3, variances and weights held fixed). Step through it, and watch the
    colours of the points in the overlaps: they are never pure.
    """),
    code("""
    # NBVAL_IGNORE_OUTPUT
    explorer = EMExplorer(data, 3, init_params="kmeans", covariance_type="spherical",
                          fixed=("weights", "covariances"))
    explorer
    """),
    code("""
    explorer.step = 6
    print(explorer.current.phase, explorer.current.iteration, np.round(explorer.current.means.ravel(), 3))
    """),
    md("""
    **Think about it:** the variance was fixed at 1 because the data were made that way. Untick
    *hold covariances fixed* and EM also learns how wide each bell is; K-means has no such idea.
    """),
]


# --------------------------------------------------------------------------------------
# 03: your data
# --------------------------------------------------------------------------------------

NB03 = [
    md("""
    # Your data: paste it, upload it, or take a classic

    The explorer works on any 1-D or 2-D numbers. This lesson shows the three ways in — pasted
    text, a CSV file and the shipped data sets — then uses a fitted model the other way round:
    to *generate* data, the story a mixture tells.
    """),
    setup("""
    from gmm_viz import datasets
    from gmm_viz.em import GaussianMixtureEM
    from gmm_viz.widgets import EMExplorer
    """),
    md("""
    ## Pasted numbers

    Commas, semicolons, tabs or spaces all work; a list may run over several lines.
    """),
    code("""
    pasted = datasets.parse_text("1.1, 0.8, 1.3, 0.9, 4.2\\n3.9, 4.4, 4.0")
    print(pasted.X.ravel())
    """),
    md("""
    Mistakes get one sentence that says what and where — and how to fix it:
    """),
    code("""
    try:
        datasets.parse_text("1.1, 0.8, 1.3\\n4.2, 3.9, oops")
    except ValueError as problem:
        print(problem)
    """),
    md("""
    ## A CSV file

    `heights.csv` beside this notebook has a header row and two columns. Pick columns by name;
    in the explorer, the **CSV** upload button does the same from your computer.
    """),
    code("""
    heights = datasets.load_csv("heights.csv", columns=["height_cm"])
    print(heights.columns, heights.X.shape, heights.X[:5].ravel())
    """),
    md("""
    ## Old Faithful, one column

    The waiting time between eruptions of the Old Faithful geyser (Yellowstone): short waits
    and long waits — two bumps. Step through EM finding them.
    """),
    code("""
    # NBVAL_IGNORE_OUTPUT
    waiting = EMExplorer("faithful:waiting", 2)
    waiting
    """),
    code("""
    waiting.step = waiting.n_steps - 1
    w = waiting.current
    print(f"{w.iteration} iterations; means {np.round(w.means.ravel(), 2)} minutes, "
          f"standard deviations {np.round(np.sqrt(w.covariances.ravel()), 2)}, weights {np.round(w.weights, 3)}")
    """),
    code("waiting.figure"),
    md("""
    ## Old Faithful in 2-D

    With both columns — eruption length and waiting time — each Gaussian is an ellipse. The
    ellipses mark 1 and 2 standard deviations; the points are coloured by their shares.
    """),
    code("""
    # NBVAL_IGNORE_OUTPUT
    both = EMExplorer("faithful", 2)
    both
    """),
    code("""
    both.step = both.n_steps - 1
    print("means (eruption min, waiting min):\\n", np.round(both.current.means, 2))
    print("weights:", np.round(both.current.weights, 3))
    """),
    code("both.figure"),
    md("""
    ## The generative story: sample from the fitted model

    The mixture is a recipe: pick a component with probability $\\alpha_k$, then draw a point
    from its Gaussian. Follow the recipe with the fitted Old Faithful model and the fake
    eruptions look like the real ones.
    """),
    code("""
    model = GaussianMixtureEM(2, random_state=0).fit(datasets.faithful().X)
    fake, component = model.sample(1000, random_state=1)
    print("share from each component:", np.bincount(component) / len(component))
    print("real mean:", np.round(datasets.faithful().X.mean(axis=0), 2), " fake mean:", np.round(fake.mean(axis=0), 2))
    """),
    md("""
    ## Galaxies

    82 galaxy velocities (km/s). How many groups are there? The answer depends on $K$ — see
    lesson 4. Try it here with the K box of *Model and start*.
    """),
    code("""
    # NBVAL_IGNORE_OUTPUT
    galaxies = EMExplorer("galaxies", 3)
    galaxies
    """),
    code("""
    galaxies.step = galaxies.n_steps - 1
    print("means (km/s):", np.round(np.sort(galaxies.current.means.ravel())))
    """),
]


# --------------------------------------------------------------------------------------
# 04: local optima and choosing K
# --------------------------------------------------------------------------------------

NB04 = [
    md("""
    # Local optima, choosing K, and collapse

    EM always climbs, but it climbs the hill it starts on: the objective is not convex, so a
    different start can end on a different, lower peak. This lesson shows it, shows how to
    choose the number of components, and shows the one way EM can "win" too much.
    """),
    setup("""
    from gmm_viz import datasets
    from gmm_viz.em import GaussianMixtureEM
    from gmm_viz.widgets import EMExplorer
    """),
    md("""
    ## Ten starts, several answers

    Four components on the galaxy velocities, each run started from four random data points.
    """),
    code("""
    X = datasets.galaxies().X
    runs = []
    for seed in range(10):
        run = GaussianMixtureEM(4, init_params="random_from_data", random_state=seed,
                                tol=1e-8, max_iter=500).fit(X)
        runs.append((run.score(X) * len(X), seed, np.sort(run.means_.ravel())))
    for loglik, seed, means in sorted(runs, key=lambda r: r[0], reverse=True):
        print(f"seed {seed}: log-likelihood {loglik:9.2f}   means {np.round(means, -1)}")
    """),
    md("""
    The same data, the same model, different answers: a run can get stuck with two components
    sharing one bump while another bump goes unexplained. The remedy is simple: try several
    starts and keep the best (`n_init=10`).
    """),
    code("""
    best = GaussianMixtureEM(4, init_params="random_from_data", n_init=10, random_state=0,
                             tol=1e-8, max_iter=500).fit(X)
    print(f"best of 10 starts: log-likelihood {best.score(X) * len(X):.2f}")
    """),
    md("""
    ## Choosing K with BIC and AIC

    More components always fit at least as well, so the log-likelihood alone can't choose $K$.
    BIC and AIC charge for every parameter (lower is better); BIC charges more. On Old Faithful
    (2-D):
    """),
    code("""
    F = datasets.faithful().X
    print(" K      BIC      AIC")
    for k in range(1, 7):
        fit = GaussianMixtureEM(k, n_init=5, random_state=0, tol=1e-6, max_iter=500).fit(F)
        print(f"{k:2d} {fit.bic(F):8.1f} {fit.aic(F):8.1f}")
    """),
    md("""
    BIC is lowest at $K = 2$: two kinds of eruption, as the geyser's physics suggests. AIC keeps
    falling a little longer — it penalises less and tends to pick more components.

    ## Collapse: when a Gaussian swallows one point

    Start a narrow component on a single point of the toy data. The M-step shrinks it around
    that point; its variance heads for zero and its density — and so the likelihood — for
    infinity. That is not a better model, it is a degenerate one.
    """),
    code("""
    toy = datasets.toy().X
    narrow_start = dict(weights_init=[0.8, 0.2], means_init=[[1.2], [2.4]],
                        covariances_init=[0.5, 0.05], max_iter=30, tol=0)
    for reg in (0.0, 0.05):
        fit = GaussianMixtureEM(2, reg_covar=reg, **narrow_start).fit(toy)
        final = fit.history_.log_likelihood(fit.history_.n_steps - 1)
        variances = ", ".join(f"{v:.3g}" for v in fit.covariances_.ravel())
        print(f"reg_covar={reg}: variances {variances}, log-likelihood {final:.3g}")
    """),
    md("""
    Without help, component 2's variance falls to about $10^{-21}$ (the engine stops it just
    short of zero and says so). The history explains what happened in words:
    """),
    code("""
    collapsed = GaussianMixtureEM(2, reg_covar=0.0, **narrow_start).fit(toy)
    print(collapsed.history_.notes()[0])
    """),
    md("""
    `reg_covar` adds a small amount to every variance after each M-step, a floor the variance
    can't go below; with 0.05 both components stay honest Gaussians. Fewer components or
    another start help too. See it happen, step by step:
    """),
    code("""
    # NBVAL_IGNORE_OUTPUT
    explorer = EMExplorer(toy, 2, init_params="random_from_data", random_state=3, reg_covar=0.0)
    explorer
    """),
    md("""
    **Try it:** in the explorer, set *reg_covar* to 0.1 and step again; or pick another seed
    and see EM find a different peak.
    """),
]

# --------------------------------------------------------------------------------------
# app: the web app served by Voila (no lesson, just the explorer)
# --------------------------------------------------------------------------------------

APP = [
    md("""
    # EM explorer: Gaussian mixtures, one half-step at a time

    **EM** fits a mixture of Gaussians by alternating two half-steps: the **E-step** shares each
    point out between the components (the table on the right), the **M-step** moves each
    Gaussian to the weighted mean and spread of its share (the curves move, the log-likelihood
    below them climbs).

    **How to use it:** drag the *half-step* slider, click it and use the arrow keys, or press ▶.
    Open *Data* to choose a data set, paste numbers or upload a CSV; open *Model and start* to
    change K, the covariance type, the start or the seed.
    """),
    code("""
    # NBVAL_IGNORE_OUTPUT
    import warnings

    warnings.filterwarnings("ignore")
    from gmm_viz.widgets import EMExplorer

    EMExplorer("toy", size="screen")
    """),
]

NOTEBOOKS = {
    "01_em_by_hand.ipynb": NB01,
    "02_soft_vs_hard.ipynb": NB02,
    "03_your_data.ipynb": NB03,
    "04_local_optima_and_k.ipynb": NB04,
    "app.ipynb": APP,
}


def build(name, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, HERE / name)
    print("wrote", name)


def main(argv):
    wanted = argv[1:] or [""]
    for name, cells in NOTEBOOKS.items():
        if any(w in name for w in wanted):
            build(name, cells)


if __name__ == "__main__":
    main(sys.argv)

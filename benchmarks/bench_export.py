"""How long an export takes, from the call to the file on disk: what a teacher waits for.

A benchmark, not a test: it is run by hand and writes its section of
``benchmarks/RESULTS.md``. For the toy run (the explorer's default: the seed's start, to
convergence) and Old Faithful 2-D with K = 2 (to convergence) it times ``export.animate``
to a GIF, an MP4 and an HTML file, and, as the peer measured in the same run, matplotlib's
own recipe for the same GIF: ``FuncAnimation`` updating the same artists, saved with
``PillowWriter`` (a full draw of the figure per frame, no blitting). Median of repeats.

Usage (from the repository's root)::

    python benchmarks/bench_export.py            # writes RESULTS.md
    python benchmarks/bench_export.py --quick    # one repeat, prints only
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_em  # noqa: E402  (machine description and the report helpers)

HEADING = "## Exports: a run as GIF, MP4 and HTML"


def runs():
    from gmm_viz import GaussianMixtureEM, datasets

    toy = datasets.toy()
    start = toy.start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        toy_history = (
            GaussianMixtureEM(
                2,
                weights_init=start["weights"],
                means_init=start["means"],
                covariances_init=start["covariances"],
                reg_covar=0.0,
                tol=1e-6,
                max_iter=200,
            )
            .fit(toy.X)
            .history_
        )
        faithful = datasets.faithful()
        faithful_history = (
            GaussianMixtureEM(2, random_state=0, tol=1e-6, max_iter=500).fit(faithful.X).history_
        )
    return [
        ("toy (5 points, 1-D), K = 2", toy.X, toy_history, toy.columns),
        ("Old Faithful (272 points, 2-D), K = 2", faithful.X, faithful_history, faithful.columns),
    ]


def matplotlib_gif(X, history, columns, path, fps=2.0):
    """The peer: matplotlib's FuncAnimation + PillowWriter on the same picture."""
    from matplotlib.animation import FuncAnimation, PillowWriter

    from gmm_viz.plotting import StepView

    view = StepView(X, history, columns=columns, whole_run=True)  # as export.animate draws it
    anim = FuncAnimation(
        view.figure, lambda s: view.show(s) and [], frames=history.n_steps, blit=False
    )
    anim.save(path, writer=PillowWriter(fps=fps))


def time_run(export, X, history, columns, folder, repeats):
    """Seconds (and bytes) of each format for one run, and of the peer's GIF."""
    cells = {}
    for suffix in (".gif", ".mp4", ".html"):
        path = folder / f"run{suffix}"
        cells[suffix] = time_it(
            lambda path=path: export.animate(X, history, path, columns=columns), repeats
        )
        cells[f"{suffix} size"] = path.stat().st_size
    peer = folder / "peer.gif"
    cells["peer"] = time_it(lambda: matplotlib_gif(X, history, columns, peer), repeats)
    return cells


def time_it(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repeat; prints only")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    from gmm_viz import export

    repeats = 1 if args.quick else args.repeats
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, X, history, columns in runs():
            cells = {"name": name, "steps": history.n_steps}
            cells.update(time_run(export, X, history, columns, Path(folder), repeats))
            rows.append(cells)
            print(
                f"{name}: {history.n_steps} half-steps; GIF {cells['.gif']:.2f} s, MP4 "
                f"{cells['.mp4']:.2f} s, HTML {cells['.html']:.2f} s; matplotlib's "
                f"FuncAnimation + PillowWriter GIF {cells['peer']:.2f} s",
                flush=True,
            )
    info = bench_em.machine_info()
    date = datetime.date.today().isoformat()
    lines = [
        HEADING,
        "",
        f"Measured on {date} with `python benchmarks/bench_export.py` (wall clock, median of "
        f"{repeats}); {info['cpu']}, {info['cores']} cores, Python {info['python']}.",
        "",
        "From the call to the whole file on disk (`export.animate`: a StepView drawn once, "
        "then one blitted redraw per half-step). The peer is matplotlib's own recipe for "
        "the same GIF in the same run: `FuncAnimation` updating the same artists, saved "
        "with `PillowWriter` (a full draw per frame). Targets: the toy GIF in 3 s, Old "
        "Faithful in 10 s.",
        "",
        "| run | half-steps | GIF | MP4 | HTML | matplotlib GIF (peer) | GIF speed-up |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['steps']} | {r['.gif']:.2f} s ({_kb(r['.gif size'])}) "
            f"| {r['.mp4']:.2f} s ({_kb(r['.mp4 size'])}) "
            f"| {r['.html']:.2f} s ({_kb(r['.html size'])}) | {r['peer']:.2f} s "
            f"| {r['peer'] / r['.gif']:.1f}x |"
        )
    section = "\n".join(lines)
    bench_em.publish(section, HEADING, args.output, args.quick, print)
    return 0


def _kb(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


if __name__ == "__main__":
    sys.exit(main())

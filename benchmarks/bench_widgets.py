"""Time what a student waits for in the explorer: a half-step redraw, a refit, the notebooks.

Run by hand from the repository root (not a test; nothing here asserts a time):

    .venv/bin/python benchmarks/bench_widgets.py            # writes its section of RESULTS.md
    .venv/bin/python benchmarks/bench_widgets.py --quick    # a smoke run, prints only

Measured:
* a half-step as the student waits for it: ``explorer.step = s`` until the new PNG is set on
  the image widget (artists, the table and formulas, the blitted draw, the PNG), walking
  forward through the run as "Next" does, E-steps and M-steps apart; wall time and the
  process's CPU time (steadier when others share the machine), medians. The peer, in the
  same run and interleaved step by step with it, is the same explorer drawing as before
  2026-12-02 (``--no-peer`` leaves it out): a whole kept picture redrawn whenever an axis
  range changed, every text drawn at every step with glyphs rendered anew, a minor Tick
  per half-step on the log-likelihood axis, and Pillow's PNG;
* redraw of one half-step: the state change (``explorer.step = s``: artists updated in place,
  table and formulas rebuilt) to a drawn Agg figure (blitted: only the data artists, legends
  and titles are drawn over the kept static picture), and the same plus the PNG the widget
  sends to the browser; also a full ``canvas.draw()`` for comparison; Old Faithful 2-D
  (272 points) and N = 1e5 in 1-D and 2-D;
* refit of Old Faithful 2-D, K = 3, full covariance, to convergence (tol 1e-6), with the
  same fit in scikit-learn from the same start for the ratio;
* the whole notebook suite under nbval (``pytest notebooks``), wall time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START, END = "<!-- bench_widgets:start -->", "<!-- bench_widgets:end -->"


def _median_ms(fn, repeats):
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def redraw_times(explorer, repeats):
    """Median ms of a half-step change to a drawn Agg figure, and with the widget's PNG."""
    last = explorer.n_steps - 1
    steps = [1 + (i % max(last, 1)) for i in range(repeats + 1)]

    def draw_only(i):
        # What the widget does on a step, minus the PNG encode: update artists and panels,
        # then draw the figure on the Agg canvas (blitting: static parts pasted back). The
        # state's step is left alone: its observers would draw the PNG too.
        explorer._picture.update(steps[i])
        explorer.view.render()

    def full(i):
        explorer.step = steps[i]

    def full_draw(i):
        explorer._picture.update(steps[i])
        explorer.figure.canvas.draw()

    draw = _median_ms(draw_only, repeats)
    with_png = _median_ms(full, repeats)
    without_blit = _median_ms(full_draw, repeats)
    explorer.view._blitter.invalidate()
    return draw, with_png, without_blit


class _PeerBlit:
    """The blitting of before 2026-12-02, for the peer: any change of an axis range redraws
    the whole kept picture, and every text, legend and title is drawn at every step."""

    def __init__(self, fig):
        from gmm_viz.plotting.blit import BlitRenderer

        self.fig = fig
        self._dynamic = BlitRenderer._dynamic
        self._background = None
        self._key = None

    def _state(self):
        limits = tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.fig.axes)
        return (tuple(self.fig.get_size_inches()), self.fig.dpi, limits)

    def invalidate(self):
        self._background = None

    def render(self):
        from gmm_viz.plotting.layout import _CachedConstrainedLayout

        canvas = self.fig.canvas
        engine = self.fig.get_layout_engine()
        stale = isinstance(engine, _CachedConstrainedLayout) and engine.is_stale
        if self._background is None or stale or self._state() != self._key:
            dynamic = [a for ax in self.fig.axes for a in self._dynamic(ax)]
            for artist in dynamic:
                artist.set_animated(True)
            try:
                canvas.draw()
            finally:
                for artist in dynamic:
                    artist.set_animated(False)
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._key = self._state()
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for ax in self.fig.axes:
            for artist in self._dynamic(ax):
                artist.draw(renderer)
        return canvas


def as_before(explorer):
    """Make ``explorer`` draw as before 2026-12-02 (the peer): its own Agg renderer without
    kept glyphs, the old blitting, minor ticks, Pillow's PNG at compress_level 1."""
    import io
    import types

    import PIL.Image
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.ticker import FixedLocator, NullFormatter

    view = explorer.view
    FigureCanvasAgg(view.figure)  # a fresh canvas: its renderer has no glyph cache
    view._blitter = _PeerBlit(view.figure)
    ll = view.ll_artists
    n = ll.log_likelihoods.size
    ll.marks.set_visible(False)
    if n <= 400:
        ll.ax.xaxis.set_minor_locator(FixedLocator(list(range(n))))
        ll.ax.xaxis.set_minor_formatter(NullFormatter())

    def png(self, compress_level=1):
        buf = io.BytesIO()
        PIL.Image.fromarray(self.rgba()).save(buf, format="png", compress_level=compress_level)
        return buf.getvalue()

    view.png = types.MethodType(png, view)
    explorer._picture.render()
    return explorer


def half_step_times(make, laps, peer=True):
    """Per phase ("E", "M"): median wall and CPU ms of ``explorer.step = s`` (to the PNG on
    the image widget), walking forward ``laps`` times; the peer interleaved step by step."""

    explorers = {"now": make()}
    if peer:
        explorers["before"] = as_before(make())
    times = {(who, phase, clock): [] for who in explorers for phase in "EM" for clock in "wc"}
    first = explorers["now"]
    steps = list(range(1, first.n_steps)) * laps
    for s in steps:
        phase = first.history.phase(s)
        for who, explorer in explorers.items():
            w0, c0 = time.perf_counter(), time.process_time()
            explorer.step = s
            times[(who, phase, "w")].append(time.perf_counter() - w0)
            times[(who, phase, "c")].append(time.process_time() - c0)
    out = {key: 1000 * statistics.median(v) for key, v in times.items() if v}
    out["png_kb"] = len(first.image.value) / 1000
    out["load"] = os.getloadavg()[0]
    return out


def refit_times(repeats):
    from sklearn.mixture import GaussianMixture

    from gmm_viz import datasets
    from gmm_viz.em import GaussianMixtureEM

    X = datasets.faithful().X
    start = GaussianMixtureEM(3, max_iter=0, random_state=0).fit(X)
    init = dict(
        weights_init=start.weights_, means_init=start.means_, covariances_init=start.covariances_
    )
    precisions = np.linalg.inv(start.covariances_)

    def ours(_):
        ours.model = GaussianMixtureEM(3, tol=1e-6, max_iter=500, **init).fit(X)

    def theirs(_):
        theirs.model = GaussianMixture(
            3,
            tol=1e-6,
            max_iter=500,
            weights_init=start.weights_,
            means_init=start.means_,
            precisions_init=precisions,
        ).fit(X)

    ours_ms, theirs_ms = [], []
    for _ in range(repeats):  # interleaved
        ours_ms.append(_median_ms(ours, 1))
        theirs_ms.append(_median_ms(theirs, 1))
    return statistics.median(ours_ms), statistics.median(theirs_ms), ours.model, theirs.model


def notebook_suite_seconds(target="notebooks"):
    """Wall time of ``pytest <target>`` under strict nbval (a kernel start included)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(target), "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    return elapsed, summary


def each_notebook_seconds():
    """(name, seconds, pytest summary) for every saved notebook, run on its own: what a
    student waits for after "Run all" (target: well under 30 s each)."""
    return [
        (path.stem, *notebook_suite_seconds(path.relative_to(ROOT)))
        for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
        if not path.name.endswith(".student.ipynb")  # the student copies have no outputs
    ]


def _machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import matplotlib
    import sklearn

    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, matplotlib {matplotlib.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats, print only")
    parser.add_argument(
        "--no-peer", action="store_true", help="leave out the peer (drawing as before)"
    )
    parser.add_argument(
        "--half-steps-only", action="store_true", help="only the half-step table, print only"
    )
    args = parser.parse_args(argv)
    repeats = 5 if args.quick else 21
    laps = 1 if args.quick else 3

    import warnings

    warnings.filterwarnings("ignore")
    from gmm_viz import datasets
    from gmm_viz.widgets import EMExplorer

    load_start = os.getloadavg()
    half_cases = [
        ("toy (5 points, 1-D), K = 2", lambda: EMExplorer("toy")),
        ("Old Faithful (272 points, 2-D), K = 2", lambda: EMExplorer("faithful")),
        (
            "synthetic 1-D, N = 1e5, K = 3",
            lambda: EMExplorer(datasets.synthetic(100_000, 3, 1, random_state=0), 3),
        ),
        (
            "synthetic 2-D, N = 1e5, K = 3",
            lambda: EMExplorer(datasets.synthetic(100_000, 3, 2, random_state=0), 3),
        ),
    ]
    half = []
    for label, make in half_cases:
        t = half_step_times(make, laps, peer=not args.no_peer)
        half.append((label, t))
        print(
            f"{label}: half-step E {t['now', 'E', 'w']:.1f} ms (CPU {t['now', 'E', 'c']:.1f}), "
            f"M {t['now', 'M', 'w']:.1f} ms (CPU {t['now', 'M', 'c']:.1f})"
            + (
                f"; before: E {t['before', 'E', 'w']:.1f} (CPU {t['before', 'E', 'c']:.1f}), "
                f"M {t['before', 'M', 'w']:.1f} (CPU {t['before', 'M', 'c']:.1f})"
                if ("before", "E", "w") in t
                else ""
            )
            + f"; PNG {t['png_kb']:.0f} kB; load {t['load']:.2f}",
            flush=True,
        )
    if args.half_steps_only:
        return 0

    rows = []
    cases = [
        ("Old Faithful 2-D (272 points), K = 2", lambda: EMExplorer("faithful", 2)),
        ("Galaxies 1-D (82 points), K = 3", lambda: EMExplorer("galaxies", 3)),
        (
            "synthetic 1-D, N = 1e5, K = 3",
            lambda: EMExplorer(datasets.synthetic(100_000, 3, 1, random_state=0), 3),
        ),
        (
            "synthetic 2-D, N = 1e5, K = 3",
            lambda: EMExplorer(datasets.synthetic(100_000, 3, 2, random_state=0), 3),
        ),
    ]
    for label, make in cases:
        explorer = make()
        draw, with_png, without_blit = redraw_times(explorer, repeats)
        rows.append((label, draw, with_png, without_blit))
        print(
            f"{label}: redraw {draw:.1f} ms, with PNG {with_png:.1f} ms, "
            f"full draw {without_blit:.1f} ms",
            flush=True,
        )

    ours, theirs, model, sk = refit_times(repeats)
    agree = float(np.abs(model.means_ - sk.means_).max())
    print(
        f"refit Old Faithful 2-D K=3: ours {ours:.1f} ms ({model.n_iter_} iterations), "
        f"scikit-learn {theirs:.1f} ms ({sk.n_iter_} iterations), max mean difference {agree:.2g}"
    )
    nb_seconds, nb_summary = (
        (None, "skipped (--quick)") if args.quick else notebook_suite_seconds()
    )
    if nb_seconds is not None:
        print(f"notebook suite under nbval: {nb_seconds:.1f} s ({nb_summary})")
    if args.quick:
        return 0
    each = each_notebook_seconds()
    for name, seconds, summary in each:
        print(f"{name}: {seconds:.1f} s ({summary})")

    load_end = os.getloadavg()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    peer = ("before", "E", "w") in half[0][1]

    def cells(t, who):
        return " | ".join(f"{t[who, p, 'w']:.1f} ({t[who, p, 'c']:.1f})" for p in "EM")

    lines = [
        START,
        "## Explorer: redraw, refit and notebooks",
        "",
        f"Measured {now} by `benchmarks/bench_widgets.py` on {_machine()}. Load average "
        f"(1 min) at the start and the end: {load_start[0]:.2f}, {load_end[0]:.2f} (the "
        "machine is shared: other sessions ran browser tests and servers meanwhile, so wall "
        "times are noisy; the CPU time of this process and the peer measured in the same run "
        "are the steadier comparison).",
        "",
        "A half-step as the student waits for it: `explorer.step = s` until the new PNG is "
        "set on the image widget (artists, table and formulas, the blitted draw, the PNG), "
        f"walking forward through the run {laps} times, E-steps and M-steps apart; median "
        "wall ms (CPU ms of this process in brackets). Target: 60 ms for the toy and Old "
        "Faithful, 150 ms for N = 1e5."
        + (
            " *Before* is the peer, interleaved step by step in the same run: the same "
            "explorer drawing as before 2026-12-02 (a whole kept picture redrawn when an axis "
            "range changed, every text drawn with its glyphs rendered anew at every step, a "
            "minor Tick per half-step, Pillow's PNG)."
            if peer
            else ""
        ),
        "",
        "| data | E-step now | M-step now | "
        + ("E-step before | M-step before | " if peer else "")
        + "PNG kB | load |",
        "| --- | ---: | ---: | " + ("---: | ---: | " if peer else "") + "---: | ---: |",
        *(
            f"| {lab} | {cells(t, 'now')} | "
            + (f"{cells(t, 'before')} | " if peer else "")
            + f"{t['png_kb']:.0f} | {t['load']:.2f} |"
            for lab, t in half
        ),
        "",
        "Redraw of one half-step (state change to a drawn Agg figure; targets: 50 ms for Old "
        "Faithful, 150 ms for N = 1e5). *With PNG* adds what the widget sends to the browser.",
        "",
        "| data | redraw (ms) | with PNG (ms) | full draw, no blitting (ms) |",
        "| --- | ---: | ---: | ---: |",
        *(f"| {lab} | {draw:.1f} | {png:.1f} | {full:.1f} |" for lab, draw, png, full in rows),
        "",
        f"Refit of Old Faithful 2-D, K = 3, full covariance, to convergence (tol 1e-6, "
        f"{model.n_iter_} iterations; target 200 ms): **{ours:.1f} ms**; scikit-learn from the "
        f"same start: {theirs:.1f} ms ({sk.n_iter_} iterations), ratio {theirs / ours:.1f}x; "
        f"largest difference of the means {agree:.1g}.",
        "",
        f"Whole notebook suite under strict nbval (`pytest notebooks`; target 90 s): "
        f"**{nb_seconds:.1f} s** ({nb_summary}).",
        "",
        "Each notebook alone under strict nbval, top to bottom, a kernel start included "
        "(target: well under 30 s each):",
        "",
        "| notebook | seconds | result |",
        "| --- | ---: | --- |",
        *(f"| {name} | {seconds:.1f} | {summary} |" for name, seconds, summary in each),
        END,
    ]
    section = "\n".join(lines)
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if START in text:
        text = re.sub(
            re.escape(START) + r".*?" + re.escape(END), lambda _: section, text, flags=re.S
        )
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text)
    print("wrote", RESULTS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

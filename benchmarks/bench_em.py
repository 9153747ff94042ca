"""Per-iteration cost of gmm_viz's EM against scikit-learn's GaussianMixture.

A benchmark, not a test: it is run by hand and writes ``benchmarks/RESULTS.md``.

Both estimators fit the same data from the same start (explicit weights, means and
covariances; scikit-learn is given the precisions), full covariance, ``tol=0`` and a fixed
``max_iter``, so they run the same EM iterations. The cost of one iteration is the
difference between a fit of ``1 + iters`` iterations and a fit of 1 iteration, divided by
``iters`` (calibrated per estimator and case so that the long fit runs about a second):
the set-up that both fits share (input checks, standardisation, initialisation, the final
E-step) cancels. Runs are interleaved (ours, scikit-learn, ours, scikit-learn, ...) so that
a change in machine load hits both, and the median over repeats is reported. The parameters
of both fits after the same number of iterations are compared, so that the timings are of
the same computation.

Peak memory is measured for N = 1e6, K = 8 in a fresh subprocess per estimator: the
tracemalloc peak of the allocations made during ``fit`` (numpy reports its array buffers
to tracemalloc) and the growth of the process's peak resident set size (VmHWM). Both are
given relative to the data plus one N x K responsibility array.

Usage (from the repository's root; see benchmarks/README.md for the environment)::

    python benchmarks/bench_em.py            # full run (several minutes), writes RESULTS.md
    python benchmarks/bench_em.py --quick    # smoke run on small data, prints only
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HEADING = "## EM per-iteration cost vs scikit-learn"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
FULL_SIZES = [10**4, 10**5, 10**6]
QUICK_SIZES = [2000, 20000]
DIMS = [1, 2]
COMPONENTS = [3, 8]
REG_COVAR = 1e-6
# Bounds on the iterations of a timed (long) fit.
MIN_ITERS, MAX_ITERS = 5, 500
# Relative parameter difference above which the two fits are taken to have run different
# computations (the timings would then compare unlike things).
AGREEMENT_LIMIT = 1e-6


# --------------------------------------------------------------------------------------
# Data and starting point
# --------------------------------------------------------------------------------------


def make_problem(n, d, k, seed=0):
    """N points from a K-component mixture in D dimensions, and a common starting point.

    The start is uniform weights, K distinct data points as means and the data's covariance
    for every component.
    """
    rng = np.random.default_rng(seed + 1000 * d + 10 * k)
    centres = rng.uniform(-6.0, 6.0, size=(k, d))
    scales = rng.uniform(0.5, 1.5, size=(k, d))
    labels = rng.integers(k, size=n)
    X = centres[labels] + scales[labels] * rng.standard_normal((n, d))
    if d > 1:
        # Some correlation, so that the full covariances are not diagonal.
        X[:, 1] += 0.4 * (X[:, 0] - centres[labels, 0])
    weights = np.full(k, 1.0 / k)
    means = X[rng.choice(n, size=k, replace=False)].copy()
    cov = np.atleast_2d(np.cov(X.T))
    covariances = np.repeat(cov[None, :, :], k, axis=0)
    return X, weights, means, covariances


def ours(k, max_iter, weights, means, covariances):
    from gmm_viz import GaussianMixtureEM

    return GaussianMixtureEM(
        k,
        covariance_type="full",
        tol=0.0,
        reg_covar=REG_COVAR,
        max_iter=max_iter,
        weights_init=weights,
        means_init=means,
        covariances_init=covariances,
    )


def sklearns(k, max_iter, weights, means, covariances):
    from sklearn.mixture import GaussianMixture

    return GaussianMixture(
        k,
        covariance_type="full",
        tol=0.0,
        reg_covar=REG_COVAR,
        max_iter=max_iter,
        weights_init=weights,
        means_init=means,
        precisions_init=np.linalg.inv(covariances),
        # Every parameter is given; this only keeps the (discarded) initial guess cheap.
        init_params="random_from_data",
        random_state=0,
    )


class _OneThread:
    """Our estimator with its blocks on one thread (the engine before threads, as a peer)."""

    def __init__(self, model):
        self.model = model

    def fit(self, X):
        from gmm_viz.em import blocks

        saved, blocks.max_threads = blocks.max_threads, 1
        try:
            self.model.fit(X)
        finally:
            blocks.max_threads = saved
        return self

    def __getattr__(self, name):
        return getattr(self.model, name)


def ours_one_thread(k, max_iter, weights, means, covariances):
    return _OneThread(ours(k, max_iter, weights, means, covariances))


MAKERS = {"ours": ours, "ours, 1 thread": ours_one_thread, "sklearn": sklearns}


# The clock: wall time by default; "cpu" (this process's CPU time) is steadier on a shared
# machine, and measures the same thing when the BLAS runs one thread (--blas-threads 1).
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def timed_fit(name, X, k, max_iter, start):
    model = MAKERS[name](k, max_iter, *start)
    t0 = clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's ConvergenceWarning: tol=0 on purpose
        model.fit(X)
    return clock() - t0, model


def timed_fit_both(name, X, k, max_iter, start):
    """A fit timed by the wall clock and by this process's CPU seconds (all its threads)."""
    model = MAKERS[name](k, max_iter, *start)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's ConvergenceWarning: tol=0 on purpose
        w0, c0 = time.perf_counter(), time.process_time()
        model.fit(X)
        w1, c1 = time.perf_counter(), time.process_time()
    return w1 - w0, c1 - c0, model


def simd_level():
    """numpy's SIMD extensions as ``np.show_runtime()`` reports them: the baseline, the
    extensions found on this CPU (and those switched off by NPY_DISABLE_CPU_FEATURES)."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        runtime = np.show_runtime() or []
    if not runtime:  # older numpy prints only
        from numpy._core._multiarray_umath import __cpu_features__

        found = [name for name, on in __cpu_features__.items() if on]
        return {"found": found, "baseline": [], "not_found": []}
    for entry in runtime:
        if "simd_extensions" in entry:
            return entry["simd_extensions"]
    return {"found": [], "baseline": [], "not_found": []}


def describe_simd(simd):
    """One line: the widest SIMD level numpy dispatches to here. numpy 2.4 names its levels
    X86_V2 (SSE4.2), X86_V3 (AVX2) and X86_V4 (AVX-512); older numpy names the extensions."""
    found = set(simd.get("found", [])) | set(simd.get("baseline", []))
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features
    on = {name for name, enabled in features.items() if enabled} & (found or set(features))
    if "X86_V4" in features:
        avx512 = "X86_V4" in on
        avx2 = "X86_V3" in on
    else:
        avx512 = "AVX512_SKX" in on
        avx2 = "AVX2" in on
    top = "AVX-512" if avx512 else ("AVX2" if avx2 else "SSE4.2 or less")
    disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").split()
    off = f"; switched off by NPY_DISABLE_CPU_FEATURES: {' '.join(disabled)}" if disabled else ""
    return f"numpy dispatches up to {top}{off}"


def parameter_difference(a, b):
    """Largest difference between two fits' parameters, each relative to its scale."""
    diffs = []
    for name in ("weights_", "means_", "covariances_"):
        pa = np.asarray(getattr(a, name), dtype=float)
        pb = np.asarray(getattr(b, name), dtype=float).reshape(pa.shape)
        diffs.append(float(np.max(np.abs(pa - pb)) / max(float(np.max(np.abs(pb))), 1e-300)))
    return max(diffs)


def calibrate(name, X, k, start, target):
    """Iterations for ``name``'s long fit so that its timed part takes about ``target``
    seconds, and at least twice the set-up it shares with the short fit."""
    timed_fit(name, X, k, 1, start)  # warm-up (imports, first touch of memory)
    probe = 2
    while True:
        t_short, _ = timed_fit(name, X, k, 1, start)
        t_long, _ = timed_fit(name, X, k, 1 + probe, start)
        # Trust the estimate once the iterations clearly stand out from the set-up's noise.
        if t_long - t_short > max(0.2 * target, 0.5 * t_short) or probe >= MAX_ITERS:
            break
        probe = min(4 * probe, MAX_ITERS)
    per_iter = max((t_long - t_short) / probe, 1e-9)
    # At least twice the set-up's time, too, so that its jitter stays small beside them.
    wanted = max(target, 2.0 * t_short) / per_iter
    return int(np.clip(round(wanted), MIN_ITERS, MAX_ITERS))


def time_case(n, d, k, repeats, target, log):
    X, *start = make_problem(n, d, k)
    start = tuple(start)
    iters = {name: calibrate(name, X, k, start, target) for name in MAKERS}
    per_iter = {name: [] for name in MAKERS}
    last = {}
    for rep in range(repeats):
        for name in MAKERS:  # interleaved: ours, sklearn, ours, sklearn, ...
            t_short, _ = timed_fit(name, X, k, 1, start)
            t_long, model = timed_fit(name, X, k, 1 + iters[name], start)
            per_iter[name].append((t_long - t_short) / iters[name])
            last[name] = model
        log(
            f"  N={n:>8} D={d} K={k} rep {rep + 1}/{repeats}: "
            + "  ".join(f"{name} {1e3 * per_iter[name][-1]:8.3f} ms/iter" for name in MAKERS)
        )
    # Agreement: the same number of iterations for both.
    check = iters["sklearn"]
    _, ours_model = timed_fit("ours", X, k, 1 + check, start)
    ours_ms = 1e3 * float(np.median(per_iter["ours"]))
    sk_ms = 1e3 * float(np.median(per_iter["sklearn"]))
    return {
        "N": n,
        "D": d,
        "K": k,
        "iters": iters,
        "repeats": repeats,
        "ours_ms": ours_ms,
        "sklearn_ms": sk_ms,
        "speedup": sk_ms / ours_ms,
        "check_iters": 1 + check,
        "param_diff": parameter_difference(ours_model, last["sklearn"]),
        "lower_bound_diff": abs(ours_model.lower_bound_ - last["sklearn"].lower_bound_),
    }


# --------------------------------------------------------------------------------------
# Peak memory, each measurement in a fresh process
# --------------------------------------------------------------------------------------


def memory_child(name, folder, max_iter):
    """Run in a subprocess: fit once and print peak-memory figures as JSON.

    The problem is loaded from ``folder`` (written by the parent) so that making the data
    leaves no peak of its own before the fit.
    """
    import tracemalloc

    folder = Path(folder)
    X = np.load(folder / "X.npy")
    start = [np.load(folder / f"{part}.npy") for part in ("weights", "means", "covariances")]
    k = start[0].shape[0]
    # Warm up on a small problem first, so that lazy imports and the BLAS library's own
    # buffers (allocated on its first call) are not counted as the fit's memory.
    small, *small_start = make_problem(1000, X.shape[1], k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        MAKERS[name](k, 2, *small_start).fit(small)
    del small, small_start
    model = MAKERS[name](k, max_iter, *start)
    em_peak = {}
    if name == "ours":
        # Also record the peak inside the EM loop alone (after the fit's set-up).
        import gmm_viz.em.estimator as em  # the module whose fit calls the loop

        run_em = em._run_em

        def traced_run_em(*args, **kwargs):
            current, setup_peak = tracemalloc.get_traced_memory()
            em_peak["setup"] = setup_peak
            tracemalloc.reset_peak()
            try:
                return run_em(*args, **kwargs)
            finally:
                # Memory the loop adds to what the fit already holds when it starts.
                em_peak["bytes"] = tracemalloc.get_traced_memory()[1] - current

        em._run_em = traced_run_em
    rss_before = current_rss()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X)
    # reset_peak() above forgot the set-up's peak; take the larger of the two.
    peak = max(tracemalloc.get_traced_memory()[1], em_peak.get("setup", 0)) - base
    tracemalloc.stop()
    rss_peak = peak_rss()
    print(
        json.dumps(
            {
                "tracemalloc_peak": peak,
                "em_loop_peak": em_peak.get("bytes"),
                "rss_growth": rss_peak - rss_before,
            }
        )
    )


def _proc_status(field):
    """A field of /proc/self/status in bytes (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024  # given in kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def current_rss():
    """The process's resident set size now, in bytes."""
    rss = _proc_status("VmRSS")
    return rss if rss is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def peak_rss():
    """The process's peak resident set size, in bytes. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss over an exec, so a subprocess would inherit its parent's peak."""
    hwm = _proc_status("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure_memory(n, d, k, max_iter, log):
    rows = []
    reference = n * d * 8 + n * k * 8  # the data + one N x K responsibility array
    with tempfile.TemporaryDirectory() as folder:
        X, *start = make_problem(n, d, k)
        np.save(Path(folder) / "X.npy", X)
        for part, value in zip(("weights", "means", "covariances"), start, strict=True):
            np.save(Path(folder) / f"{part}.npy", value)
        del X
        outs = {}
        for name in MAKERS:
            cmd = [sys.executable, __file__, "--memory-child", name, folder, str(max_iter)]
            outs[name] = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for name, out in outs.items():
        figures = json.loads(out.strip().splitlines()[-1])
        row = {"impl": name, "N": n, "D": d, "K": k, "reference": reference, **figures}
        rows.append(row)
        log(
            f"  memory N={n} D={d} K={k} {name}: tracemalloc peak "
            f"{figures['tracemalloc_peak'] / 2**20:.1f} MiB, rss growth "
            f"{figures['rss_growth'] / 2**20:.1f} MiB (reference {reference / 2**20:.1f} MiB)"
        )
    return rows


# --------------------------------------------------------------------------------------
# Machine description
# --------------------------------------------------------------------------------------


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
        if match:
            cpu = match.group(1).strip()
        # The model name of a virtual machine can be bare ("AMD EPYC"): family and model
        # tell the generation (AMD family 25 is Zen 3/4, 26 is Zen 5).
        fields = dict(re.findall(r"^(cpu family|model|stepping)\s*:\s*(\d+)$", text, re.M))
        if fields:
            cpu += " (family {}, model {})".format(
                fields.get("cpu family", "?"), fields.get("model", "?")
            )
    except OSError:
        pass
    import sklearn

    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "simd": describe_simd(simd_level()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "blas": "threadpoolctl not installed",
        "openblas_env": {
            v: os.environ[v] for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if v in os.environ
        },
    }
    try:
        from threadpoolctl import threadpool_info

        parts = []
        for lib in threadpool_info():
            if lib.get("user_api") != "blas":
                continue
            desc = f"{lib.get('internal_api')} {lib.get('version')}"
            if lib.get("architecture"):
                desc += f" ({lib['architecture']} kernels)"
            desc += f", {lib.get('num_threads')} threads, {Path(lib.get('filepath', '')).name}"
            parts.append(desc)
        info["blas"] = "; ".join(parts) or "none found by threadpoolctl"
    except ImportError:
        pass
    return info


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def _size(n):
    exp = int(round(np.log10(n)))
    return f"1e{exp}" if 10**exp == n else str(n)


def render(results, memory, info, date, command):
    lines = [HEADING, ""]
    lines.append(
        f"Measured on {date} with `{command}` (`benchmarks/bench_em.py`; method in its "
        "docstring and in `benchmarks/README.md`)."
    )
    lines.append("")
    lines.append(f"- CPU: {info['cpu']}, {info['cores']} cores; {info['simd']}")
    lines.append(
        f"- Python {info['python']}, numpy {info['numpy']}, scikit-learn {info['sklearn']}"
    )
    lines.append(f"- BLAS (threadpoolctl): {info['blas']}")
    env = info["openblas_env"]
    lines.append(
        "- OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: "
        + (", ".join(f"{k}={v}" for k, v in env.items()) if env else "unset")
    )
    load = info.get("load")
    if load:
        lines.append(
            f"- Load average (1 min) at the start and end of the run: {load[0]:.2f}, "
            f"{load[1]:.2f} (the machine is shared; interleaving and medians absorb some "
            "of that)"
        )
    lines.append("")
    lines.append(
        "Full covariance, same data and same start for both (explicit weights, means, "
        "covariances; scikit-learn given the precisions), `tol=0`, `reg_covar=1e-6`. "
        "One iteration is one E-step and one M-step (and the log-likelihood). Per-iteration "
        "time = (fit of 1 + i iterations - fit of 1 iteration) / i, median over interleaved "
        "repeats. "
        + (
            "Clock: the benchmark process's CPU time (`time.process_time`), steadier than "
            "wall time while other jobs share the machine; with one BLAS thread it counts "
            "the same work as wall time on an idle machine."
            if info.get("clock") == "cpu"
            else "Clock: wall time (`time.perf_counter`)."
        )
    )
    lines.append("")
    lines.append("| N | D | K | ours ms/iter | sklearn ms/iter | speed-up |")
    lines.append("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        lines.append(
            f"| {_size(r['N'])} | {r['D']} | {r['K']} | {r['ours_ms']:.3f} | "
            f"{r['sklearn_ms']:.3f} | {r['speedup']:.1f}x |"
        )
    lines.append("")
    lines.append(
        "Details: iterations in each long fit (chosen so that they take about a second at "
        "full size and at least twice the fit's set-up, between "
        f"{MIN_ITERS} and {MAX_ITERS}), repeats, and the "
        "agreement of the two fits after the same number of "
        "iterations (largest difference in any fitted parameter relative to that "
        "parameter's largest entry, and difference in the final mean log-likelihood)."
    )
    lines.append("")
    lines.append(
        "| N | D | K | iterations ours / sklearn | repeats | max parameter difference | "
        "log-likelihood difference |"
    )
    lines.append("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        lines.append(
            f"| {_size(r['N'])} | {r['D']} | {r['K']} | {r['iters']['ours']} / "
            f"{r['iters']['sklearn']} | {r['repeats']} | {r['param_diff']:.1e} "
            f"(after {r['check_iters']}) | {r['lower_bound_diff']:.1e} |"
        )
    big = [r for r in results if r["N"] == max(x["N"] for x in results)]
    if big:
        lo = min(r["speedup"] for r in big)
        hi = max(r["speedup"] for r in big)
        lines.append("")
        lines.append(
            f"At N = {_size(big[0]['N'])} gmm_viz is {lo:.1f}x to {hi:.1f}x faster per "
            "iteration than scikit-learn."
        )
    if memory:
        lines.append("")
        n, k = memory[0]["N"], memory[0]["K"]
        lines.append(f"### Peak memory during `fit`, N = {_size(n)}, K = {k}")
        lines.append("")
        lines.append(
            "Relative to the data plus one N x K responsibility array (float64): "
            "`N * (D + K) * 8` bytes. tracemalloc counts the allocations made during `fit` "
            "(numpy array buffers included); the resident-set figure is the growth of the "
            "process's peak RSS over the fit, each estimator in a fresh process. "
            '"EM loop" is the part of our fit after its set-up (input checks, '
            "standardisation, initialisation): the iterations themselves."
        )
        lines.append("")
        lines.append(
            "| D | estimator | reference MiB | tracemalloc peak MiB | ratio | "
            "peak RSS growth MiB | ratio |"
        )
        lines.append("|---:|---|---:|---:|---:|---:|---:|")
        for r in memory:
            ref = r["reference"]
            lines.append(
                f"| {r['D']} | {r['impl']} | {ref / 2**20:.1f} | "
                f"{r['tracemalloc_peak'] / 2**20:.1f} | {r['tracemalloc_peak'] / ref:.2f}x | "
                f"{r['rss_growth'] / 2**20:.1f} | {r['rss_growth'] / ref:.2f}x |"
            )
            if r.get("em_loop_peak") is not None:
                lines.append(
                    f"| {r['D']} | ours, EM loop only | {ref / 2**20:.1f} | "
                    f"{r['em_loop_peak'] / 2**20:.1f} | {r['em_loop_peak'] / ref:.2f}x | | |"
                )
    lines.append("")
    return "\n".join(lines)


def publish(section, heading, output, quick, log=print):
    """Print a benchmark's report and, unless it was a quick run (or ``output`` says where),
    put it in RESULTS.md as its own section."""
    print()
    print(section)
    output = output if output is not None else (None if quick else RESULTS)
    if output is not None:
        write_section(output, section, heading)
        log(f"wrote {output}")


def write_section(path, section, heading=HEADING):
    """Put ``section`` (which starts with ``heading``) into ``path``, replacing an earlier
    version of it and keeping every other section (other benchmarks append their own)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    # The section runs to the next heading or HTML comment (another benchmark's marker).
    pattern = re.compile(
        rf"^{re.escape(heading)}\n.*?(?=^## |^<!-- |\Z)", re.MULTILINE | re.DOTALL
    )
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text.rstrip("\n") + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run; prints only")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per case")
    parser.add_argument("--no-memory", action="store_true", help="skip peak memory")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"report file (default {RESULTS}; none in --quick)",
    )
    parser.add_argument("--date", default=None, help="date for the report (default today)")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="wall time, or this process's CPU time (steadier on a shared machine; use it "
        "with --blas-threads 1, where it counts the same work)",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="limit BLAS and OpenMP threads for both estimators (threadpoolctl); "
        "default: the libraries' own setting",
    )
    parser.add_argument("--memory-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        name, folder, max_iter = args.memory_child
        memory_child(name, folder, int(max_iter))
        return 0

    def log(msg):
        print(msg, flush=True)

    global clock
    clock = CLOCKS[args.clock]
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    repeats = args.repeats or (2 if args.quick else 7)
    target = 0.1 if args.quick else 1.0  # seconds of timed EM per long fit
    if args.blas_threads is not None:
        # Load every BLAS / OpenMP library first (scikit-learn brings scipy's own OpenBLAS),
        # so that the limit reaches all of them.
        import sklearn.mixture  # noqa: F401
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=args.blas_threads)  # noqa: F841 (kept for the run)
    info = machine_info()
    info["clock"] = args.clock
    load_start = os.getloadavg()[0]
    log(f"machine: {json.dumps(info)}")
    if info["openblas_env"]:
        log(
            "note: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set; they slow a current numpy. "
            "Unset both for this command to benchmark (see benchmarks/README.md)."
        )
    results = []
    for n in sizes:
        for d in DIMS:
            for k in COMPONENTS:
                r = time_case(n, d, k, repeats, target, log)
                results.append(r)
                log(
                    f"N={n:>8} D={d} K={k}: ours {r['ours_ms']:8.3f} ms/iter, sklearn "
                    f"{r['sklearn_ms']:8.3f} ms/iter, speed-up {r['speedup']:5.1f}x, "
                    f"max parameter difference {r['param_diff']:.1e} "
                    f"(iterations ours {r['iters']['ours']}, sklearn {r['iters']['sklearn']})"
                )
    memory = []
    if not args.no_memory:
        mem_n = sizes[-1]
        for d in DIMS:
            memory += measure_memory(mem_n, d, 8, 5, log)
    info["load"] = (load_start, os.getloadavg()[0])
    date = args.date or datetime.date.today().isoformat()
    shown = list(argv if argv is not None else sys.argv[1:])
    if "--output" in shown:  # where the report went is no part of how it was measured
        i = shown.index("--output")
        del shown[i : i + 2]
    command = " ".join(["python benchmarks/bench_em.py", *shown])
    if not info["openblas_env"]:
        command = "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE " + command
    section = render(results, memory, info, date, command)
    bad = [r for r in results if not r["param_diff"] < AGREEMENT_LIMIT]
    publish(section, HEADING, args.output, args.quick, log)
    if bad:
        for r in bad:
            log(
                f"error: the fits disagree at N={r['N']} D={r['D']} K={r['K']} "
                f"(parameter difference {r['param_diff']:.1e}); the timings are not comparable"
            )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

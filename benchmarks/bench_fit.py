"""A whole ``fit``, as a user calls it, against scikit-learn's: what the user waits for.

A benchmark, not a test: it is run by hand and writes its section of
``benchmarks/RESULTS.md``. ``bench_em.py`` measures one EM iteration with the set-up
cancelled out; this one times the whole call (input checks, standardisation, the explicit
start, every iteration, the final E-step) for N in {1e4, 1e5, 1e6}, D in {1, 2},
K in {3, 8}, with 8 and with 100 iterations. Every estimator gets the same data and the
same explicit start (scikit-learn the precisions), full covariance, ``tol=0``: ours as a
user runs it (its blocks on every core the process may use), ours on one thread (the
peer that says what the threads bring), and scikit-learn with its default (BLAS)
threads. Runs are interleaved (ours, ours on one thread, scikit-learn, ours, ...); the
median over repeats is reported, by the wall clock (what the user waits for) and in CPU
seconds of the process (every thread's); the fitted parameters are compared so that the
timings are of the same computation. The report names the CPU and the SIMD extensions
numpy dispatches to (``np.show_runtime()``): numpy's float64 ``exp`` is vectorised only
with AVX-512, so run it once as it is and once with AVX-512 switched off
(``NPY_DISABLE_CPU_FEATURES``) to see a laptop's CPU on a server's.

Usage (from the repository's root; see benchmarks/README.md for the environment)::

    python benchmarks/bench_fit.py                       # full run, writes RESULTS.md
    NPY_DISABLE_CPU_FEATURES="AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL \
        AVX512_ICL AVX512_SPR" python benchmarks/bench_fit.py --label "AVX2"
    python benchmarks/bench_fit.py --quick               # smoke run, prints only
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_em  # noqa: E402  (the shared data, estimators, clock and report helpers)

HEADING = "## A whole fit vs scikit-learn (end to end)"
ITERATIONS = (8, 100)
NAMES = ("ours", "ours, 1 thread", "sklearn")


def time_case(n, d, k, iterations, repeats, log):
    X, *start = bench_em.make_problem(n, d, k)
    for name in NAMES:  # warm-up: imports, first touch of memory
        bench_em.timed_fit_both(name, X[: min(n, 2000)], k, 1, start)
    wall = {name: [] for name in NAMES}
    cpu = {name: [] for name in NAMES}
    models = {}
    for _ in range(repeats):
        for name in NAMES:
            w, c, models[name] = bench_em.timed_fit_both(name, X, k, iterations, start)
            wall[name].append(w)
            cpu[name].append(c)
    row = {"N": n, "D": d, "K": k, "iterations": iterations, "repeats": repeats}
    for name in NAMES:
        row[f"{name} wall"] = float(np.median(wall[name]))
        row[f"{name} cpu"] = float(np.median(cpu[name]))
    row["speedup"] = row["sklearn wall"] / row["ours wall"]
    row["speedup_cpu"] = row["sklearn cpu"] / row["ours cpu"]
    row["threads_gain"] = row["ours, 1 thread wall"] / row["ours wall"]
    row["param_diff"] = max(
        bench_em.parameter_difference(models["ours"], models["sklearn"]),
        bench_em.parameter_difference(models["ours"], models["ours, 1 thread"]),
    )
    row["threads_identical"] = all(
        np.array_equal(getattr(models["ours"], a), getattr(models["ours, 1 thread"], a))
        for a in ("weights_", "means_", "covariances_")
    )
    log(
        f"N={n:>8} D={d} K={k} iters={iterations:>3}: ours {row['ours wall'] * 1e3:8.1f} ms "
        f"(1 thread {row['ours, 1 thread wall'] * 1e3:8.1f}), sklearn "
        f"{row['sklearn wall'] * 1e3:8.1f} ms: {row['speedup']:5.1f}x wall, "
        f"{row['speedup_cpu']:5.1f}x CPU; parameter difference {row['param_diff']:.1e}"
    )
    return row


def render(results, info, date, command, label):
    size = bench_em._size
    lines = [f"{HEADING}: {label}" if label else HEADING, ""]
    lines.append(
        f"Measured on {date} with `{command}` (`benchmarks/bench_fit.py`; method in its "
        "docstring)."
    )
    lines += [
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores; {info['simd']}",
        f"- Python {info['python']}, numpy {info['numpy']}, scikit-learn {info['sklearn']}",
        f"- BLAS (threadpoolctl): {info['blas']}",
        f"- Load average (1 min) at the start and end: {info['load'][0]:.2f}, "
        f"{info['load'][1]:.2f}",
        "",
        "The whole `fit(X)` call from an explicit start (weights, means, covariances; "
        "scikit-learn given the precisions), full covariance, `tol=0`, median of "
        "interleaved repeats, by the wall clock with default threads; *CPU* is the "
        "process's CPU seconds (all threads). *1 thread* is ours with its blocks on one "
        "thread, in the same run. Results of ours are bit for bit the same on any number "
        "of threads.",
        "",
        "| N | D | K | iterations | ours | ours, 1 thread | sklearn | speed-up (wall) "
        "| ours CPU | sklearn CPU | speed-up (CPU) | max parameter difference |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(results, key=lambda r: (r["N"], r["D"], r["K"], r["iterations"])):
        lines.append(
            f"| {size(r['N'])} | {r['D']} | {r['K']} | {r['iterations']} "
            f"| {_ms(r['ours wall'])} | {_ms(r['ours, 1 thread wall'])} "
            f"| {_ms(r['sklearn wall'])} | **{r['speedup']:.1f}x** "
            f"| {_ms(r['ours cpu'])} | {_ms(r['sklearn cpu'])} | {r['speedup_cpu']:.1f}x "
            f"| {r['param_diff']:.1e} |"
        )
    big = [r for r in results if r["N"] == max(x["N"] for x in results)]
    small = [r for r in results if r["N"] == min(x["N"] for x in results)]
    lines += [
        "",
        f"At N = {size(big[0]['N'])} the whole fit is {min(r['speedup'] for r in big):.1f}x to "
        f"{max(r['speedup'] for r in big):.1f}x faster than scikit-learn's by the wall "
        f"clock; at N = {size(small[0]['N'])} the threads change ours by "
        f"{min(r['threads_gain'] for r in small):.2f}x to "
        f"{max(r['threads_gain'] for r in small):.2f}x (above 1: faster than one thread).",
    ]
    return "\n".join(lines)


def _ms(seconds):
    return f"{seconds * 1e3:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run; prints only")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per case")
    parser.add_argument("--output", type=Path, default=None, help="report file")
    parser.add_argument("--date", default=None, help="date for the report (default today)")
    parser.add_argument("--label", default="", help="a heading for this run's section")
    parser.add_argument(
        "--sizes", default=None, help="N values, comma-separated (default 1e4,1e5,1e6)"
    )
    parser.add_argument("--blas-threads", type=int, default=None)
    args = parser.parse_args(argv)

    def log(msg):
        print(msg, flush=True)

    if args.blas_threads is not None:
        import sklearn.mixture  # noqa: F401  (load every BLAS before limiting them)
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=args.blas_threads)  # noqa: F841
    info = bench_em.machine_info()
    load_start = os.getloadavg()[0]
    log(f"machine: {json.dumps(info)}")
    sizes = bench_em.QUICK_SIZES if args.quick else bench_em.FULL_SIZES
    if args.sizes:
        sizes = [int(float(x)) for x in args.sizes.split(",")]
    results = []
    for n in sizes:
        for d in bench_em.DIMS:
            for k in bench_em.COMPONENTS:
                for iterations in ITERATIONS:
                    # The longest fits (scikit-learn, N = 1e6, 100 iterations) take ~40 s.
                    repeats = args.repeats or (
                        2 if args.quick else (3 if n * iterations >= 10**8 else 5)
                    )
                    results.append(time_case(n, d, k, iterations, repeats, log))
    info["load"] = (load_start, os.getloadavg()[0])
    date = args.date or datetime.date.today().isoformat()
    shown = [a for a in (argv if argv is not None else sys.argv[1:])]
    if "--output" in shown:
        i = shown.index("--output")
        del shown[i : i + 2]
    command = shlex.join(["python", "benchmarks/bench_fit.py", *shown])
    if not info["openblas_env"]:
        command = "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE " + command
    if os.environ.get("NPY_DISABLE_CPU_FEATURES"):
        disabled = os.environ["NPY_DISABLE_CPU_FEATURES"]
        command = f'NPY_DISABLE_CPU_FEATURES="{disabled}" {command}'
    heading = f"{HEADING}: {args.label}" if args.label else HEADING
    section = render(results, info, date, command, args.label)
    bench_em.publish(section, heading, args.output, args.quick, log)
    bad = [
        r
        for r in results
        if not (r["param_diff"] < bench_em.AGREEMENT_LIMIT and r["threads_identical"])
    ]
    for r in bad:
        log(f"error: the fits disagree at {r}; the timings are not comparable")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

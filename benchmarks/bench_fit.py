"""A whole ``fit``, as a user calls it, against scikit-learn's: what the user waits for.

A benchmark, not a test: it is run by hand and writes its section of
``benchmarks/RESULTS.md``. ``bench_em.py`` measures one EM iteration with the set-up
cancelled out; this one times the whole call (input checks, standardisation, the explicit
start, every iteration, the final E-step) for N in {1e4, 1e5, 1e6}, D in {1, 2},
K in {3, 8}, with 8 and with 100 iterations. Both estimators get the same data and the
same explicit start (scikit-learn the precisions), full covariance, ``tol=0``. Runs are
interleaved (ours, scikit-learn, ours, ...) and the median over repeats is reported; the
fitted parameters are compared so that the timings are of the same computation.

Usage (from the repository's root; see benchmarks/README.md for the environment)::

    python benchmarks/bench_fit.py --clock cpu --blas-threads 1   # full run, writes RESULTS.md
    python benchmarks/bench_fit.py --quick                         # smoke run, prints only
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_em  # noqa: E402  (the shared data, estimators, clock and report helpers)

HEADING = "## A whole fit vs scikit-learn (end to end)"
ITERATIONS = (8, 100)


def time_case(n, d, k, iterations, repeats, log):
    X, *start = bench_em.make_problem(n, d, k)
    for name in ("ours", "sklearn"):  # warm-up: imports, first touch of memory
        bench_em.timed_fit(name, X[: min(n, 2000)], k, 1, start)
    times = {"ours": [], "sklearn": []}
    models = {}
    for _ in range(repeats):
        for name in ("ours", "sklearn"):
            t, models[name] = bench_em.timed_fit(name, X, k, iterations, start)
            times[name].append(t)
    ours_s = float(np.median(times["ours"]))
    sk_s = float(np.median(times["sklearn"]))
    diff = bench_em.parameter_difference(models["ours"], models["sklearn"])
    log(
        f"N={n:>8} D={d} K={k} iters={iterations:>3}: ours {ours_s * 1e3:9.1f} ms, "
        f"sklearn {sk_s * 1e3:9.1f} ms, {sk_s / ours_s:5.1f}x, parameter difference {diff:.1e}"
    )
    return {
        "N": n,
        "D": d,
        "K": k,
        "iterations": iterations,
        "ours_s": ours_s,
        "sklearn_s": sk_s,
        "speedup": sk_s / ours_s,
        "param_diff": diff,
        "repeats": repeats,
    }


def render(results, info, date, command):
    size = bench_em._size
    lines = [HEADING, ""]
    lines.append(
        f"Measured on {date} with `{command}` (`benchmarks/bench_fit.py`; method in its "
        "docstring)."
    )
    lines += [
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores",
        f"- Python {info['python']}, numpy {info['numpy']}, scikit-learn {info['sklearn']}",
        f"- BLAS (threadpoolctl): {info['blas']}",
        f"- Clock: {info['clock']}; load average (1 min) at the start and end: "
        f"{info['load'][0]:.2f}, {info['load'][1]:.2f}",
        "",
        "The whole `fit(X)` call, from an explicit start (weights, means, covariances; "
        "scikit-learn given the precisions), full covariance, `tol=0`, median of "
        "interleaved repeats. *Per iteration* is (fit of 100 - fit of 8) / 92 for each, "
        "from the same run.",
        "",
        "| N | D | K | ours, 8 iter | sklearn, 8 iter | speed-up | ours, 100 iter "
        "| sklearn, 100 iter | speed-up | per-iteration speed-up | max parameter difference |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_key = {(r["N"], r["D"], r["K"], r["iterations"]): r for r in results}
    for n, d, k in sorted({(r["N"], r["D"], r["K"]) for r in results}):
        a, b = by_key[(n, d, k, ITERATIONS[0])], by_key[(n, d, k, ITERATIONS[1])]
        span = ITERATIONS[1] - ITERATIONS[0]
        ours_it = (b["ours_s"] - a["ours_s"]) / span
        sk_it = (b["sklearn_s"] - a["sklearn_s"]) / span
        lines.append(
            f"| {size(n)} | {d} | {k} | {_ms(a['ours_s'])} | {_ms(a['sklearn_s'])} "
            f"| **{a['speedup']:.1f}x** | {_ms(b['ours_s'])} | {_ms(b['sklearn_s'])} "
            f"| {b['speedup']:.1f}x | {sk_it / ours_it:.1f}x "
            f"| {max(a['param_diff'], b['param_diff']):.1e} |"
        )
    big = [r for r in results if r["N"] == max(x["N"] for x in results)]
    low = min(r["speedup"] for r in big if r["iterations"] == ITERATIONS[0])
    lines += [
        "",
        f"At N = {size(big[0]['N'])} with {ITERATIONS[0]} iterations the whole fit is at "
        f"least {low:.1f}x faster than scikit-learn's.",
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
    parser.add_argument("--clock", choices=sorted(bench_em.CLOCKS), default="wall")
    parser.add_argument("--blas-threads", type=int, default=None)
    args = parser.parse_args(argv)

    def log(msg):
        print(msg, flush=True)

    bench_em.clock = bench_em.CLOCKS[args.clock]
    if args.blas_threads is not None:
        import sklearn.mixture  # noqa: F401  (load every BLAS before limiting them)
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=args.blas_threads)  # noqa: F841
    info = bench_em.machine_info()
    info["clock"] = args.clock
    load_start = os.getloadavg()[0]
    log(f"machine: {json.dumps(info)}")
    sizes = bench_em.QUICK_SIZES if args.quick else bench_em.FULL_SIZES
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
    command = " ".join(["python benchmarks/bench_fit.py", *shown])
    if not info["openblas_env"]:
        command = "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE " + command
    section = render(results, info, date, command)
    bench_em.publish(section, HEADING, args.output, args.quick, log)
    bad = [r for r in results if not r["param_diff"] < bench_em.AGREEMENT_LIMIT]
    for r in bad:
        log(f"error: the fits disagree at {r}; the timings are not comparable")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

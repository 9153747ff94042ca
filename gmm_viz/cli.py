"""The command line: ``gmm-viz solve`` prints a worked EM solution (or its history as CSV),
``gmm-viz animate`` writes the run as a GIF, an MP4 or an HTML page, ``gmm-viz class``
launches the app for a class (:mod:`gmm_viz.classroom.launch`).

Run ``gmm-viz solve --help`` (or ``python -m gmm_viz animate --help``) for the options. Bad
input of any kind prints a single ``error: ...`` line on standard error and exits with
status 2; the arithmetic is done by :mod:`gmm_viz.em` and laid out by :mod:`gmm_viz.worked`.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import traceback

import numpy as np

from gmm_viz import datasets, export, plotting, worked
from gmm_viz.conventions import run_title
from gmm_viz.em import COVARIANCE_TYPES, INIT_METHODS, PARAMETER_NAMES, covariance_type
from gmm_viz.errors import DataError, GMMVizError, ParameterError

__all__ = ["build_parser", "main"]

PROG = "gmm-viz"
FORMATS = ("text", "markdown", "json", "csv")
# animate runs to convergence unless --iterations says otherwise.
ANIMATE_TOL = 1e-6
ANIMATE_MAX_ITER = 500
EXIT_USAGE = 2
EXIT_BUG = 1  # an internal error (a bug), told apart from a mistake in the input

DESCRIPTION = """\
Step through EM for Gaussian mixture models and print the worked solution: per iteration the
E-step table (the normal density of each point under each component, the weighted densities,
the responsibilities), the M-step with the numbers plugged into the formulas, and the
log-likelihood."""

EXAMPLES = """\
examples:
  gmm-viz solve                                   the seed's toy example, one EM iteration
  gmm-viz solve --data toy --iterations 3 --format markdown
  gmm-viz solve --data faithful --k 2 --iterations 5 --format json
  gmm-viz solve --data faithful --columns waiting --k 2 --means 55,80 --variances 30,30
  gmm-viz solve --data faithful --k 2 --means "2,55;4.5,80" --weights 0.4,0.6
  gmm-viz solve --data galaxies --k 3 --init k-means++ --seed 1 --reg-covar 1e-6
  gmm-viz solve --data my_data.csv --columns 0,2 --k 2
  echo "1.1 0.8 3.9 4.2 4.0" | gmm-viz solve --data - --k 2 --means 1,4 --variances 1,1 \\
      --weights 0.5,0.5

Bad input prints one 'error: ...' line on standard error and exits with status 2."""

SOLVE_DESCRIPTION = """\
Run EM for a few iterations (exact EM, as done by hand: --reg-covar defaults to 0) and print
every step. With '--data toy' and no start of your own, the start is the one of the worked
example in the course notes: means 1 and 2, variances 2 and 2, weights 0.5 and 0.5.
Parameters you do not give come from the data set's suggested start (when it has one and
--init is not given) or from --init."""


ANIMATE_DESCRIPTION = """\
Run EM and write every half-step as one frame of an animation, with the log-likelihood
panel: a GIF (for slides), an MP4 (H.264, through the optional package imageio-ffmpeg) or
one HTML page that plays offline (play, pause, a slider; the arrow keys step). The data,
model and start options are those of 'gmm-viz solve'; without --iterations EM runs until it
converges."""

ANIMATE_EXAMPLES = """\
examples:
  gmm-viz animate --output toy.gif                       the seed's toy example, to convergence
  gmm-viz animate --data faithful --k 2 --output faithful.html --size projector
  gmm-viz animate --data galaxies --k 3 --init k-means++ --output galaxies.mp4 --fps 4

A bad option or a path that cannot be written prints one 'error: ...' line and exits with
status 2, leaving no file behind."""


class _UsageError(Exception):
    """A command-line mistake; main() prints it as one 'error:' line."""


class ArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one ``error: ...`` line and exit status 2.

    :meth:`error` raises instead of printing the usage, so that :func:`main` reports every
    mistake (argparse's own and ours) the same way and returns 2.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        # Let values such as "-1,2" or "-1.5;2" be read as values, not as unknown options
        # (argparse only recognises plain negative numbers like "-1" or "-.5").
        self._negative_number_matcher = re.compile(r"^-\.?\d[\d.,;eE+\- ]*$")

    def error(self, message):
        raise _UsageError(message)


# --------------------------------------------------------------------------------------
# Option types
# --------------------------------------------------------------------------------------


def _whole(minimum, what):
    def parse(text):
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number; got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be at least {minimum}; got {value}")
        return value

    parse.__name__ = what
    return parse


def _fps(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number; got {text!r}") from None
    if not math.isfinite(value) or not 0.1 <= value <= 60:
        raise argparse.ArgumentTypeError(f"must be from 0.1 to 60 frames per second; got {text!r}")
    return value


def _non_negative_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number; got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or a positive number; got {text!r}")
    return value


def _number(text, option):
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(f"{option}: {text.strip()!r} is not a number.") from None
    if not math.isfinite(value):
        raise ParameterError(f"{option}: every value must be a finite number; got {text!r}.")
    return value


def _numbers(text, option):
    """Comma-separated numbers (spaces allowed around them)."""
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise ParameterError(
            f"{option}: give comma-separated numbers with nothing between the commas, "
            f"e.g. {option} 1,2; got {text!r}."
        )
    return [_number(item, option) for item in items]


def _parse_means(text, n_features):
    """'1,2' (1-D: one mean per component) or '1,2;3,4' (one group per component)."""
    groups = text.split(";")
    if len(groups) == 1:
        values = _numbers(text, "--means")
        if n_features == 1:
            return np.array(values)[:, None]
        if len(values) != n_features:
            raise ParameterError(
                f"--means: in {n_features} dimensions give {n_features} numbers per mean and "
                "separate the means with ';', e.g. --means \"2,55;4.5,80\"."
            )
        return np.array(values)[None, :]
    rows = [_numbers(group, "--means") for group in groups]
    for j, row in enumerate(rows, start=1):
        if len(row) != n_features:
            raise ParameterError(
                f"--means: mean {j} has {_plural(len(row), 'number')} but the data have "
                f"{_plural(n_features, 'column')}; give one number per column."
            )
    return np.array(rows)


def _plural(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _parse_columns(text):
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise DataError(
            f"--columns: give comma-separated column names or 0-based positions; got {text!r}."
        )
    return [int(item) if item.isdigit() else item for item in items]


def _parse_fixed(text):
    items = [item.strip() for item in text.split(",") if item.strip()]
    for item in items:
        if item not in PARAMETER_NAMES:
            raise ParameterError(
                f"--fixed: cannot hold {item!r} fixed; choose among {', '.join(PARAMETER_NAMES)}."
            )
    return tuple(items)


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------


def _add_data_and_model_options(parser):
    """The options ``solve`` and ``animate`` share: the data, the model and its start."""
    data = parser.add_argument_group("data")
    data.add_argument(
        "--data",
        default="toy",
        metavar="NAME|PATH|-",
        help="toy (default), faithful, galaxies, the path of a CSV file, or - to read "
        "numbers from standard input",
    )
    data.add_argument(
        "--columns",
        metavar="COLS",
        help="columns to use: comma-separated names or 0-based positions (default: all)",
    )
    model = parser.add_argument_group("model and start")
    model.add_argument(
        "--k",
        type=_whole(1, "the number of components"),
        metavar="K",
        help="number of components (default: the K of the data set's suggested start, else 2)",
    )
    model.add_argument(
        "--means",
        metavar="M",
        help="initial means, comma-separated; in D > 1 separate the components with ';', "
        'e.g. "1,2;3,4"',
    )
    model.add_argument(
        "--variances", metavar="V", help="initial variances, comma-separated (1-D data only)"
    )
    model.add_argument(
        "--weights", metavar="W", help="initial weights, comma-separated, summing to 1"
    )
    model.add_argument(
        "--init",
        choices=INIT_METHODS,
        help="how to start the parameters not given (default: the data set's suggested "
        "start, else kmeans)",
    )
    model.add_argument(
        "--seed",
        type=_whole(0, "the seed"),
        default=0,
        help="random seed of the initialisation (default 0)",
    )
    model.add_argument(
        "--covariance-type",
        choices=COVARIANCE_TYPES,
        default="full",
        help="covariance structure (default full; all are the same in 1-D except tied)",
    )
    model.add_argument(
        "--reg-covar",
        type=_non_negative_float,
        default=0.0,
        metavar="R",
        help="added to the variances after each M-step (default 0: exact EM, as by hand)",
    )
    model.add_argument(
        "--fixed",
        metavar="NAMES",
        default="",
        help="parameters held at their starting values: comma-separated among weights, "
        "means, covariances",
    )


def build_parser():
    """The argument parser of ``gmm-viz`` (errors raise instead of exiting)."""
    parser = ArgumentParser(prog=PROG, description=DESCRIPTION, epilog=EXAMPLES)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    solve = sub.add_parser(
        "solve",
        help="print a worked EM solution (E-step table, M-step formulas, log-likelihood)",
        description=SOLVE_DESCRIPTION,
        epilog=EXAMPLES,
    )
    _add_data_and_model_options(solve)
    run = solve.add_argument_group("run and output")
    run.add_argument(
        "--iterations",
        type=_whole(0, "the number of iterations"),
        default=1,
        metavar="N",
        help="EM iterations to work out (default 1; 0 shows only the start)",
    )
    run.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default text; csv: the history, one row per half-step and component)",
    )
    run.add_argument(
        "--digits",
        type=_whole(1, "the number of digits"),
        default=6,
        metavar="D",
        help="significant digits in text and markdown (default 6)",
    )
    animate = sub.add_parser(
        "animate",
        help="write the run as an animation (GIF, MP4 or a self-contained HTML page)",
        description=ANIMATE_DESCRIPTION,
        epilog=ANIMATE_EXAMPLES,
    )
    _add_data_and_model_options(animate)
    out = animate.add_argument_group("run and output")
    out.add_argument(
        "--output",
        required=True,
        metavar="FILE",
        help="the file to write; its extension picks the format: .gif, .mp4 or .html",
    )
    out.add_argument(
        "--iterations",
        type=_whole(0, "the number of iterations"),
        default=None,
        metavar="N",
        help=f"EM iterations to show (default: until the mean log-likelihood changes by less "
        f"than {ANIMATE_TOL:g}, at most {ANIMATE_MAX_ITER})",
    )
    out.add_argument(
        "--fps",
        type=_fps,
        default=2.0,
        help="half-steps per second (default 2; from 0.1 to 60)",
    )
    out.add_argument(
        "--size",
        choices=("screen", "projector"),
        default="screen",
        help="screen (default) or projector: bigger text and lines for the back of a room",
    )
    from gmm_viz.classroom.launch import add_class_parser

    add_class_parser(sub, _whole)
    return parser


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def _known_names():
    return {name.partition(":")[0] for name in datasets.DATASET_NAMES}


def _load_data(spec, columns, stdin):
    if spec == "-":
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            return datasets.load_csv(buffer.read(), columns, name="standard input")
        return datasets.parse_text(stdin.read(), columns, name="standard input")
    base = spec.strip().lower().partition(":")[0].strip()
    if base in _known_names():
        ds = datasets.load(spec)
        return ds if columns is None else ds.select(columns)
    looks_like_path = (
        os.path.exists(spec)
        or os.sep in spec
        or "/" in spec
        or os.path.splitext(spec)[1].lower() in (".csv", ".txt", ".tsv", ".dat")
    )
    if looks_like_path:
        return datasets.load_csv(spec, columns)
    raise DataError(
        f"There is no data set or file called {spec!r}; use toy, faithful, galaxies, the path "
        "of a CSV file, or - for standard input."
    )


def _prepare(args, stdin):
    """Load the data and turn the options into the arguments of :func:`worked.solve`."""
    columns = _parse_columns(args.columns) if args.columns is not None else None
    ds = _load_data(args.data, columns, stdin)
    if ds.note:  # text that reads two ways: say how it was read, apart from the results
        print(f"note: {ds.note}", file=sys.stderr)
    n, d = ds.X.shape
    cov_type = args.covariance_type
    fixed = _parse_fixed(args.fixed)

    means = _parse_means(args.means, d) if args.means is not None else None
    variances = None
    if args.variances is not None:
        if d > 1:
            raise ParameterError(
                f"--variances works for 1-D data only, and these data have {d} columns; "
                "leave it out (the start then comes from --init) or choose one column with "
                "--columns."
            )
        variances = _numbers(args.variances, "--variances")
        for v in variances:
            if v <= 0:
                raise ParameterError(f"--variances: every variance must be positive; got {v:g}.")
    weights = _numbers(args.weights, "--weights") if args.weights is not None else None
    if weights is not None:
        if any(w < 0 for w in weights):
            raise ParameterError("--weights: every weight must be zero or positive.")
        if abs(sum(weights) - 1.0) > 1e-6:
            raise ParameterError(
                f"--weights must sum to 1; they sum to {sum(weights):.6g}, so divide each by "
                "their sum."
            )

    start = ds.start
    k = args.k
    if k is None:
        k = len(start["weights"]) if start is not None else 2
    datasets.validate_data(ds.X, n_components=k, name=ds.name, columns=ds.columns)

    def check_count(values, option, noun):
        if values is not None and len(values) != k:
            raise ParameterError(
                f"{option}: got {_plural(len(values), noun)} for {_plural(k, 'component')}; "
                f"give one per component, or set the number of components with "
                f"--k {len(values)}."
            )

    check_count(means, "--means", "mean")
    check_count(weights, "--weights", "weight")
    covariances = None
    if variances is not None:
        if covariance_type(cov_type).shared:
            if len(set(variances)) != 1:
                raise ParameterError(
                    "--variances: with --covariance-type tied all components share one "
                    "variance; give a single value."
                )
            covariances = np.array([[variances[0]]])
        else:
            check_count(variances, "--variances", "variance")
            full = np.array(variances, dtype=float)[:, None, None]
            covariances = covariance_type(cov_type).from_full(full, None)

    # The data set's suggested start fills in what was not given.
    given = [
        name
        for name, value in (("weights", weights), ("means", means), ("variances", covariances))
        if value is not None
    ]
    how = [", ".join(given) + " as given"] if given else []
    if start is not None and args.init is None and len(start["weights"]) == k:
        if len(given) < 3:
            how.append("the data set's suggested start" + (" for the rest" if given else ""))
        suggested = ds.start_for(k, cov_type)
        if weights is None:
            weights = suggested["weights_init"]
        if means is None:
            means = suggested["means_init"]
        if covariances is None:
            covariances = suggested["covariances_init"]
    init = args.init or "kmeans"
    if weights is None or means is None or covariances is None:
        how.append(f"{'the rest from ' if given else ''}{init} (seed {args.seed})")
    preamble = (
        f"Data: {ds.name}, {n} points (source: {ds.source}). Start: {'; '.join(how)}."
        if ds.source
        else f"Data: {ds.name}, {n} points. Start: {'; '.join(how)}."
    )
    options = {
        "covariance_type": cov_type,
        "reg_covar": args.reg_covar,
        "iterations": args.iterations,
        "init": init,
        "seed": args.seed,
        "weights": weights,
        "means": means,
        "covariances": covariances,
        "fixed": fixed,
        "columns": ds.columns,
    }
    return ds, k, options, preamble


def _solve(args, stdin, stdout):
    ds, k, options, preamble = _prepare(args, stdin)
    solution = worked.solve(ds.X, k, **options)
    if args.format == "csv":
        out = export.history_csv(solution.history, ds.columns)
    elif args.format == "json":
        out = worked.to_json(solution)
    elif args.format == "markdown":
        out = worked.to_markdown(solution, digits=args.digits, preamble=preamble)
    else:
        out = worked.to_text(solution, digits=args.digits, preamble=preamble)
    stdout.write(out)
    stdout.flush()
    return 0


def _animate(args, stdin, stdout):
    # The output's name is checked first: a wrong extension is said before any work.
    fmt = export.animation_format(args.output)
    ds, k, options, _ = _prepare(args, stdin)
    plotting.check_drawable(ds.X.shape[1], "An animation", "choose one or two with --columns")
    if args.iterations is None:
        options.update(iterations=ANIMATE_MAX_ITER, tol=ANIMATE_TOL)
    solution = worked.solve(ds.X, k, **options)
    history = solution.history
    n, d = ds.X.shape
    title = run_title(ds.name, n, k, options["covariance_type"], d)
    # A recorded run shows its whole log-likelihood curve (see export.animate).
    view = plotting.StepView(
        ds.X,
        history,
        size=args.size,
        columns=ds.axis_labels,
        title=title,
        truth=ds.truth,
        whole_run=True,
    )
    path = export.save_animation(view, args.output, fps=args.fps, format=fmt)
    stdout.write(
        f"wrote {path} ({history.n_steps} half-steps, {history.n_iter} iterations"
        f"{', converged' if history.converged else ''})\n"
    )
    stdout.flush()
    return 0


def _one_line(message):
    text = " ".join(str(message).split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _describe_os_error(exc):
    reason = exc.strerror or str(exc)
    if exc.filename:
        return f"cannot read {exc.filename!r}: {reason}"
    return reason


def main(argv=None):
    """Run ``gmm-viz``; return the exit status: 0; 2 after an ``error:`` line (a mistake in
    the input, said in one sentence); 1 after an ``internal error:`` and its traceback (a
    bug of gmm_viz, to report).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).
    """
    stdout, stderr = sys.stdout, sys.stderr
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise _UsageError(
                f"missing command; run '{PROG} solve' or '{PROG} animate' (see '{PROG} --help' "
                "for the options)"
            )
        if args.command == "class":
            from gmm_viz.classroom.launch import launch_class

            return launch_class(args, stdout)
        command = _animate if args.command == "animate" else _solve
        return command(args, sys.stdin, stdout)
    except BrokenPipeError:
        # The reader went away (e.g. '| head'): stop quietly.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except (_UsageError, GMMVizError) as exc:  # the user's input: one sentence
        message = str(exc)
    except OSError as exc:
        message = _describe_os_error(exc)
    except KeyboardInterrupt:
        print("error: interrupted.", file=stderr)
        return 130
    except Exception:  # a bug of gmm_viz, not a mistake of the user: say so, with the trace
        print(
            f"internal error: {PROG} failed on a problem of its own, not of your input; "
            "please report it with the command you ran and this message:",
            file=stderr,
        )
        traceback.print_exc(file=stderr)
        return EXIT_BUG
    print(f"error: {_one_line(message)}", file=stderr)
    return EXIT_USAGE

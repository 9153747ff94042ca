"""What the engine says about a degenerate component: records, worded in one place.

An M-step notes a component that lost (almost) all its points or that collapsed onto a
point or a line. The engine keeps these as :class:`Note` records (what happened, to which
component, with which numbers); each face words them: :func:`describe` gives the sentence
the history, the CLI and the handouts print, and :func:`describe_together` the one line the
explorer shows for several components with the same note.
"""

from __future__ import annotations

from dataclasses import dataclass

EMPTY = "empty"
COLLAPSED = "collapsed"
TIED_COLLAPSED = "tied collapsed"

# What each kind says of its component(s), after "Component 2 has" / "Components 1 and 2
# have", and the advice that follows.
_WHAT = {
    EMPTY: "lost (almost) all {its} points",
    COLLAPSED: "collapsed onto a single point or line",
}
_ADVICE = {
    EMPTY: "{its_weight} shrinking to zero. Try fewer components or another start.",
    COLLAPSED: "{its_variance} almost zero, so {its_likelihood} can grow without bound); "
    "increase reg_covar, use fewer components or try another start.",
}
_TIED = (
    "The shared (tied) covariance has collapsed to almost zero; "
    "increase reg_covar or check that the data have some spread."
)


@dataclass(frozen=True)
class Note:
    """One thing an M-step noticed.

    Attributes
    ----------
    kind : {"empty", "collapsed", "tied collapsed"}
    component : int or None
        The component, counted from 0 (None for the shared, tied, covariance).
    mass : float or None
        N_k, the responsibility mass left to the component (for "empty").
    """

    kind: str
    component: int | None = None
    mass: float | None = None

    def __str__(self):
        return describe(self)


def describe(note):
    """The sentence for one note, e.g. "Component 2 has collapsed onto ..."."""
    return describe_together([note])


def describe_together(notes):
    """One sentence for notes of the same kind about several components, e.g.
    "Components 1, 2 and 5 have collapsed onto a single point or line (their ...)"."""
    kind = notes[0].kind
    if any(note.kind != kind for note in notes):
        raise ValueError("describe_together needs notes of one kind")
    if kind == TIED_COLLAPSED:
        return _TIED
    numbers = [str(note.component + 1) for note in notes]
    one = len(numbers) == 1
    words = {
        "its": "its" if one else "their",
        "its_weight": "its weight is" if one else "their weights are",
        "its_variance": "its variance is" if one else "their variances are",
        "its_likelihood": "its likelihood" if one else "their likelihood",
    }
    if one:
        who = f"Component {numbers[0]} has"
    else:
        who = f"Components {', '.join(numbers[:-1])} and {numbers[-1]} have"
    what = _WHAT[kind].format(**words)
    if kind == EMPTY:
        masses = ", ".join(f"{note.mass:.3g}" for note in notes)
        what += f" (N_k = {masses})"
        return f"{who} {what}; {_ADVICE[kind].format(**words)}"
    return f"{who} {what} ({_ADVICE[kind].format(**words)}"


def merge(notes):
    """Notes grouped by kind, in the order each kind first appears: one list per line."""
    groups = {}
    for note in notes:
        groups.setdefault(note.kind, []).append(note)
    return list(groups.values())

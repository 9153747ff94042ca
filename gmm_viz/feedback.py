"""A checker's verdict as one sentence: what every checked exercise returns.

:class:`Feedback` is true when the student is right. It prints as its sentence and, in a
notebook, shows a mark before it: ✅ right, ❌ not yet, ✏️ not written yet (a function
that still raises ``NotImplementedError``: nothing to judge, so no cross).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Feedback"]


@dataclass(frozen=True)
class Feedback:
    """A checker's verdict: ``correct``, and one sentence for the student.

    ``pending`` marks work not started yet (a stub): not correct, but not wrong either.
    """

    correct: bool
    message: str
    # Not in the repr, so that a verdict reads as it always did in saved notebooks.
    pending: bool = field(default=False, repr=False)

    def __str__(self):
        return self.message

    def __bool__(self):
        return self.correct

    def _repr_markdown_(self):
        mark = "✅" if self.correct else ("✏️" if self.pending else "❌")
        return f"{mark} {self.message}"

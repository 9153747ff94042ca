"""Who may do what in a class: a page sits in a :class:`Seat`, the teacher's or a student's.

The rules, kept here for every page whatever database is behind it:

* only the teacher's seat asks, closes, reveals and exports;
* a student answers only for themselves (their seat carries their identity, made by the
  server: a hub user name, or a random id the browser keeps), only while the question is
  open, and a new answer replaces their old one;
* nobody reads the answers before the question is closed, and a student reads them (and the
  true answer) only after the reveal.

A teacher's seat is given by a token: the server is launched with a secret
(``GMM_VIZ_TEACHER_TOKEN``) and the teacher opens the page with ``?teacher=<secret>``;
:func:`is_teacher` compares in constant time. A student's page never holds the secret.
"""

from __future__ import annotations

import csv
import hmac
import io
import re
from dataclasses import dataclass

from gmm_viz.classroom.questions import ClassroomError, count_close, format_answer, parse_answer

__all__ = ["DEFAULT_CLASS", "PublicQuestion", "Seat", "check_class_code", "is_teacher"]

DEFAULT_CLASS = "class"
_CLASS_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")
# A student's identity is made by the server (a hub user name, which may be any printable
# text, "josé" included, or "browser-" and a random hex id), never typed on the page.
_MAX_STUDENT_ID = 128


def _is_student_id(student):
    return (
        isinstance(student, str)
        and 0 < len(student) <= _MAX_STUDENT_ID
        and student.isprintable()
        and student.strip() == student
    )


def is_teacher(given, secret):
    """Whether the token a page was opened with is the server's teacher secret."""
    if not secret or not given:
        return False
    return hmac.compare_digest(given.encode(), secret.encode())


def check_class_code(code):
    """The class code, checked: letters, digits, - and _, up to 32 characters."""
    code = (code or DEFAULT_CLASS).strip()
    if not _CLASS_CODE.fullmatch(code):
        raise ClassroomError(
            f"{code[:40]!r} is not a class code: use up to 32 letters, digits, - or _."
        )
    return code


@dataclass(frozen=True)
class PublicQuestion:
    """A question as a seat may see it: ``truth`` is None until the seat may know it."""

    id: int
    kind: str
    spec: dict
    status: str
    truth: object = None

    @property
    def text(self):
        return self.spec["text"]


class Seat:
    """One page's place in a class.

    Parameters
    ----------
    store : ClassStore
    class_code : str
    student : str, optional
        The student's identity (a student's seat).
    teacher : bool
        The teacher's seat (its page was opened with the token).
    """

    def __init__(self, store, class_code=DEFAULT_CLASS, *, student=None, teacher=False):
        self.store = store
        self.class_code = check_class_code(class_code)
        if teacher == (student is not None):
            raise ValueError("a seat is either the teacher's or one student's")
        if student is not None and not _is_student_id(student):
            raise ClassroomError("This page's student id is not valid: reload the page.")
        self.student = student
        self.teacher = teacher

    # ------------------------------------------------------------------ both

    def latest(self):
        """The class's latest question as this seat may see it, or None."""
        q = self.store.latest(self.class_code)
        if q is None:
            return None
        known = self.teacher or q.status == "revealed"
        return PublicQuestion(q.id, q.kind, q.spec, q.status, q.truth if known else None)

    def count(self, question_id):
        """How many have answered (anyone may see the count)."""
        self._own(question_id)
        return self.store.count(question_id)

    # ------------------------------------------------------------------ teacher

    def ask(self, spec, truth):
        """Ask the class a question (``spec`` and ``truth`` from
        :func:`~gmm_viz.classroom.questions.make_question`)."""
        self._teacher_only("ask a question")
        q = self.store.ask(self.class_code, spec["kind"], spec, truth)
        return PublicQuestion(q.id, q.kind, q.spec, q.status, q.truth)

    def close(self, question_id):
        """Stop taking answers."""
        self._teacher_only("close a question")
        q = self._own(question_id)
        if not self.store.set_status(question_id, "closed", only_from="open"):
            raise ClassroomError(f"The question is {q.status} already: ask a new one.")

    def reveal(self, question_id):
        """Show the true answer to everyone (after the close)."""
        self._teacher_only("reveal the answer")
        q = self._own(question_id)
        if q.status == "open":
            raise ClassroomError("Close the answers first, then reveal.")
        if not self.store.set_status(question_id, "revealed", only_from="closed"):
            raise ClassroomError("The answer is revealed already: ask a new question.")

    def export_csv(self):
        """Every question of the class, with its answer counts, as CSV text."""
        self._teacher_only("export the answers")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["question", "asked at half-step", "answered by half-step", "kind", "text",
             "status", "answers", "close", "true answer"]
        )  # fmt: skip
        for n, q in enumerate(self.store.questions(self.class_code), start=1):
            answers = self.store.answers(q.id)
            close = count_close(q.spec, [a.value for a in answers], q.truth)
            writer.writerow(
                [n, q.spec["step"], q.spec["reveal_step"], q.kind, q.spec["text"], q.status,
                 len(answers), close, format_answer(q.spec, q.truth)]
            )  # fmt: skip
        return out.getvalue()

    # ------------------------------------------------------------------ answers

    def answer(self, question_id, raw):
        """A student's answer: read, checked, stored (replacing their last). Returns the value.

        Raises
        ------
        ClassroomError
            Not a student's seat, a closed question, or an answer that cannot be read.
        """
        if self.teacher:
            raise ClassroomError("The teacher's page asks; students' pages answer.")
        q = self._own(question_id)
        if q.status != "open":
            raise ClassroomError("This question is closed: your teacher stopped taking answers.")
        value = parse_answer(q.spec, raw)
        if not self.store.answer(question_id, self.student, value):
            raise ClassroomError("This question is closed: your teacher stopped taking answers.")
        return value

    def my_answer(self, question_id):
        """This student's stored answer, or None."""
        if self.teacher:
            return None
        self._own(question_id)
        answer = self.store.answer_of(question_id, self.student)
        return None if answer is None else answer.value

    def answers(self, question_id):
        """Every answer's value: the teacher's once the question is closed, everyone's once
        it is revealed."""
        q = self._own(question_id)
        if q.status == "open" or (not self.teacher and q.status != "revealed"):
            raise ClassroomError("The answers are shown after the question is closed.")
        return [a.value for a in self.store.answers(question_id)]

    # ------------------------------------------------------------------ rules

    def _teacher_only(self, what):
        if not self.teacher:
            raise ClassroomError(f"Only the teacher's page can {what}.")

    def _own(self, question_id):
        q = self.store.question(question_id)
        if q is None or q.class_code != self.class_code:
            raise ClassroomError("That question is not one of this class's: reload the page.")
        return q

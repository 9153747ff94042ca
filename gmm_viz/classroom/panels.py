"""The class's question on the page: the teacher's panel (ask, the live count, close, reveal,
export) and a student's (the question, their answer, what happened).

Both sit over the explorer's picture (:meth:`EMExplorer.add_panel`) and hold it at the
question's half-step until the reveal, so nobody steps ahead to see the answer. Their kernel
looks at the class's database at each heartbeat of the page (:class:`PageLink`); every
database call goes through a :class:`~gmm_viz.classroom.seat.Seat`, which keeps the rules.
A mistake (text for a number, a value off the axis, a closed question) is one sentence next
to the box that caused it.
"""

from __future__ import annotations

import base64
import html
from dataclasses import asdict

import ipywidgets as w

from gmm_viz.classroom.questions import (
    KINDS,
    ClassroomError,
    choices,
    closeness,
    count_close,
    describe_truth,
    format_answer,
    is_close,
    make_question,
)
from gmm_viz.plotting import draw_class_answers, draw_own_guess

__all__ = ["StudentPanel", "TeacherPanel"]

# Data sets of the user's own numbers travel with the question up to this many values.
_MAX_SHARED_VALUES = 20_000

# The count is what the room watches: bigger than the text around it, bigger again on the
# projector.
_PANEL_STYLE = """<style>
.gmm-class-panel { background: #f3f8fc; }
.gmm-class-count b { font-size: 1.35em; }
.gmm-explorer.gmm-projector .gmm-class-count b { font-size: 1.6em; }
.gmm-class-question .widget-html-content { font-size: 1.1em; }
.gmm-class-panel .widget-html-content a { margin-left: 1em; }
/* The panel takes two lines over the picture: the picture gives them back, so that it
   still fits the window (controls.py fits it to 100vh - 170px without a panel). */
.gmm-explorer:has(.gmm-class-panel) :is(.gmm-figure img, img.gmm-figure) {
  max-height: max(calc(100vh - 270px), 360px);
}
</style>"""


def _error_html(text):
    return (
        '<div role="alert" style="border:2px solid #D55E00;background:#fff3ec;'
        f'padding:4px 8px;border-radius:4px;color:#7a2800">{html.escape(text)}</div>'
        if text
        else ""
    )


def question_context(explorer):
    """What a student's page needs to show the run the question is asked on."""
    st = explorer.state
    options = asdict(st.options)
    options["fixed"] = list(options["fixed"])
    if st.data_key in ("pasted", "uploaded"):
        X = st.X
        data = X.ravel().tolist() if X.shape[1] == 1 else X.tolist()
        if X.size > _MAX_SHARED_VALUES:
            data = None  # too big to send with every question: students type their answer
    else:
        data = st.data_key
    return {"data": data, "options": options}


def _axis(explorer):
    ax = explorer.view.ax
    return [ax.get_xlim(), ax.get_ylim()][: explorer.state.X.shape[1]]


class _Panel:
    """What both panels share: the explorer, the seat, the heartbeat, the answers drawn."""

    def __init__(self, explorer, seat, link):
        self.explorer = explorer
        self.seat = seat
        self.link = link
        self.question = None  # the PublicQuestion shown
        self.drawn = None  # the ClassAnswers on the picture
        self.drawn_at = None  # the half-step they belong to
        self.message = w.HTML()
        self.message.add_class("gmm-class-message")
        self._make = None  # draws self.drawn again, on a new figure (another size)
        self._rendered = False  # set by each render (was the picture drawn since?)
        explorer.before_render(self._before_render)
        explorer.state.observe(self._on_size, names="size")

    def _draw(self, values, truth=None):
        q = self.question
        close = None if truth is None else count_close(q.spec, values, truth)
        self._put(
            lambda: draw_class_answers(
                self.explorer.view, q.spec, values, truth=truth, close=close
            )
        )

    def _put(self, make):
        """Draw with ``make()`` what the picture shows of the question (in place of what
        it showed)."""
        self._undraw()
        self._make = make
        self.drawn = make()
        self.drawn_at = None

    def _undraw(self):
        """Take the question's drawing off the picture (shown at the next render); True if
        there was one."""
        if self.drawn is None:
            return False
        self.drawn.remove()
        self.drawn = None
        self._make = None
        return True

    def _on_size(self, change):
        # Projector or screen draws a new figure: the class's answers go onto it too.
        if self.drawn is not None:
            self.drawn = self._make()
            self.explorer.redraw()

    def _before_render(self, step):
        # Answers drawn at a reveal belong to that half-step (and run): stepping on takes
        # them away, in the render of the new step.
        self._rendered = True
        if self.drawn is not None and self.drawn_at is not None:
            if step != self.drawn_at or self.drawn.view is not self.explorer.view:
                self._undraw()

    def _say(self, text):
        self.message.value = _error_html(text)


class TeacherPanel(_Panel):
    """The teacher's page: ask the room at this half-step, watch the count, close, reveal.

    A clicker steps the round while a question is out: Next closes the answers, then
    reveals (EM steps to the half-step that answers it).
    """

    def __init__(self, explorer, seat, link):
        super().__init__(explorer, seat, link)
        self.kind = w.Dropdown(
            options=[(text, kind) for kind, text in KINDS.items()],
            description="Ask the class",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.component = w.BoundedIntText(
            value=1, min=1, max=99, description="component", layout=w.Layout(width="150px"),
            style={"description_width": "initial"},
        )  # fmt: skip
        self.point = w.BoundedIntText(
            value=1, min=1, max=10**9, description="point", layout=w.Layout(width="150px"),
            style={"description_width": "initial"},
        )  # fmt: skip
        self.ask_button = w.Button(description="Ask", button_style="primary")
        self.close_button = w.Button(description="Close", disabled=True)
        self.reveal_button = w.Button(description="Reveal", disabled=True)
        self.status = w.HTML()
        self.status.add_class("gmm-class-status")
        self.export = w.HTML()
        self.ask_button.on_click(lambda _: self.ask())
        self.close_button.on_click(lambda _: self.close())
        self.reveal_button.on_click(lambda _: self.reveal())
        self.kind.observe(lambda _: self._show_fields(), names="value")
        self._count = None
        # Two lines, so that the picture keeps the projector's height: the controls, then
        # the question and its live count.
        ask_row = w.HBox(
            [self.kind, self.component, self.point, self.ask_button, self.close_button,
             self.reveal_button],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )  # fmt: skip
        round_row = w.HBox(
            [self.status, self.export],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        self.widget = w.VBox([w.HTML(_PANEL_STYLE), link, ask_row, round_row, self.message])
        self.widget.add_class("gmm-class-panel")
        self.widget.add_class("gmm-class-teacher")
        self.widget.layout = w.Layout(border="2px solid #0072B2", padding="2px 8px")
        self._show_fields()
        self._resume()

    def _show_fields(self):
        kind = self.kind.value
        self.component.layout.display = "" if kind in ("mean", "beta") else "none"
        self.point.layout.display = "" if kind in ("owner", "beta") else "none"

    def _resume(self):
        """A reloaded page (or a restarted server) finds the question where it was."""
        q = self.seat.latest()
        if q is None or q.status == "revealed":
            self._show_status()
            return
        self.question = q
        context = q.spec.get("context", {})
        if context.get("data") is not None:
            self.explorer.show_run(context["data"], context["options"], q.spec["step"])
        self.explorer.hold(self._why(), on_next=self.advance)
        if q.status == "closed":
            self._draw(self.seat.answers(q.id))
            self.explorer.redraw()
        self._show_status()

    def _why(self):
        return "A question is out: Next closes the answers, then reveals."

    # ------------------------------------------------------------------ the round

    def ask(self):
        """Ask the chosen question at the half-step shown."""
        ex = self.explorer
        if self.question is not None and self.question.status != "revealed":
            self._say("A question is still out: reveal it first, then ask the next.")
            return False
        try:
            spec, truth = make_question(
                self.kind.value, ex.history, ex.state.X, ex.step, axis=_axis(ex),
                component=self.component.value - 1, point=self.point.value - 1,
            )  # fmt: skip
            spec["context"] = question_context(ex)
            self.question = self.seat.ask(spec, truth)
        except ClassroomError as exc:
            self._say(str(exc))
            return False
        self._say("")
        ex.hold(self._why(), on_next=self.advance)
        if self._undraw():  # the last reveal's answers leave the picture
            ex.redraw()
        self._show_status()
        return True

    def close(self):
        """Stop taking answers and draw them on the picture."""
        q = self.question
        try:
            self.seat.close(q.id)
            values = self.seat.answers(q.id)
        except ClassroomError as exc:
            self._say(str(exc))
            return False
        self.question = self.seat.latest()
        self._draw(values)
        self.explorer.redraw()
        self._show_status()
        return True

    def reveal(self):
        """EM steps to the half-step that answers the question, beside the class's answers."""
        q = self.question
        if q is None or q.status != "closed":
            self._say("Close the answers first, then reveal.")
            return False
        try:
            values = self.seat.answers(q.id)
        except ClassroomError as exc:
            self._say(str(exc))
            return False
        # The projector first, then the students' pages: once the database says "revealed",
        # every student's kernel draws at once, and the projector's picture would wait for
        # theirs (7-15 s with 100 students on two cores).
        self._draw(values, truth=q.truth)
        self.explorer.step = q.spec["reveal_step"]  # draws the step with the answers
        self.drawn_at = q.spec["reveal_step"]
        self.explorer.release()
        try:
            self.seat.reveal(q.id)
        except ClassroomError as exc:
            self._say(str(exc))
            return False
        self.question = self.seat.latest()
        self._show_status(values)
        return True

    def advance(self):
        """The clicker's Next while a question is out: close, then reveal."""
        if self.question is None:
            return
        if self.question.status == "open":
            self.close()
        elif self.question.status == "closed":
            self.reveal()

    def tick(self):
        """The heartbeat: the live count of answers."""
        q = self.question
        if q is None or q.status != "open":
            return
        try:
            count = self.seat.count(q.id)
        except ClassroomError as exc:
            self._say(str(exc))
            return
        if count != self._count:
            self._show_status(count=count)

    def _show_status(self, values=None, count=None):
        q = self.question
        self.close_button.disabled = q is None or q.status != "open"
        self.reveal_button.disabled = q is None or q.status != "closed"
        self.ask_button.disabled = q is not None and q.status != "revealed"
        if q is None:
            self.status.value = "<i>No question yet: choose one and press Ask.</i>"
            self._count = None
            return
        if count is None:
            count = self.seat.count(q.id)
        self._count = count
        said = {
            "open": "answering",
            "closed": "closed (Next reveals)",
            "revealed": "revealed",
        }[q.status]
        text = (
            f"<b>{html.escape(q.text)}</b> — <span class='gmm-class-count'>"
            f"<b>{count}</b> answered</span> · {said}"
        )
        if q.status == "revealed" and values is not None:
            close = count_close(q.spec, values, q.truth)
            share = f"{close} of {len(values)} close" if values else "no answers"
            text += f" · {html.escape(describe_truth(q.spec, q.truth))}: {share}"
        self.status.value = text
        data = base64.b64encode(self.seat.export_csv().encode()).decode()
        self.export.value = (
            f'<a download="class-questions.csv" href="data:text/csv;base64,{data}">'
            "⬇ questions and counts (CSV)</a>"
        )


class StudentPanel(_Panel):
    """A student's page: the class's question, their answer (changeable until the close),
    then the class's answers and what EM did."""

    def __init__(self, explorer, seat_for, link):
        """``seat_for(student_id)`` makes this page's seat once the browser's id is known
        (a hub user's seat can be made at once: pass ``seat_for`` returning it)."""
        super().__init__(explorer, None, link)
        self._seat_for = seat_for
        self.text = w.HTML("<i>Your teacher's questions appear here.</i>")
        self.text.add_class("gmm-class-question")
        # Enter (or leaving the box) sends what was typed, as the Send button does.
        self.box = w.Text(
            placeholder="your answer", continuous_update=False, layout=w.Layout(width="220px")
        )
        self.box.add_class("gmm-class-answer")
        self.send_button = w.Button(description="Send", button_style="primary")
        self.choice = w.ToggleButtons(options=[], value=None)
        self.choice.add_class("gmm-class-choice")
        self.status = w.HTML()
        self.status.add_class("gmm-class-status")
        self.send_button.on_click(lambda _: self.send(self.box.value))
        self.box.observe(self._on_typed, names="value")
        self._filling = False
        self.choice.observe(self._on_choice, names="value")
        self._setting_choice = False
        self.inputs = w.HBox(
            [self.box, self.send_button, self.choice],
            layout=w.Layout(flex_flow="row wrap", align_items="center", display="none"),
        )
        self.widget = w.VBox(
            [w.HTML(_PANEL_STYLE), link, self.text, self.inputs, self.message, self.status]
        )
        self.widget.add_class("gmm-class-panel")
        self.widget.add_class("gmm-class-student")
        self.widget.layout = w.Layout(border="2px solid #0072B2", padding="2px 8px")

    # ------------------------------------------------------------------ the heartbeat

    def tick(self):
        """Look for a new question, a close, a reveal."""
        if self.seat is None:
            self.seat = self._seat_for(self.link.browser_id)
            if self.seat is None:
                return  # the browser has not said who it is yet
        try:
            q = self.seat.latest()
        except ClassroomError as exc:
            self._say(str(exc))
            return
        if q is None:
            return
        old = self.question
        if old is None or old.id != q.id:
            self._new_question(q)
        elif old.status != q.status:
            self.question = q
            self._new_status()

    def _new_question(self, q):
        self.question = q
        removed = self._undraw()
        self._say("")
        self._fill("")
        # The question's words first: the picture's render that follows takes a while when a
        # whole class's kernels make theirs at the same moment.
        self.text.value = f"<b>Question:</b> {html.escape(q.text)}"
        offered = choices(q.spec)
        self._setting_choice = True
        self.choice.options = offered or []
        self.choice.value = None
        self._setting_choice = False
        self.choice.layout.display = "" if offered else "none"
        self.box.layout.display = "none" if offered else ""
        self.send_button.layout.display = "none" if offered else ""
        self.inputs.layout.display = ""
        context = q.spec.get("context", {})
        self._rendered = False
        if q.status != "revealed" and context.get("data") is not None:
            self.explorer.show_run(context["data"], context["options"], q.spec["step"])
        if removed and not self._rendered:
            # Asked at the half-step the last reveal showed: nothing moved, but that
            # reveal's answers must leave the picture.
            self.explorer.redraw()
        mine = self.seat.my_answer(q.id)
        if mine is not None:
            self._show_mine(mine)
        else:
            self.status.value = ""
        self._new_status()

    def _new_status(self):
        q = self.question
        ex = self.explorer
        open_ = q.status == "open"
        for widget in (self.box, self.send_button, self.choice):
            widget.disabled = not open_
        self.link.catch_clicks = open_ and q.kind == "mean"
        if q.status == "revealed":
            self._show_result()  # the words first: the picture waits for a render
            values = self.seat.answers(q.id)
            self._draw(values, truth=q.truth)
            if ex.step != q.spec["reveal_step"]:
                ex.step = q.spec["reveal_step"]
            else:
                ex.redraw()
            self.drawn_at = q.spec["reveal_step"]
            ex.release()  # stepping on once the revealed step is on the page
            return
        ex.hold("The class is answering a question at this half-step: the next one shows "
                "when your teacher reveals it.")  # fmt: skip
        if q.status == "closed":
            mine = self.seat.my_answer(q.id)
            self.status.value = (
                "Answers are closed. "
                + (f"Your answer: <b>{html.escape(format_answer(q.spec, mine))}</b>." if mine
                   is not None else "You did not answer this one.")
            )  # fmt: skip

    # ------------------------------------------------------------------ answering

    def send(self, raw):
        """Send an answer (text, a choice's value, or coordinates from a click)."""
        q = self.question
        if q is None or self.seat is None:
            self._say("There is no question to answer yet.")
            return False
        try:
            value = self.seat.answer(q.id, raw)
        except ClassroomError as exc:
            self._say(str(exc))
            return False
        self._say("")
        self._show_mine(value)
        return True

    def click(self, fx, fy):
        """A click on the picture: the mean's new place, if it fell on the axes."""
        q = self.question
        if q is None or q.status != "open" or q.kind != "mean":
            return
        where = self.explorer.view.data_at(fx, fy)
        if where is None:
            self._say("That click was outside the picture's axes: click inside them.")
            return
        self._fill(", ".join(f"{v:.4g}" for v in where))
        self.send(list(where))

    def _fill(self, text):
        """Write into the box without sending it (a click's coordinates, a new question)."""
        self._filling = True
        try:
            self.box.value = text
        finally:
            self._filling = False

    def _on_typed(self, change):
        if not self._filling and change["new"].strip():
            self.send(change["new"])

    def _on_choice(self, change):
        if not self._setting_choice and change["new"] is not None:
            self.send(change["new"])

    def _show_mine(self, value):
        q = self.question
        self.status.value = (
            f"Your answer: <b>{html.escape(format_answer(q.spec, value))}</b>, sent. "
            "You can change it until your teacher closes the question."
        )
        if choices(q.spec):
            self._setting_choice = True
            self.choice.value = value
            self._setting_choice = False
        if q.kind == "mean" and q.status != "revealed":
            # The guess on the picture, where the eye is: a click shows what it sent (after
            # the words, which need no render).
            self._put(lambda: draw_own_guess(self.explorer.view, q.spec, value))
            self.explorer.redraw()

    def _show_result(self):
        q = self.question
        mine = self.seat.my_answer(q.id)
        truth = html.escape(describe_truth(q.spec, q.truth))
        if mine is None:
            verdict = "You did not answer this one."
        elif is_close(q.spec, mine, q.truth):
            verdict = f"Yours, {html.escape(format_answer(q.spec, mine))}, was close ✔"
        else:
            verdict = (
                f"Yours was {html.escape(format_answer(q.spec, mine))}: not close "
                f"(close means {html.escape(closeness(q.spec))})."
            )
        self.status.value = f"<b>Revealed:</b> {truth}. {verdict}"

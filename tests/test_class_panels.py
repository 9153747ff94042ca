"""The class's panels in a kernel (no browser): the teacher's and students' pages over one
SQLite file, every kind of question, the explorer held until the reveal, the truth read from
the run, bad input answered where it was typed (gmm_viz.classroom)."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_viz.classroom import join_class
from gmm_viz.classroom.panels import StudentPanel, TeacherPanel
from gmm_viz.classroom.questions import ClassroomError, is_close, make_question
from gmm_viz.widgets import EMExplorer

SECRET = "a-teacher-secret"


@pytest.fixture
def env(tmp_path):
    return {"GMM_VIZ_TEACHER_TOKEN": SECRET, "GMM_VIZ_CLASS_DB": str(tmp_path / "c.sqlite3")}


def _class(env, n_students=2, data="toy"):
    teacher = join_class(EMExplorer(data), env, query=f"teacher={SECRET}")
    students = [join_class(EMExplorer(data), env, query="") for _ in range(n_students)]
    for i, s in enumerate(students):
        s.link.browser_id = f"{i:032x}"
        s.tick()
    return teacher, students


def _ask(teacher, kind, step, **fields):
    teacher.explorer.step = step
    teacher.kind.value = kind
    for name, value in fields.items():
        getattr(teacher, name).value = value
    assert teacher.ask(), teacher.message.value


def test_no_class_without_the_teachers_secret_at_launch():
    explorer = EMExplorer("toy")
    before = len(explorer.widget.children)
    assert join_class(explorer, {}, query="teacher=anything") is None
    assert len(explorer.widget.children) == before


def test_the_secret_makes_the_teacher_and_anything_else_a_student(env):
    assert isinstance(join_class(EMExplorer("toy"), env, query=f"teacher={SECRET}"), TeacherPanel)
    assert isinstance(join_class(EMExplorer("toy"), env, query="teacher=guess"), StudentPanel)
    assert isinstance(join_class(EMExplorer("toy"), env, query=""), StudentPanel)


def test_a_bad_class_code_is_said_over_the_picture(env):
    explorer = EMExplorer("toy")
    assert join_class(explorer, env, query="class=a%20b") is None
    (box,) = [c for c in explorer.widget.children if "gmm-class-panel" in c._dom_classes]
    assert "is not a class code" in box.value


def test_students_are_held_at_the_questions_step_until_the_reveal(env):
    teacher, (ana, ben) = _class(env)
    _ask(teacher, "mean", 1, component=2)
    for s in (ana, ben):
        s.tick()
        assert s.explorer.step == 1 and s.explorer.held
        s.explorer._nudge(+1)  # a key press: no step, a sentence
        assert s.explorer.step == 1
        assert "when your teacher reveals it" in s.explorer.message
        assert s.explorer.controls.next_button.disabled
    ana.send("2.3")
    teacher.advance()  # the clicker: close
    assert teacher.question.status == "closed" and teacher.drawn is not None
    # Projector size draws a new figure: the answers are drawn onto it too.
    assert teacher.explorer.set_size("projector")
    assert teacher.drawn.artists[0].axes is teacher.explorer.view.ax
    teacher.advance()  # and reveal: EM steps to the M-step
    assert teacher.explorer.step == 2 and not teacher.explorer.held
    ana.tick()
    assert ana.explorer.step == 2 and not ana.explorer.held
    truth = teacher.explorer.history.params(2).means[1]
    assert ana.question.truth == pytest.approx(list(truth), abs=1e-12)
    assert "μ₂ went to" in ana.status.value
    # Stepping on takes the answers off the picture.
    teacher.explorer.step = 3
    assert teacher.drawn is None


def test_owner_loglik_and_beta_rounds_with_the_truth_of_the_run(env):
    teacher, (ana, ben) = _class(env)
    ex = teacher.explorer
    _ask(teacher, "owner", 2, point=4)  # after M-step 1: owner at E-step 2
    resp = ex.history.responsibilities(3, ex.state.X)
    assert teacher.question.truth == int(np.argmax(resp[3]))
    ana.tick()
    assert [v for _, v in ana.choice.options] == [0, 1]
    ana.choice.value = teacher.question.truth  # a click on the choice sends it
    ben.tick()
    ben.choice.value = 1 - teacher.question.truth
    teacher.tick()
    assert "<b>2</b> answered" in teacher.status.value
    teacher.advance()
    teacher.advance()
    assert "1 of 2 close" in teacher.status.value
    # Asked at an M-step, the next half-step is an E-step: the log-likelihood stays (the
    # parameters do not move); asked at an E-step, the M-step raises it.
    _ask(teacher, "loglik", 4)
    assert teacher.question.truth == "same"
    assert teacher.close() and teacher.reveal()
    _ask(teacher, "loglik", 5)
    assert teacher.question.truth == "up"
    assert teacher.close() and teacher.reveal()
    _ask(teacher, "beta", 4, point=2, component=1)
    ana.tick()
    assert not ana.send("1.5") and "between 0 and 1" in ana.message.value
    assert ana.send("0.6")
    beta = ex.history.responsibilities(5, ex.state.X)[1, 0]
    assert teacher.question.truth == pytest.approx(beta, abs=1e-15)


def test_a_click_on_a_2d_picture_answers_with_the_point_under_it(env):
    teacher, (ana,) = _class(env, 1, data="faithful")
    _ask(teacher, "mean", 0, component=1)
    ana.tick()
    view = ana.explorer.view
    bbox = view.ax.get_window_extent()
    w, h = view.figure.canvas.get_width_height()
    fx, fy = (bbox.x0 + 0.5 * bbox.width) / w, 1 - (bbox.y0 + 0.5 * bbox.height) / h
    ana.click(fx, fy)
    sent = ana.seat.my_answer(ana.question.id)
    (x0, x1), (y0, y1) = view.ax.get_xlim(), view.ax.get_ylim()
    assert sent == pytest.approx([(x0 + x1) / 2, (y0 + y1) / 2], rel=0.01)
    ana.click(0.001, 0.001)  # the figure's corner, off the axes
    assert "outside the picture" in ana.message.value
    assert ana.seat.my_answer(ana.question.id) == sent  # nothing changed


def test_a_question_on_pasted_numbers_reaches_the_students_picture(env):
    teacher, (ana,) = _class(env, 1)
    assert teacher.explorer.load_text("1 1.2 0.8 5 5.5 4.8 5.1")
    _ask(teacher, "mean", 1, component=1)
    ana.tick()
    assert ana.explorer.state.X.shape == (7, 1)
    assert ana.explorer.history.params(2).means[0] == pytest.approx(
        teacher.explorer.history.params(2).means[0]
    )


def test_a_teacher_page_opened_again_finds_the_open_question_and_its_count(env):
    teacher, (ana, ben) = _class(env)
    _ask(teacher, "mean", 1)
    ana.tick(), ben.tick()
    ana.send("1.5"), ben.send("1.1")
    again = join_class(EMExplorer("toy"), env, query=f"teacher={SECRET}")  # reload/restart
    assert again.question.id == teacher.question.id
    assert again.explorer.step == 1 and again.explorer.held
    assert "<b>2</b> answered" in again.status.value
    assert not again.ask()
    assert "reveal it first" in again.message.value


def test_a_question_with_no_step_after_it_is_refused_in_a_sentence(env):
    teacher, _ = _class(env, 0)
    last = teacher.explorer.n_steps - 1
    teacher.explorer.step = last
    teacher.kind.value = "mean"
    assert not teacher.ask()
    assert f"The run ends at half-step {last}" in teacher.message.value
    assert teacher.question is None


def test_close_means_five_percent_of_the_axis_for_a_mean():
    from gmm_viz import GaussianMixtureEM, datasets

    X = datasets.toy().X
    run = GaussianMixtureEM(2, random_state=0).fit(X).history_
    spec, truth = make_question("mean", run, X, 0, axis=[(0.0, 10.0)])
    assert is_close(spec, [truth[0] + 0.49], truth)
    assert not is_close(spec, [truth[0] + 0.51], truth)
    with pytest.raises(ClassroomError, match="no component 3"):
        make_question("mean", run, X, 0, axis=[(0.0, 10.0)], component=2)


def test_a_question_at_the_revealed_half_step_takes_the_last_answers_off_the_picture(env):
    teacher, (ana,) = _class(env, 1)
    _ask(teacher, "mean", 1)
    ana.tick()
    ana.send("1.4")
    teacher.advance(), teacher.advance()  # close, reveal: half-step 2
    ana.tick()
    assert ana.drawn is not None and ana.explorer.step == 2
    shown = ana.explorer.controls.image.value
    _ask(teacher, "owner", 2, point=1)  # the next question, where the reveal left off
    ana.tick()
    assert ana.drawn is None and ana.explorer.step == 2
    assert ana.explorer.controls.image.value != shown  # drawn again, without them

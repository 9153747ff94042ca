"""The class's questions and answers, on SQLite and on a real PostgreSQL server: the same tests
for both (gmm_viz.classroom.store and .seat)."""

from __future__ import annotations

import threading

import pytest

from gmm_viz import GaussianMixtureEM, datasets
from gmm_viz.classroom.questions import ClassroomError, make_question
from gmm_viz.classroom.seat import Seat, check_class_code, is_teacher
from gmm_viz.classroom.store import ClassStore

X = datasets.toy().X
RUN = GaussianMixtureEM(2, init_params="random", random_state=0).fit(X).history_
AXIS = [(-1.0, 5.0)]


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    if request.param == "sqlite":
        return tmp_path / "runtime" / "class.sqlite3"
    url = request.getfixturevalue("postgres_url")
    # A fresh schema per test: drop what the last test left.
    store = ClassStore(url)
    store._execute("DROP TABLE IF EXISTS answers")
    store._execute("DROP TABLE IF EXISTS questions")
    store.close()
    return url


def _mean_question(step=0):
    return make_question("mean", RUN, X, step, axis=AXIS, component=0)


def test_a_round_teacher_asks_students_answer_close_reveal(location):
    store = ClassStore(location)
    teacher = Seat(store, teacher=True)
    ana, ben = Seat(store, student="ana"), Seat(store, student="ben")
    q = teacher.ask(*_mean_question())
    assert ana.latest().text.startswith("Where will μ₁ be after the next M-step?")
    assert ana.latest().truth is None  # not before the reveal
    assert ana.answer(q.id, "1.5") == [1.5]
    assert ana.answer(q.id, [1.25]) == [1.25]  # changed: the last answer counts
    ben.answer(q.id, "2")
    assert teacher.count(q.id) == ana.count(q.id) == 2
    assert ana.my_answer(q.id) == [1.25]
    with pytest.raises(ClassroomError, match="after the question is closed"):
        teacher.answers(q.id)
    teacher.close(q.id)
    with pytest.raises(ClassroomError, match="closed"):
        ben.answer(q.id, "3")
    assert sorted(teacher.answers(q.id)) == [[1.25], [2.0]]
    with pytest.raises(ClassroomError, match="after the question is closed"):
        ana.answers(q.id)  # a student sees them only after the reveal
    teacher.reveal(q.id)
    assert ana.latest().truth == pytest.approx(list(RUN.params(2).means[0]), abs=1e-12)
    assert sorted(ana.answers(q.id)) == [[1.25], [2.0]]
    csv = teacher.export_csv().splitlines()
    assert csv[0].startswith("question,asked at half-step,answered by half-step,kind")
    assert csv[1].startswith("1,0,2,mean,")
    assert ",revealed,2," in csv[1]
    store.close()


def test_only_the_teacher_asks_closes_reveals_and_exports(location):
    store = ClassStore(location)
    teacher, ana = Seat(store, teacher=True), Seat(store, student="ana")
    with pytest.raises(ClassroomError, match="Only the teacher's page can ask"):
        ana.ask(*_mean_question())
    q = teacher.ask(*_mean_question())
    for action, word in ((ana.close, "close"), (ana.reveal, "reveal")):
        with pytest.raises(ClassroomError, match=f"Only the teacher's page can {word}"):
            action(q.id)
    with pytest.raises(ClassroomError, match="export"):
        ana.export_csv()
    with pytest.raises(ClassroomError, match="students' pages answer"):
        teacher.answer(q.id, "1")
    with pytest.raises(ClassroomError, match="Close the answers first"):
        teacher.reveal(q.id)
    assert ana.latest().status == "open"


def test_bad_answers_are_refused_in_one_sentence_and_store_nothing(location):
    store = ClassStore(location)
    teacher, ana = Seat(store, teacher=True), Seat(store, student="ana")
    q = teacher.ask(*_mean_question())
    bad = {
        "abc": "'abc' is not a number: type the mean, for example 1.25.",
        "1,5": "Write the mean with a decimal point, 1.5, not 1,5.",
        "nan": "nan is not a finite number",
        "7": "7 is off the picture: its x runs from -1 to 5; give a value in that range.",
    }
    for raw, sentence in bad.items():
        with pytest.raises(ClassroomError) as err:
            ana.answer(q.id, raw)
        assert str(err.value).startswith(sentence)
        assert str(err.value).count(". ") + str(err.value).count("; ") <= 1
    assert teacher.count(q.id) == 0
    owner = teacher.ask(*make_question("owner", RUN, X, 0, axis=AXIS, point=3))
    with pytest.raises(ClassroomError, match="There is no component 3: choose 1 to 2"):
        ana.answer(owner.id, 2)
    beta = teacher.ask(*make_question("beta", RUN, X, 0, axis=AXIS, point=3, component=1))
    with pytest.raises(ClassroomError, match="cannot be a responsibility"):
        ana.answer(beta.id, "1.2")
    # An earlier question of the class was closed by the new one.
    with pytest.raises(ClassroomError, match="closed"):
        ana.answer(q.id, "1")


def test_two_classes_on_one_server_never_mix(location):
    store = ClassStore(location)
    a, b = Seat(store, "room-a", teacher=True), Seat(store, "room-b", teacher=True)
    qa = a.ask(*_mean_question())
    assert b.latest() is None
    student_b = Seat(store, "room-b", student="ana")
    with pytest.raises(ClassroomError, match="not one of this class's"):
        student_b.answer(qa.id, "1")
    with pytest.raises(ClassroomError, match="not a class code"):
        check_class_code("room a; drop table")


def test_a_hub_name_of_any_script_is_a_student_and_control_characters_are_not(location):
    store = ClassStore(location)
    q = Seat(store, teacher=True).ask(*_mean_question())
    assert Seat(store, student="josé").answer(q.id, "1.5") == [1.5]
    assert Seat(store, student="李雷").answer(q.id, "1.6") == [1.6]
    assert store.count(q.id) == 2
    for bad in ("", "a\nb", " padded", "x" * 129):
        with pytest.raises(ClassroomError, match="student id is not valid"):
            Seat(store, student=bad)


def test_the_teacher_token_is_compared_exactly():
    assert is_teacher("s3cret-token", "s3cret-token")
    assert not is_teacher("s3cret-tokem", "s3cret-token")
    assert not is_teacher("", "s3cret-token")
    assert not is_teacher("anything", "")  # no secret at launch: nobody is the teacher


def test_answers_survive_a_new_connection_as_after_a_restart(location):
    store = ClassStore(location)
    teacher = Seat(store, teacher=True)
    q = teacher.ask(*_mean_question())
    Seat(store, student="ana").answer(q.id, "1.5")
    store.close()
    again = ClassStore(location)  # the server restarted: a new kernel, a new connection
    assert Seat(again, teacher=True).latest().status == "open"
    assert Seat(again, student="ana").my_answer(q.id) == [1.5]
    assert again.count(q.id) == 1


def test_many_students_at_once_each_counted_once_and_none_after_the_close(location):
    """60 students (each its own connection, as each kernel has) answer twice at once while
    the teacher closes the question: every answer stored before the close is counted once,
    and none is stored after it."""
    setup = ClassStore(location)
    teacher = Seat(setup, teacher=True)
    q = teacher.ask(*_mean_question())
    stored, errors = [], []
    go = threading.Barrier(61)

    def student(i):
        store = ClassStore(location)
        seat = Seat(store, student=f"s{i}")
        go.wait()
        for value in ("1.0", str(1 + i / 100)):
            try:
                seat.answer(q.id, value)
                stored.append(i)
            except ClassroomError as exc:  # closed meanwhile
                errors.append(str(exc))
        store.close()

    threads = [threading.Thread(target=student, args=(i,)) for i in range(60)]
    for t in threads:
        t.start()
    go.wait()
    teacher.close(q.id)
    at_close = setup.count(q.id)
    for t in threads:
        t.join()
    assert all("closed" in e for e in errors)
    assert setup.count(q.id) == at_close == len(set(stored))  # nothing slipped in after
    assert len(stored) + len(errors) == 120

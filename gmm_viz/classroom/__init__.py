"""The class predicts together: a teacher asks the room at a half-step, every student's page
answers, the projector shows what the room thinks, then EM shows what happens.

Rooms: :mod:`~gmm_viz.classroom.store` (the database every kernel of a server shares: SQLite
or PostgreSQL), :mod:`~gmm_viz.classroom.questions` (the kinds of question, their truth from
the run, how an answer is read and judged), :mod:`~gmm_viz.classroom.seat` (who may do what:
the teacher's token, a student's identity), and the pages' widgets.
"""

from gmm_viz.classroom.join import join_class
from gmm_viz.classroom.questions import KINDS, ClassroomError
from gmm_viz.classroom.seat import Seat
from gmm_viz.classroom.store import ClassStore

__all__ = ["KINDS", "ClassStore", "ClassroomError", "Seat", "join_class"]

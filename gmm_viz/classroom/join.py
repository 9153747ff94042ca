"""A page joins its class: the teacher's panel or a student's, over the explorer.

The server decides whether there is a class at all, by its environment at launch
(``gmm-viz class`` sets it; any kernel of the server inherits it):

``GMM_VIZ_TEACHER_TOKEN``
    The teacher's secret. Without it (the plain launch command) pages have no class panel.
``GMM_VIZ_CLASS_DB``
    A SQLite file or a ``postgresql://`` URL; by default ``gmm-viz-class.sqlite3`` in
    Jupyter's runtime folder (outside the repository; kept across restarts).
``GMM_VIZ_CLASS_SERVICE_URL``
    Under JupyterHub: the hub's class service, which holds the database; the page is then
    the hub user's, and the service says whether they are a teacher.

A page's address says who it is: ``?teacher=<secret>`` for the teacher's page, and
``?class=<code>`` when several classes share one server (default: one class).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs

from gmm_viz.classroom.page_link import PageLink
from gmm_viz.classroom.panels import StudentPanel, TeacherPanel
from gmm_viz.classroom.questions import ClassroomError
from gmm_viz.classroom.seat import Seat, check_class_code, is_teacher
from gmm_viz.classroom.store import ClassStore

__all__ = ["default_database", "join_class", "page_query"]

# How often pages look at the class's database. The teacher's count is what the room watches
# (within a second); a student's page needs only notice a question, a close or a reveal,
# and a class's ticks cost the server: 100 students at 1 s took 23 % of two cores idle.
TEACHER_TICK_MS = 500
STUDENT_TICK_MS = 2000


def default_database():
    """The class's SQLite file when none is configured: in Jupyter's runtime folder."""
    from jupyter_core.paths import jupyter_runtime_dir

    return Path(jupyter_runtime_dir()) / "gmm-viz-class.sqlite3"


def page_query(environ=None):
    """The page's query string: under Voila, the one the page was requested with (a
    preheated kernel waits here for its page); elsewhere the environment's, if any."""
    environ = os.environ if environ is None else environ
    if "VOILA_KERNEL_ID" in environ and environ is os.environ:
        from voila.utils import get_query_string

        return get_query_string() or ""
    return environ.get("QUERY_STRING", "")


def join_class(explorer, environ=None, query=None):
    """Put this page's class panel over ``explorer``; None when the server has no class.

    Parameters
    ----------
    explorer : EMExplorer
    environ : mapping, optional
        The server's settings (default ``os.environ``).
    query : str, optional
        The page's query string (default :func:`page_query`).

    Returns
    -------
    TeacherPanel, StudentPanel or None
    """
    environ = os.environ if environ is None else environ
    service = environ.get("GMM_VIZ_CLASS_SERVICE_URL")
    secret = environ.get("GMM_VIZ_TEACHER_TOKEN", "")
    if not service and not secret:
        return None
    params = parse_qs(page_query(environ) if query is None else query)
    try:
        code = check_class_code(params.get("class", [""])[0])
    except ClassroomError as exc:
        return _broken(explorer, str(exc))
    if service:
        return _join_hub(explorer, service, code, environ)
    try:
        store = ClassStore(environ.get("GMM_VIZ_CLASS_DB") or default_database())
    except Exception as exc:  # any driver's error: said in one sentence, the app still works
        return _broken(explorer, f"The class's answers cannot be reached just now ({exc}).")
    teacher = is_teacher(params.get("teacher", [""])[0], secret)
    if teacher:
        panel = _teacher(explorer, Seat(store, code, teacher=True))
    else:

        def seat_for(student_id):
            return Seat(store, code, student=f"browser-{student_id}") if student_id else None

        link = PageLink(on_tick=lambda: panel.tick(), on_click=lambda x, y: panel.click(x, y))
        link.wants_id = True
        link.resume_teacher = True  # the teacher's tab, reloaded, goes back to teacher mode
        link.interval_ms = STUDENT_TICK_MS
        panel = StudentPanel(explorer, seat_for, link)
    explorer.add_panel(panel.widget)
    return panel


def _teacher(explorer, seat):
    link = PageLink(
        on_tick=lambda: panel.tick(), scrub_param="teacher", interval_ms=TEACHER_TICK_MS
    )
    panel = TeacherPanel(explorer, seat, link)
    return panel


def _join_hub(explorer, service, code, environ):
    from gmm_viz.classroom.remote_seat import RemoteSeat

    try:
        seat = RemoteSeat(service, code, token=environ.get("JUPYTERHUB_API_TOKEN", ""))
    except ClassroomError as exc:
        return _broken(explorer, str(exc))
    if seat.teacher:
        panel = _teacher(explorer, seat)
    else:
        link = PageLink(on_tick=lambda: panel.tick(), on_click=lambda x, y: panel.click(x, y))
        link.interval_ms = STUDENT_TICK_MS
        panel = StudentPanel(explorer, lambda _id: seat, link)
    explorer.add_panel(panel.widget)
    return panel


def _broken(explorer, sentence):
    import ipywidgets as w

    from gmm_viz.classroom.panels import _error_html

    box = w.HTML(_error_html(sentence))
    box.add_class("gmm-class-panel")
    explorer.add_panel(box)
    return None

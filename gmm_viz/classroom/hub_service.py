"""The class's answers under JupyterHub: a hub service that owns the database and knows who calls.

Under plain Voila each page's kernel holds a :class:`~gmm_viz.classroom.seat.Seat` over the
database itself, which is safe because students cannot run code there. Under JupyterHub they
have JupyterLab: a kernel holding the database could write anyone's answer or read the truth
before the reveal. So there the database belongs to this service, a process the hub starts
(``c.JupyterHub.services`` in deploy/jupyterhub/jupyterhub_config.py). A kernel calls it with
its server's token (``$JUPYTERHUB_API_TOKEN``, see :mod:`~gmm_viz.classroom.remote_seat`); the
service asks the hub whose token it is and whether it may use this service, then puts the
request through a Seat, so the rules are the same as under Voila:

* the teacher is a hub admin or a name listed in ``$GMM_VIZ_HUB_TEACHERS`` (comma-separated);
* anyone else is a student whose identity is their hub user name (never a name they send).

Endpoints, under ``$JUPYTERHUB_SERVICE_PREFIX`` (``/services/gmm-viz-class/``), each with
``?class=<code>`` (default ``class``); JSON in (POST bodies) and out:

==========================  ======================  ======================================
request                     body                    answer
==========================  ======================  ======================================
``GET whoami``                                      ``{"user": name, "teacher": bool}``
``GET latest``                                      ``{"question": question or null}``
``GET count?question=id``                           ``{"count": int}``
``POST ask``                ``{"spec", "truth"}``   ``{"question": question}``
``POST close``              ``{"question": id}``    ``{}``
``POST reveal``             ``{"question": id}``    ``{}``
``GET export``                                      ``{"csv": text}``
``POST answer``             ``{"question", "raw"}`` ``{"value": the answer as read}``
``GET my_answer?question=``                         ``{"value": answer or null}``
``GET answers?question=``                           ``{"answers": [value, ...]}``
==========================  ======================  ======================================

A question is ``{"id", "kind", "spec", "status", "truth"}`` (a
:class:`~gmm_viz.classroom.seat.PublicQuestion`). A :class:`ClassroomError` answers HTTP 400
with ``{"error": "<its sentence>"}``; a call without a hub token allowed to use the service,
403. ``GET`` of the prefix itself answers anyone (the hub checks its services are up).

Environment: ``GMM_VIZ_CLASS_DB`` (a SQLite path or a ``postgresql://`` URL; the hub's config
gives ``class-answers.sqlite`` in its runtime folder, and without it the service uses
``gmm-viz-class.sqlite`` in its working folder), ``GMM_VIZ_HUB_TEACHERS``, and what the hub
gives every service it starts (``JUPYTERHUB_SERVICE_URL``, ``JUPYTERHUB_SERVICE_PREFIX``,
``JUPYTERHUB_API_URL``, ``JUPYTERHUB_API_TOKEN``...).

Run by the hub as ``python -m gmm_viz.classroom.hub_service``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import re
import signal
import sys
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuth
from tornado import httpserver, web

from gmm_viz.classroom.questions import KINDS, ClassroomError
from gmm_viz.classroom.seat import Seat
from gmm_viz.classroom.store import ClassStore

__all__ = ["ENDPOINTS", "SeatHandler", "make_app", "main", "teachers_from", "is_teacher_user"]

DEFAULT_DB = "gmm-viz-class.sqlite"
# A question's spec is a few hundred bytes; nothing a page sends comes near this.
MAX_BODY_BYTES = 256 * 1024
# What every question made by make_question carries, and what export_csv reads back.
_SPEC_KEYS = {"kind", "step", "reveal_step", "d", "n_components", "axis", "text"}

log = logging.getLogger("gmm_viz.classroom.hub_service")


def teachers_from(text):
    """The teachers' hub names from ``$GMM_VIZ_HUB_TEACHERS`` (comma-separated), lowercased
    as the hub's authenticators normalise them."""
    return frozenset(n.strip().lower() for n in (text or "").split(",") if n.strip())


def is_teacher_user(model, teachers):
    """Whether the hub user of ``model`` (the hub's answer for a token) is a teacher: a hub
    admin, or a name in ``teachers``."""
    return bool(model.get("admin")) or model["name"].lower() in teachers


# ---------------------------------------------------------------------- the endpoints


def _question_id(value):
    """A question id from a query string ("3") or a JSON body (3)."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    # Below 2**63: what the databases' integers hold.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    raise ClassroomError(f"{str(value)[:20]!r} is not a question number: reload the page.")


def _spec(value):
    """A question's spec, checked enough that the export can always read it back."""
    if not isinstance(value, dict) or value.get("kind") not in KINDS or _SPEC_KEYS - set(value):
        raise ClassroomError("That is not a question: make it with make_question, then ask it.")
    return value


def _answer(seat, args):
    # A kernel can send anything as an answer, not only what a page's box or picture sends:
    # what parse_answer cannot even look at is a sentence too, not a crash.
    question = _question_id(args.get("question"))
    try:
        value = seat.answer(question, args.get("raw"))
    except ClassroomError:  # a ValueError too: its own sentence goes back as it is
        raise
    except (TypeError, ValueError):
        raise ClassroomError("That answer cannot be read: type a number or pick one.") from None
    return {"value": value}


def _public(question):
    return None if question is None else dataclasses.asdict(question)


# (method, name) -> function of (seat, args) returning the JSON answer. GET's args are the
# query's (strings), POST's the JSON body's.
ENDPOINTS = {
    ("GET", "latest"): lambda seat, args: {"question": _public(seat.latest())},
    ("GET", "count"): lambda seat, args: {"count": seat.count(_question_id(args.get("question")))},
    ("POST", "ask"): lambda seat, args: {
        "question": _public(seat.ask(_spec(args.get("spec")), args.get("truth")))
    },
    ("POST", "close"): lambda seat, args: seat.close(_question_id(args.get("question"))) or {},
    ("POST", "reveal"): lambda seat, args: seat.reveal(_question_id(args.get("question"))) or {},
    ("GET", "export"): lambda seat, args: {"csv": seat.export_csv()},
    ("POST", "answer"): _answer,
    ("GET", "my_answer"): lambda seat, args: {
        "value": seat.my_answer(_question_id(args.get("question")))
    },
    ("GET", "answers"): lambda seat, args: {
        "answers": seat.answers(_question_id(args.get("question")))
    },
}


class SeatHandler(web.RequestHandler):
    """Every endpoint: who calls (from the hub), their Seat, the Seat's method, JSON back.

    Parameters
    ----------
    store : ClassStore
    hub_auth : jupyterhub.services.auth.HubAuth
    teachers : frozenset of str
    """

    def initialize(self, store, hub_auth, teachers):
        self.store = store
        self.hub_auth = hub_auth
        self.teachers = teachers
        self.user = None

    async def prepare(self):
        if self.request.method == "GET" and self.path_args == [""]:
            # The prefix itself: the hub checks every minute that its service answers.
            self.finish({"service": "the class's answers"})
            return
        # The token alone (header only: HubAuth ignores ?token= unless allowed, and keeps no
        # cookie), checked by the hub, whose answer HubAuth caches a few minutes per token.
        model = await self.hub_auth.get_user(self, sync=False)
        if (
            not model
            or model.get("kind", "user") != "user"
            # Any hub user's token identifies them; only one carrying this service's access
            # scope may use it (a kernel's server token does: see the hub's config).
            or not self.hub_auth.check_scopes(self.hub_auth.access_scopes, model)
        ):
            # Finishing here ends the request: no method runs.
            self._error(403, "This call has no hub token that may use the class service.")
            return
        self.user = model

    async def get(self, name):
        self._call("GET", name, {k: self.get_query_argument(k) for k in self.request.arguments})

    async def post(self, name):
        try:
            args = json.loads(self.request.body or b"{}")
        except ValueError:
            args = None
        if not isinstance(args, dict):
            self._error(400, "The request's body is not a JSON object.")
            return
        self._call("POST", name, args)

    def _call(self, method, name, args):
        """Answer with the endpoint's JSON, or with a sentence and an error status."""
        if (method, name) not in ENDPOINTS and (method, name) != ("GET", "whoami"):
            if any(known == name for _, known in ENDPOINTS):
                other = "GET" if method == "POST" else "POST"
                self._error(405, f"The class service takes {name} by {other}.")
            else:
                self._error(404, f"The class service has no {name!r}.")
            return
        user = self.user["name"]
        teacher = is_teacher_user(self.user, self.teachers)
        try:
            seat = Seat(
                self.store, self.get_query_argument("class", None),
                student=None if teacher else user, teacher=teacher,
            )  # fmt: skip
            if name == "whoami":
                answer = {"user": user, "teacher": teacher}
            else:
                answer = ENDPOINTS[method, name](seat, args)
        except ClassroomError as exc:
            self._error(400, str(exc))
            return
        self.finish(answer)

    def _error(self, status, sentence):
        self.set_status(status)
        self.finish({"error": sentence})

    def write_error(self, status_code, **kwargs):
        # JSON for an unexpected error too (never a traceback: that stays in the log).
        self.finish({"error": f"The class service failed ({status_code} {self._reason})."})


def _log_request(handler):
    # Thirty pages polling the count: log refusals and failures, not every answer. A refusal
    # is ordinary (a typo in an answer is a 400), a failure is not.
    status = handler.get_status()
    if status >= 400:
        user = getattr(handler, "user", None)
        log.log(
            logging.INFO if status < 500 else logging.ERROR,
            "%d %s %s (%s) %.0f ms",
            status,
            handler.request.method,
            handler.request.path,
            user["name"] if user else "-",
            1000 * handler.request.request_time(),
        )


def make_app(store, hub_auth, teachers, prefix="/"):
    """The tornado application of the service, its endpoints under ``prefix``."""
    if not prefix.endswith("/"):
        prefix += "/"
    handler_args = {"store": store, "hub_auth": hub_auth, "teachers": teachers}
    return web.Application(
        [(re.escape(prefix) + r"([^/]*)", SeatHandler, handler_args)],
        log_function=_log_request,
    )


# ---------------------------------------------------------------------- main


async def _serve(app, host, port):
    server = httpserver.HTTPServer(app, max_body_size=MAX_BODY_BYTES)
    server.listen(port, host)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # The hub stops its services with SIGTERM; Ctrl+C in a terminal sends SIGINT.
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.stop()


def main():
    """Serve the class's answers where the hub says (``$JUPYTERHUB_SERVICE_URL``)."""
    logging.basicConfig(
        level=logging.INFO, format="[%(levelname).1s %(asctime)s gmm-viz-class] %(message)s"
    )
    service_url = os.environ.get("JUPYTERHUB_SERVICE_URL")
    if not service_url:
        sys.exit(
            "error: the class service is started by JupyterHub (c.JupyterHub.services, "
            "with a url): $JUPYTERHUB_SERVICE_URL is not set."
        )
    url = urlparse(service_url)
    location = os.environ.get("GMM_VIZ_CLASS_DB") or DEFAULT_DB
    store = ClassStore(location)
    teachers = teachers_from(os.environ.get("GMM_VIZ_HUB_TEACHERS"))
    # Tokens checked again after a minute: a user removed from the hub loses access soon.
    hub_auth = HubAuth(cache_max_age=60)
    app = make_app(store, hub_auth, teachers, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"))
    where = location if store.dialect == "sqlite" else "PostgreSQL"
    log.info(
        "serving the class's answers at %s (database: %s; teachers: hub admins%s)",
        service_url,
        where,
        "".join(f", {t}" for t in sorted(teachers)),
    )
    try:
        asyncio.run(_serve(app, url.hostname or "127.0.0.1", url.port or 80))
    finally:
        store.close()


if __name__ == "__main__":
    main()

"""A seat in a class whose answers live in the hub's class service (under JupyterHub).

Under JupyterHub a student's kernel runs their code, so it must not hold the class's database
(:mod:`~gmm_viz.classroom.hub_service` explains why). :class:`RemoteSeat` has the methods of
:class:`~gmm_viz.classroom.seat.Seat` and returns what they return, but each call is one HTTP
request to the service, made with the kernel's own token (``$JUPYTERHUB_API_TOKEN``, which
the single-user server passes to its kernels) at ``$GMM_VIZ_CLASS_SERVICE_URL`` (set by the
hub's config for every server it spawns). The service decides who the caller is and what they
may do: nothing sent from here can make a student the teacher or someone else.

Everything that goes wrong is a :class:`~gmm_viz.classroom.questions.ClassroomError` of one
sentence, as with a local seat: the service's own sentence for a refused call, and "The
class's answers cannot be reached just now: ..." when the service does not answer.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request

from gmm_viz.classroom.questions import ClassroomError
from gmm_viz.classroom.seat import DEFAULT_CLASS, PublicQuestion, check_class_code

__all__ = ["SERVICE_URL_ENV", "RemoteSeat"]

SERVICE_URL_ENV = "GMM_VIZ_CLASS_SERVICE_URL"
TOKEN_ENV = "JUPYTERHUB_API_TOKEN"
# A page waits on each call: a service on the same machine (or cluster) answers in
# milliseconds, and a page stuck for long is worse than a sentence saying to try again.
DEFAULT_TIMEOUT_S = 4.0
UNREACHABLE = "The class's answers cannot be reached just now: {}; try again in a moment."

# The service is on this machine or inside the cluster: never through an HTTP(S) proxy of
# the environment, which would not reach it (or would see the token).
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _plain(value):
    """JSON for numpy numbers and arrays too (a click on the picture gives numpy floats)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} cannot be sent to the class service")


def _question(data):
    return None if data is None else PublicQuestion(**data)


class RemoteSeat:
    """One page's place in a class, through the hub's class service.

    Parameters
    ----------
    url : str, optional
        The service's address (default ``$GMM_VIZ_CLASS_SERVICE_URL``), ending in its prefix,
        e.g. ``http://127.0.0.1:8082/services/gmm-viz-class/``: where a Seat has its store.
    class_code : str
    token : str, optional
        A hub token allowed to use the service (default ``$JUPYTERHUB_API_TOKEN``).
    timeout : float
        Seconds to wait for each answer.

    Attributes
    ----------
    user : str
        The hub user the service sees.
    teacher : bool
        Whether the service takes this seat for the teacher's.
    student : str or None
        The student's identity (their hub user name), None for the teacher.

    Raises
    ------
    ClassroomError
        A class code that is not one, no service or token in the environment, or a service
        that refuses the token or cannot be reached.
    """

    def __init__(self, url=None, class_code=DEFAULT_CLASS, *, token=None,
                 timeout=DEFAULT_TIMEOUT_S):  # fmt: skip
        self.class_code = check_class_code(class_code)
        url = url or os.environ.get(SERVICE_URL_ENV, "")
        self.token = token or os.environ.get(TOKEN_ENV, "")
        if not url or not self.token:
            missing = SERVICE_URL_ENV if not url else TOKEN_ENV
            raise ClassroomError(
                f"This server has no class service (${missing} is not set): start it from "
                "the class's JupyterHub."
            )
        self.url = url if url.endswith("/") else url + "/"
        self.timeout = timeout
        who = self._call("GET", "whoami")
        self.user = who["user"]
        self.teacher = bool(who["teacher"])
        self.student = None if self.teacher else self.user

    def __repr__(self):
        role = "teacher" if self.teacher else f"student {self.student!r}"
        return f"RemoteSeat({self.url!r}, {self.class_code!r}, {role})"

    # ------------------------------------------------------------------ HTTP

    def _call(self, method, name, body=None, **query):
        """One request to the service; its JSON answer, or a ClassroomError."""
        query = {"class": self.class_code, **query}
        address = self.url + name + "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body, default=_plain).encode()
        request = urllib.request.Request(address, data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise self._refused(exc) from None
        except TimeoutError:
            raise ClassroomError(
                UNREACHABLE.format(f"no answer within {self.timeout:g} s")
            ) from None
        except urllib.error.URLError as exc:
            raise ClassroomError(UNREACHABLE.format(_reason(exc.reason))) from None
        except (OSError, ValueError) as exc:  # a connection cut mid-answer, an answer not JSON
            raise ClassroomError(UNREACHABLE.format(_reason(exc))) from None

    def _refused(self, exc):
        try:
            sentence = json.loads(exc.read()).get("error")
        except (OSError, ValueError, AttributeError):
            sentence = None
        if exc.code == 400 and sentence:
            return ClassroomError(sentence)
        if exc.code == 403:
            return ClassroomError(
                "The class service does not accept this server's login: stop your server "
                "from the hub's home page and start it again."
            )
        return ClassroomError(UNREACHABLE.format(f"the service answered HTTP {exc.code}"))

    # ------------------------------------------------------------------ both

    def latest(self):
        """The class's latest question as this seat may see it, or None."""
        return _question(self._call("GET", "latest")["question"])

    def count(self, question_id):
        """How many have answered."""
        return int(self._call("GET", "count", question=question_id)["count"])

    # ------------------------------------------------------------------ teacher

    def ask(self, spec, truth):
        """Ask the class a question (made by :func:`~.questions.make_question`)."""
        return _question(self._call("POST", "ask", {"spec": spec, "truth": truth})["question"])

    def close(self, question_id):
        """Stop taking answers."""
        self._call("POST", "close", {"question": question_id})

    def reveal(self, question_id):
        """Show the true answer to everyone (after the close)."""
        self._call("POST", "reveal", {"question": question_id})

    def export_csv(self):
        """Every question of the class, with its answer counts, as CSV text."""
        return self._call("GET", "export")["csv"]

    # ------------------------------------------------------------------ answers

    def answer(self, question_id, raw):
        """A student's answer: read, checked and stored by the service. Returns the value."""
        return self._call("POST", "answer", {"question": question_id, "raw": raw})["value"]

    def my_answer(self, question_id):
        """This student's stored answer, or None."""
        return self._call("GET", "my_answer", question=question_id)["value"]

    def answers(self, question_id):
        """Every answer's value (the teacher's once closed, everyone's once revealed)."""
        return self._call("GET", "answers", question=question_id)["answers"]


def _reason(reason):
    """Why a connection failed, in a few words (not "[Errno 111] Connection refused")."""
    if isinstance(reason, ConnectionRefusedError):
        return "nothing answers at its address"
    if isinstance(reason, TimeoutError):
        return "no answer in time"
    if isinstance(reason, socket.gaierror):
        return "its address is unknown"
    return getattr(reason, "strerror", None) or str(reason) or type(reason).__name__

r"""JupyterHub for gmm_viz on one machine: a login in front of the app, one server per student.

From the repository's root, after the setup of deploy/README.md (pip and npm, once):

    GMM_VIZ_HUB_PASSWORD='class password' \
        .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

then open http://127.0.0.1:8000/ . A student logs in with a name of their choice and the shared
password and lands on the app, /user/<name>/voila/render/notebooks/app.ipynb (Voila's server
extension); the lessons open in JupyterLab at /user/<name>/lab. Ctrl+C stops everything.

What runs:
- the hub (this process) on 127.0.0.1:$GMM_VIZ_HUB_INTERNAL_PORT (8081); its database, cookie
  secret and the proxy's pid file in the runtime folder, deploy/jupyterhub/.runtime (git
  ignores it; GMM_VIZ_HUB_RUNTIME_DIR puts it elsewhere);
- configurable-http-proxy (npm, pinned in the repository's package.json, installed by `npm ci`)
  on $GMM_VIZ_HUB_IP:$GMM_VIZ_HUB_PORT (127.0.0.1:8000), the only address students reach; its
  API on 127.0.0.1:$GMM_VIZ_HUB_PROXY_API_PORT (8001);
- per student who logs in, one Jupyter server (jupyterhub-singleuser of the Python running the
  hub, so gmm_viz, Voila and the app's template are those of the repository's .venv) on a free
  loopback port, and its kernels: one per open app page or lesson;
- the idle culler (jupyterhub-idle-culler, a hub service), which stops a student's server after
  $GMM_VIZ_HUB_CULL_TIMEOUT (3600) seconds without activity;
- the class's answers (gmm_viz.classroom.hub_service, the hub service gmm-viz-class) on
  127.0.0.1:$GMM_VIZ_CLASS_SERVICE_PORT (a free port by default): see "The class predicts
  together" below.

The class predicts together: here students run code in their kernels, so no kernel holds the
class's questions and answers; the service does, in $GMM_VIZ_CLASS_DB (a SQLite path or a
postgresql:// URL; default class-answers.sqlite in the runtime folder). A page's kernel calls
it (gmm_viz.classroom.remote_seat.RemoteSeat) at $GMM_VIZ_CLASS_SERVICE_URL, which every
student's server gets, with its server's own token ($JUPYTERHUB_API_TOKEN): the hub grants
every user, and that token, the scope access:services!service=gmm-viz-class, and the service
asks the hub whose token it is. The teacher is a hub admin (GMM_VIZ_HUB_ADMINS) or a name in
GMM_VIZ_HUB_TEACHERS (comma-separated); everyone else answers under their hub user name.
(With this file's local-process spawner, kernels run as the hub's user and could still open
that SQLite file: see "Isolation" below; with real accounts or containers they cannot.)

Authentication: a shared password (GMM_VIZ_HUB_PASSWORD, 8 characters or more; without it the
hub refuses to start) checked by JupyterHub's SharedPasswordAuthenticator, the successor of the
dummy authenticator's password (`DummyAuthenticator.password` is deprecated since JupyterHub
5.3). Anyone with the password can log in under any name, including a name already in use: fine
for a demo, a test or a workshop among trusted people. For a class, see "A real login" below.

Isolation: the local-process spawner runs every student's server as the user who started the
hub (root on these machines). The hub keeps students out of each other's servers, but their
kernels run code with the hub user's rights. For untrusted users on one machine use real
accounts (PAM with LocalProcessSpawner, or jupyterhub-systemdspawner, which also caps memory and
CPU) or containers (dockerspawner); for hundreds of students, Kubernetes (deploy/z2jh/).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader provides get_config)

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
APP_PATH = "notebooks/app.ipynb"
VOILA_JSON = REPO_ROOT / "voila.json"
PROXY = REPO_ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
SETTINGS_PY = HERE.parent / "jupyter_server_settings.py"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"error: {name} must be a whole number, not {value!r}.") from None


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------- checks, before anything

PASSWORD = os.environ.get("GMM_VIZ_HUB_PASSWORD", "")
if len(PASSWORD) < 8:
    raise SystemExit(
        "error: set GMM_VIZ_HUB_PASSWORD to the password students will log in with "
        "(8 characters or more)."
    )
if not os.access(PROXY, os.X_OK):
    raise SystemExit(
        f"error: {PROXY.relative_to(REPO_ROOT)} is missing: run `npm ci` in the repository's "
        "root (it installs configurable-http-proxy from package.json; Node.js 20 or newer)."
    )
# What a Jupyter server serving the app takes from voila.json, as options of its command line
# (deploy/jupyter_server_settings.py), read now: restart the hub after voila.json changes.
_spec = importlib.util.spec_from_file_location("jupyter_server_settings", SETTINGS_PY)
_settings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_settings)
try:
    SERVER_SETTINGS_ARGS = _settings.command_line(_settings.server_settings(VOILA_JSON))
except (OSError, ValueError) as exc:
    raise SystemExit(f"error: cannot read {VOILA_JSON}: {exc}") from None

# ---------------------------------------------------------------------- where it listens

IP = os.environ.get("GMM_VIZ_HUB_IP", "127.0.0.1")
PORT = _env_int("GMM_VIZ_HUB_PORT", 8000)
PROXY_API_PORT = _env_int("GMM_VIZ_HUB_PROXY_API_PORT", 8001)
INTERNAL_PORT = _env_int("GMM_VIZ_HUB_INTERNAL_PORT", 8081)

# The public address is the proxy's. 127.0.0.1 keeps the hub on this computer. To serve a
# classroom network, GMM_VIZ_HUB_IP=0.0.0.0, with TLS (c.JupyterHub.ssl_key and ssl_cert, or a
# reverse proxy that terminates https): the password and the cookies cross the network.
c.JupyterHub.bind_url = f"http://{IP}:{PORT}/"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{INTERNAL_PORT}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
c.ConfigurableHTTPProxy.command = [str(PROXY)]
# Stopping the hub stops the proxy and every student's server (the defaults, said aloud).
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.cleanup_servers = True

# ---------------------------------------------------------------------- state, off the repo

RUNTIME = Path(os.environ.get("GMM_VIZ_HUB_RUNTIME_DIR") or HERE / ".runtime").resolve()
HOMES = RUNTIME / "home"  # one folder per student
NOTARY_DIR = RUNTIME / "notary"  # the trust database of every student's server
HOMES.mkdir(parents=True, exist_ok=True)
NOTARY_DIR.mkdir(exist_ok=True)
os.chmod(RUNTIME, 0o700)  # the cookie secret and the database live here
c.JupyterHub.db_url = f"sqlite:///{RUNTIME / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(RUNTIME / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(RUNTIME / "jupyterhub-proxy.pid")

# ---------------------------------------------------------------------- who may log in

# A real login, for a class: replace the three lines after this comment. For example:
# - accounts that students create and the teacher approves at /hub/authorize
#   (pip install jupyterhub-nativeauthenticator):
#       c.JupyterHub.authenticator_class = "native"
#       c.NativeAuthenticator.open_signup = False
# - members of the school's GitHub organisation (pip install oauthenticator; the OAuth app's
#   id and secret in $GITHUB_CLIENT_ID and $GITHUB_CLIENT_SECRET):
#       c.JupyterHub.authenticator_class = "github"
#       c.GitHubOAuthenticator.oauth_callback_url = "https://HOST/hub/oauth_callback"
#       c.GitHubOAuthenticator.allowed_organizations = {"our-school"}
# - a launch from the learning management system, Moodle, Canvas... (pip install
#   jupyterhub-ltiauthenticator; LTI 1.3, with the LMS's client id and endpoints):
#       c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
# Each of them wants the hub on a public https address (bind_url, TLS).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = PASSWORD
c.Authenticator.allow_all = True  # any name, with the password
# Names become folders and URLs: letters, digits, ".", "-", "_" (the hub lowercases them).
c.Authenticator.username_pattern = r"^[a-z0-9][a-z0-9._-]{0,31}$"
# Optional: a teacher's account with /hub/admin (see, stop and start students' servers):
# GMM_VIZ_HUB_ADMINS=teacher and GMM_VIZ_HUB_ADMIN_PASSWORD (32 characters or more).
ADMINS = {n.strip().lower() for n in os.environ.get("GMM_VIZ_HUB_ADMINS", "").split(",")}
ADMINS.discard("")
if ADMINS:
    c.Authenticator.admin_users = ADMINS
    c.SharedPasswordAuthenticator.admin_password = os.environ.get("GMM_VIZ_HUB_ADMIN_PASSWORD")

# ---------------------------------------------------------------------- the class's answers

CLASS_SERVICE = "gmm-viz-class"
# Only the hub and the students' servers call it, and they learn its address from this
# config at each start: a port free now, unless one is asked for.
CLASS_SERVICE_PORT = _env_int("GMM_VIZ_CLASS_SERVICE_PORT", 0) or _free_loopback_port()
# Kernels call the service directly on loopback (its prefix included), not through the proxy:
# one hop fewer, and it works whatever address and TLS the proxy has.
CLASS_SERVICE_URL = f"http://127.0.0.1:{CLASS_SERVICE_PORT}/services/{CLASS_SERVICE}/"
CLASS_DB = os.environ.get("GMM_VIZ_CLASS_DB") or str(RUNTIME / "class-answers.sqlite")
TEACHERS = os.environ.get("GMM_VIZ_HUB_TEACHERS", "")

# ---------------------------------------------------------------------- students' servers

c.JupyterHub.spawner_class = "simple"  # local processes; no system account per student
# The single-user server of the Python that runs the hub (not whatever is first on $PATH).
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
# Each student's server starts in their own folder, RUNTIME/home/<name>, holding their copy of
# notebooks/ (copy_notebooks below). The app's address is the one a server of the repository's
# root would give, /voila/render/notebooks/app.ipynb; but a lesson a student saves is theirs
# (30 students saving one shared file would overwrite each other), and nobody edits the
# repository's notebooks or its source from JupyterLab.
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.default_url = f"/voila/render/{APP_PATH}"
# On 2 cores a class arriving together queues: give a server time to come up.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180


def copy_notebooks(spawner):
    """The student's folder: a fresh copy of the app notebook (nobody edits it), their own copy
    of each lesson (kept once it exists: it is their work) and the data files lessons read."""
    source = REPO_ROOT / "notebooks"
    target = Path(spawner.home_dir) / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.ipynb")) + sorted(source.glob("*.csv")):
        copy = target / path.name
        if path.name == Path(APP_PATH).name or not copy.exists():
            shutil.copyfile(path, copy)


c.Spawner.pre_spawn_hook = copy_notebooks


def _sign_app_notebook():
    """Trust the app notebook in the students' trust database (else Voila logs "Notebook ... is
    not trusted" at every page), as the README's `jupyter trust` does for the Voila server."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notebook = nbformat.read(REPO_ROOT / APP_PATH, as_version=4)
    notary = NotebookNotary(data_dir=str(NOTARY_DIR))
    if not notary.check_signature(notebook):
        notary.sign(notebook)


_sign_app_notebook()

c.Spawner.args = [
    # The machines of this project run as root; a Jupyter server refuses root without this.
    *(["--allow-root"] if os.geteuid() == 0 else []),
    # As voila.json sets the stand-alone server: its kernel culling (MappingKernelManager)
    # and kernel manager, and no MathJax from a CDN (deploy/jupyter_server_settings.py).
    # Voila's preheated kernels (VoilaConfiguration.preheat_kernel) exist in the stand-alone
    # server only: in a student's server a page's kernel starts when the page is asked for.
    *SERVER_SETTINGS_ARGS,
    f"--NotebookNotary.data_dir={NOTARY_DIR}",
    # No terminals: the app and the lessons need none, and with local processes a terminal
    # would be a shell of the hub's user.
    "--ServerApp.terminals_enabled=False",
]
c.Spawner.environment = {
    # Voila's server extension reads voila.json from the Jupyter config path: the repository's
    # root goes first on it, so the app's page is the stand-alone server's (template gmm_viz).
    "JUPYTER_CONFIG_PATH": str(REPO_ROOT),
    # One matplotlib cache for all students, built once (not at every student's first kernel).
    "MPLCONFIGDIR": str(RUNTIME / "matplotlib"),
    # Where a page's kernel finds the class's answers (the service below).
    "GMM_VIZ_CLASS_SERVICE_URL": CLASS_SERVICE_URL,
}

# What frees a student's kernel, and when:
# - Closing or reloading the app's page: the page's beacon (POST voila/api/shutdown/<id> with
#   the _xsrf cookie that the student's server set at login) shuts its kernel down at once
#   (tests/test_hub_browser.py checks it).
# - A page gone without its beacon (a browser that crashed, a network that dropped): the kernel
#   culling of voila.json (MappingKernelManager, above) shuts a kernel down once nothing is
#   connected to it and it has been idle that long.
# - A student gone (or idle with their pages open): the idle culler below stops their whole
#   server, kernels included, after GMM_VIZ_HUB_CULL_TIMEOUT seconds without activity.
# Both culling layers are kept: kernel culling alone leaves every student's server (~160 MB)
# running until the hub stops; server culling alone cannot free the kernel of a page that left
# without its beacon while the same student is still active in another tab (a lesson).

# Memory and CPU: the local-process spawner cannot enforce Spawner.mem_limit or cpu_limit (it
# only passes them on). Count ~160 MB per student's server and ~110 MB per open app page or
# lesson kernel (deploy/README.md), and cap the number of running servers so that the
# machine's memory holds them all (0: no cap).
c.JupyterHub.active_server_limit = _env_int("GMM_VIZ_HUB_MAX_SERVERS", 0)

# ---------------------------------------------------------------------- the idle culler

CULL_TIMEOUT = _env_int("GMM_VIZ_HUB_CULL_TIMEOUT", 3600)
CULL_EVERY = _env_int("GMM_VIZ_HUB_CULL_EVERY", max(CULL_TIMEOUT // 6, 30))
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={CULL_TIMEOUT}",
            f"--cull-every={CULL_EVERY}",
        ],
    },
    {
        # The class's answers: a service, so that no student's kernel holds the database.
        "name": CLASS_SERVICE,
        "url": f"http://127.0.0.1:{CLASS_SERVICE_PORT}",
        "command": [sys.executable, "-m", "gmm_viz.classroom.hub_service"],
        "cwd": str(RUNTIME),
        # A service (the hub only passes a few variables of its own environment on).
        "environment": {"GMM_VIZ_CLASS_DB": CLASS_DB, "GMM_VIZ_HUB_TEACHERS": TEACHERS},
        # Kernels call it; it has no page for the hub's home to link to.
        "display": False,
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
    {
        # Who may call the class service: every user (the default user role, "self", and this
        # scope; JupyterHub 6's extra_user_scopes would say the same, but not to JupyterHub 5).
        "name": "user",
        "scopes": ["self", f"access:services!service={CLASS_SERVICE}"],
    },
]
# ... and the token of each user's server, which their kernels see as $JUPYTERHUB_API_TOKEN: it
# gets the scopes listed here that its user holds, the two of the default "server" role (report
# activity, reach one's own server) and the class service's.
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    f"access:services!service={CLASS_SERVICE}",
]
# The culler reads the activity that the proxy and the servers report: report it often enough
# (seconds) for the timeout to mean what it says.
c.JupyterHub.last_activity_interval = min(300, max(CULL_TIMEOUT // 4, 30))

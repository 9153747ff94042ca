"""Voila settings that need code (the rest are in voila.json): the app's page template.

Voila reads this file from the folder it is started in, the repository's root. The
template, ``share/jupyter/voila/templates/gmm_viz``, is Voila's "lab" page without the icon
font it would fetch from a CDN, so that no request leaves the machine. Voila looks for
templates on the Jupyter data path, so this folder's ``share/jupyter`` goes first on it.
"""

import os
from pathlib import Path

SHARE = Path(__file__).resolve().parent / "share" / "jupyter"
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    [str(SHARE), *filter(None, [os.environ.get("JUPYTER_PATH")])]
)

c = get_config()  # noqa: F821 (traitlets provides it)
c.VoilaConfiguration.template = "gmm_viz"

"""What a Jupyter server that serves the app needs, taken from voila.json: one source for the
stand-alone Voila server and for every hub.

- The one-machine hub (deploy/jupyterhub/jupyterhub_config.py) puts them on each student's
  server's command line (`command_line`).
- The image (Binder, and the Zero to JupyterHub image of deploy/z2jh) gets them from postBuild,
  which runs this file: `python deploy/jupyter_server_settings.py` merges them into the
  environment's jupyter_server_config.json (sys.prefix/etc/jupyter).

The settings:
- every section of voila.json but VoilaConfiguration and Voila, MappingKernelManager's kernel
  culling above all (cull_idle_timeout, cull_interval, cull_connected): a Jupyter server has
  the same classes. VoilaConfiguration needs no copy: Voila's server extension reads voila.json
  itself (from the server's folder or the Jupyter config path). Voila holds the stand-alone
  server's own options (ip, port, its tornado settings), which mean nothing to a Jupyter server.
- the kernel manager class that voila.json gives Voila's kernels
  (VoilaConfiguration.multi_kernel_manager_class), as the server's own
  (ServerApp.kernel_manager_class): in a Jupyter server, Voila's pages get their kernels from
  the server's kernel manager.
- no MathJax for Voila's pages (ServerApp.tornado_settings mathjax_url and mathjax_config None),
  as the stand-alone server gives them: inside a Jupyter server, Voila's page would otherwise
  fetch MathJax from a CDN, a request leaving the machine that the stand-alone page never makes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VOILA_ONLY = {"Voila", "VoilaConfiguration"}
NO_MATHJAX = {"mathjax_url": None, "mathjax_config": None}


def server_settings(voila_json: Path = REPO_ROOT / "voila.json") -> dict:
    """The Jupyter server's settings, as traitlets JSON config: {Section: {name: value}}."""
    voila = json.loads(Path(voila_json).read_text(encoding="utf-8"))
    settings = {
        section: dict(values)
        for section, values in voila.items()
        if section not in VOILA_ONLY and isinstance(values, dict)
    }
    server = settings.setdefault("ServerApp", {})
    kernel_manager = voila.get("VoilaConfiguration", {}).get("multi_kernel_manager_class")
    if kernel_manager:
        server["kernel_manager_class"] = kernel_manager
    server["tornado_settings"] = {**server.get("tornado_settings", {}), **NO_MATHJAX}
    return settings


def command_line(settings: dict) -> list[str]:
    """The settings as a Jupyter server's options: --Section.name=value (a Python literal for a
    dict or a list, which traitlets reads as such)."""
    args = []
    for section, values in sorted(settings.items()):
        for name, value in sorted(values.items()):
            text = repr(value) if isinstance(value, dict | list) else str(value)
            args.append(f"--{section}.{name}={text}")
    return args


def merge_into(config_file: Path, settings: dict) -> dict:
    """Merge the settings into a JSON config file (kept: what it sets otherwise); return it."""
    config_file = Path(config_file)
    config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.exists() else {}
    for section, values in settings.items():
        target = config.setdefault(section, {})
        for name, value in values.items():
            if isinstance(value, dict) and isinstance(target.get(name), dict):
                target[name] = {**target[name], **value}
            else:
                target[name] = value
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return config


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path(sys.prefix) / "etc/jupyter/jupyter_server_config.json"
    merge_into(target, server_settings())
    print(f"wrote the app's Jupyter server settings (from voila.json) into {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

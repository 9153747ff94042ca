#!/usr/bin/env bash
# A manual check (slow: a clean install from PyPI, a few minutes) of the image recipe that
# repo2docker builds for the README's Binder badge and for deploy/z2jh: environment.yml's pip
# step (`pip install -r requirements.txt`) and then postBuild, in a clean virtual environment,
# then a Jupyter server of that environment serving the app as a student's pod would.
#
#   bash deploy/check_image_recipe.sh                    # with python3
#   PYTHON=/path/to/python3.10 bash deploy/check_image_recipe.sh
#
# repo2docker itself (Docker) and conda are not used: environment.yml only asks conda for
# Python and pip; PYTHON picks the Python (repo2docker takes its default Python, since
# environment.yml asks for python>=3.10).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)
step() { echo "[$(($(date +%s) - started)) s] $*"; }

step "a clean environment with $("$python" --version) in $work"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --upgrade pip
step "pip install -r requirements.txt (environment.yml's pip step)"
"$work/venv/bin/pip" install --quiet -r requirements.txt
step "postBuild"
# The image's user has its own home: the trust database goes there.
export HOME="$work/home"
mkdir -p "$HOME"
PATH="$work/venv/bin:$PATH" ./postBuild
config="$work/venv/etc/jupyter/jupyter_server_config.json"
"$work/venv/bin/python" - "$config" <<'EOF'
import json
import sys

config = json.load(open(sys.argv[1]))
voila = json.load(open("voila.json"))
assert config.get("MappingKernelManager") == voila.get("MappingKernelManager"), config
assert config["ServerApp"]["tornado_settings"]["mathjax_url"] is None, config
print("  the environment's Jupyter config has voila.json's kernel culling:",
      config.get("MappingKernelManager"))
EOF

step "a Jupyter server of that environment serves the app"
port=$("$work/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$("$work/venv/bin/python" -c 'import secrets; print(secrets.token_hex(16))')
root_flag=()
if [ "$(id -u)" = 0 ]; then root_flag=(--allow-root); fi
"$work/venv/bin/jupyter" server --no-browser "${root_flag[@]}" --ServerApp.ip=127.0.0.1 \
  --ServerApp.port="$port" --IdentityProvider.token="$token" --ServerApp.root_dir="$repo" \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do
  curl -fs "http://127.0.0.1:$port/api/status?token=$token" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
page=$(curl -fs "http://127.0.0.1:$port/voila/render/notebooks/app.ipynb?token=$token")
grep -q '"fullMathjaxUrl": null' <<<"$page" || { echo "error: the page loads MathJax" >&2; exit 1; }
grep -q 'application/vnd.jupyter.widget-view+json' <<<"$page" ||
  { echo "error: the app's widgets are not on the page" >&2; exit 1; }
if grep -E "Error at server while executing cell|Traceback|is not trusted" "$work/server.log"; then
  echo "error: the server logged the above" >&2
  exit 1
fi
step "ok: the recipe installs, postBuild runs, and the app renders (server log clean)"

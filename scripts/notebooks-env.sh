#!/usr/bin/env bash
# Creates .venv-notebooks/ (git-ignored) with the pinned packages of Notebooks/requirements.txt,
# which the notebook tests execute the notebooks with. Idempotent: when the venv already holds
# exactly these pins (recorded in a stamp file) it returns at once without asking pip.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-notebooks
requirements=Notebooks/requirements.txt
stamp="$venv/.requirements"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$stamp" "$requirements"; then
  exit 0
fi
echo "notebooks-env: creating $venv from $requirements" >&2
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
# The kernel nbclient starts is this venv's own python (kernel name "python3" inside the venv).
"$venv/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null
cp "$requirements" "$stamp"

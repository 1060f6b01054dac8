#!/usr/bin/env bash
# Installs what loomsim needs on a fresh Debian 12 machine that already has the Swift toolchain.
# Idempotent: it asks dpkg first and calls apt only for what is missing (about 0.1 s when all is present).
set -euo pipefail

packages=(
  pkg-config
  libgsl-dev                # random generators, distributions, quantiles, Sobol sequences
  libsqlite3-dev            # results store and real-mode state store (through GRDB)
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev   # real-mode transcoding
  ffmpeg                    # ffprobe/ffmpeg for tests and the ffmpeg comparison benchmark
  python3-venv              # throw-away virtual environments (SimPy comparison, notebooks)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: error: the Swift toolchain (6.1 or later) is not on PATH; install it from swift.org first" >&2
  exit 1
fi

# The notebooks' Python packages (pinned in Notebooks/requirements.txt) in .venv-notebooks/;
# returns at once when that venv is already up to date.
bash "$(dirname "$0")/notebooks-env.sh"

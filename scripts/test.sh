#!/usr/bin/env bash
# The whole test suite: install what is missing, build the release binary (the debug-vs-release
# determinism test and the end-to-end CLI tests run it), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product loomsim
export LOOMSIM_RELEASE_BINARY="$PWD/.build/release/loomsim"
swift test "$@"

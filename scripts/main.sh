#!/usr/bin/env bash
# The main job: install what is missing, build loomsim (release) and run the default job.
# Until scenario files exist, the default job validates the kernel against queueing theory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product loomsim
exec .build/release/loomsim check queueing "$@"

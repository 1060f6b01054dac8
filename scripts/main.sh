#!/usr/bin/env bash
# The main job: install what is missing, build loomsim (release) and run the default scenario,
# the peak recording hour, writing its report to Reports/peak-recording-hour/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product loomsim
exec .build/release/loomsim run Scenarios/peak-recording-hour.yaml "$@"

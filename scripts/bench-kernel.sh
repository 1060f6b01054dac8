#!/usr/bin/env bash
# The kernel benchmark side by side: loomsim, the plain C event loop (bench/mmc.c, gcc -O2) and
# SimPy 4.1 (installed from PyPI into a throw-away virtual environment), on the same M/M/10 model
# (λ=9, μ=1) to the N-th departure. Each runs RUNS times pinned to one core; the medians and the
# ratios are printed together.
#   usage: scripts/bench-kernel.sh [CUSTOMERS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-1000000}
runs=${2:-3}
simpy_customers=$((customers / 10))   # SimPy is ~100x slower; its rate does not depend on N
bash scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! swift build -c release --product loomsim >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  exit 1
fi
gcc -O2 -o "$work/mmc" bench/mmc.c -lm
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q 'simpy==4.1.*'
pin="taskset -c 0"
command -v taskset >/dev/null || pin=""

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" | tail -1; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for i in $(seq "$runs"); do
  $pin .build/release/loomsim bench kernel --customers "$customers" | tail -1 | tee -a "$work/loomsim.txt"
  $pin "$work/mmc" --customers "$customers" | tee -a "$work/c.txt"
  $pin "$work/venv/bin/python" bench/simpy_mmc.py --customers "$simpy_customers" | tee -a "$work/simpy.txt"
done
ours=$(while read -r l; do echo "$l" | field events_per_s; done < "$work/loomsim.txt" | median)
c=$(while read -r l; do echo "$l" | field events_per_s; done < "$work/c.txt" | median)
simpy=$(while read -r l; do echo "$l" | field events_per_s; done < "$work/simpy.txt" | median)
rss=$($pin .build/release/loomsim bench kernel --customers "$customers" | head -1 | field peak_rss_mib)
rss_small=$($pin .build/release/loomsim bench kernel --customers $((customers / 10)) | head -1 | field peak_rss_mib)
echo
echo "median of $runs runs, one core, M/M/10 λ=9 μ=1:"
printf '  loomsim  %12.0f events/s  (%d customers, peak RSS %s MiB; %s MiB at N/10)\n' "$ours" "$customers" "$rss" "$rss_small"
printf '  C loop   %12.0f events/s  (bench/mmc.c, gcc -O2)\n' "$c"
printf '  SimPy    %12.0f events/s  (%d customers)\n' "$simpy" "$simpy_customers"
awk -v o="$ours" -v c="$c" -v s="$simpy" 'BEGIN {
  printf "  loomsim / SimPy  = %.1fx   (target >= 50x)\n", o / s
  printf "  C loop / loomsim = %.2fx  (target <= 2x)\n", c / o }'

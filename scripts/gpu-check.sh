#!/usr/bin/env bash
# The device check of real mode's GPU path (issue 7 §3), one short script for a machine with an
# NVIDIA GPU: builds what it needs, runs GPU discovery (NVML at run time), then an NVENC encode
# through loomsim's libav backend and an NVDEC (CUDA hwaccel) decode of a generated clip, and
# prints what happened, one line each. Data-centre Hopper GPUs (H100/H200) have NVDEC but no
# NVENC: expect "NVENC: not used" there, and real mode routes encode work to the CPU.
#
# Without a GPU (CI) it prints the one "no NVIDIA GPU: ..." line and exits 0 without building.
# Exit status: 0 when the check ran (whatever it found), 1 when the build or the test run broke.
#
#   scripts/gpu-check.sh              # build in .build-gpu (debug) and check
#   SCRATCH=.build scripts/gpu-check.sh
set -uo pipefail
cd "$(dirname "$0")/.."

if ! ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1' && [ ! -e /dev/nvidiactl ]; then
  echo "no NVIDIA GPU: libnvidia-ml.so.1 could not be loaded (no driver); every job takes the CPU fallback"
  exit 0
fi

if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader 2>&1 | sed 's/^/nvidia-smi: /'
fi
if [ -x scripts/setup.sh ]; then scripts/setup.sh || exit 1; fi

scratch="${SCRATCH:-.build-gpu}"
mkdir -p "$scratch"
start=$(date +%s)
if ! swift build --scratch-path "$scratch" --build-tests >"$scratch/gpu-check-build.log" 2>&1; then
  echo "gpu-check: build failed (see $scratch/gpu-check-build.log):"
  grep -E "error" "$scratch/gpu-check-build.log" | head -20
  exit 1
fi
echo "gpu-check: built in $(( $(date +%s) - start )) s"

# Discovery, NVENC and NVDEC through loomsim's own code (RealModeTests.GPUCheckTests), and the
# inventory test that expects a GPU.
LOOMSIM_GPU_CHECK=1 LOOMSIM_EXPECT_GPU=1 swift test --skip-build --scratch-path "$scratch" \
  --filter 'RealModeTests.GPUCheckTests|RealModeTests.GPUInventoryTests' >"$scratch/gpu-check-test.log" 2>&1
status=$?
grep -E "^gpu-check: |^GPU [0-9]+:|no device has NVENC|encoding on|h264_nvenc|Test Case .*(passed|failed|skipped)|error:" \
  "$scratch/gpu-check-test.log" | sed -E 's/ started at .*//'

# The ffmpeg command line's view of the same hardware, when it is installed.
if command -v ffmpeg >/dev/null 2>&1; then
  clip=$(mktemp --suffix=.mp4)
  ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=30:d=2 -c:v libx264 -preset ultrafast "$clip" 2>&1 | head -3
  if ffmpeg -v error -y -i "$clip" -c:v h264_nvenc -f null - 2>"$scratch/gpu-check-nvenc.txt"; then
    echo "ffmpeg: h264_nvenc encoded the clip"
  else
    echo "ffmpeg: h264_nvenc failed: $(head -2 "$scratch/gpu-check-nvenc.txt" | tr '\n' ' ')"
  fi
  if ffmpeg -v error -y -hwaccel cuda -hwaccel_output_format cuda -i "$clip" -f null - 2>"$scratch/gpu-check-nvdec.txt"; then
    echo "ffmpeg: NVDEC (-hwaccel cuda) decoded the clip"
  else
    echo "ffmpeg: NVDEC failed: $(head -2 "$scratch/gpu-check-nvdec.txt" | tr '\n' ' ')"
  fi
  rm -f "$clip"
fi

if [ "$status" -ne 0 ]; then
  echo "gpu-check: the test run failed (status $status); see $scratch/gpu-check-test.log"
  exit 1
fi
exit 0

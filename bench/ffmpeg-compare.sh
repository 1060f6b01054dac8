#!/usr/bin/env bash
# Compares loomsim's libav transcode backend with the ffmpeg CLI on the same work:
# same input, encoder, preset, CRF, output height, GOP, threads, audio handling, MP4 +faststart.
# Prints frames/s of each and the ratio backend/ffmpeg.
#
# The backend side runs `loomsim bench transcode` (RealMode's TranscodeBenchmark.run); build it
# first with `swift build -c release`. The ffmpeg side times only its transcode loop
# (`-benchmark` rtime, printed at log level info), the backend side only its pipeline, so process start-up counts for neither.
#
# Usage: bench/ffmpeg-compare.sh [options]
#   --input FILE        clip to transcode (default: generate one, see --generate)
#   --generate WxH      size of the generated clip (default 1920x1080)
#   --seconds N         length of the generated clip (default 10)
#   --fps N             frame rate of the generated clip (default 30)
#   --encoder NAME      libavcodec encoder (default libx264)
#   --preset NAME       encoder preset (default veryfast)
#   --crf N             constant rate factor (default 23)
#   --height N          output height (default 720)
#   --threads N         encoder threads, 0 = auto (default 0)
#   --gop-seconds N     key-frame interval in seconds (default 2)
#   --no-audio          drop audio on both sides
#   --runs N            runs per side; the fastest counts (default 3)
# Environment: LOOMSIM (default .build/release/loomsim), FFMPEG (ffmpeg), FFPROBE (ffprobe).
set -euo pipefail

LOOMSIM=${LOOMSIM:-.build/release/loomsim}
FFMPEG=${FFMPEG:-ffmpeg}
FFPROBE=${FFPROBE:-ffprobe}
input="" size="1920x1080" seconds=10 fps=30 encoder=libx264 preset=veryfast crf=23 height=720
threads=0 gop_seconds=2 audio=1 runs=3

while [[ $# -gt 0 ]]; do
  case "$1" in
    --input) input=$2; shift 2 ;;
    --generate) size=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --fps) fps=$2; shift 2 ;;
    --encoder) encoder=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --crf) crf=$2; shift 2 ;;
    --height) height=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --gop-seconds) gop_seconds=$2; shift 2 ;;
    --no-audio) audio=0; shift ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

for tool in "$FFMPEG" "$FFPROBE"; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
[[ -x "$LOOMSIM" ]] || { echo "missing $LOOMSIM: run 'swift build -c release' first" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/loomsim-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ -z "$input" ]]; then
  input="$work/input.mp4"
  echo "generating ${size} ${seconds}s ${fps}fps test clip (H.264 + AAC)..."
  "$FFMPEG" -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=${size}:rate=${fps}:duration=${seconds}" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=${seconds}" \
    -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -c:a aac -b:a 128k -shortest "$input"
fi

# The same GOP on both sides: -g is the interval in frames.
rate=$("$FFPROBE" -v error -select_streams v:0 -show_entries stream=avg_frame_rate -of csv=p=0 "$input")
gop=$(awk -v r="$rate" -v s="$gop_seconds" 'BEGIN { split(r, f, "/"); d = (f[2] > 0) ? f[2] : 1; g = s * f[1] / d; printf "%d", (g < 1) ? 1 : g + 0.5 }')
acodec=$("$FFPROBE" -v error -select_streams a:0 -show_entries stream=codec_name -of csv=p=0 "$input" || true)

# The backend passes AAC through and re-encodes anything else to AAC at 128 kb/s: so does ffmpeg here.
if [[ $audio -eq 0 || -z "$acodec" ]]; then
  audio_args=(-an)
elif [[ "$acodec" == "aac" ]]; then
  audio_args=(-map 0:a:0 -c:a copy)
else
  audio_args=(-map 0:a:0 -c:a aac -b:a 128k)
fi

ffmpeg_best=""
for ((i = 1; i <= runs; i++)); do
  log=$("$FFMPEG" -hide_banner -nostdin -nostats -benchmark -y -i "$input" -map 0:v:0 "${audio_args[@]}" \
    -vf "scale=-2:${height}:flags=bicubic" -pix_fmt yuv420p \
    -c:v "$encoder" -preset "$preset" -crf "$crf" -g "$gop" -threads "$threads" \
    -movflags +faststart "$work/ffmpeg.mp4" 2>&1)
  t=$(grep -o 'rtime=[0-9.]*' <<<"$log" | tail -1 | cut -d= -f2)
  [[ -n "$t" ]] || { echo "ffmpeg failed: $log" >&2; exit 1; }
  if [[ -z "$ffmpeg_best" ]] || awk -v a="$t" -v b="$ffmpeg_best" 'BEGIN { exit !(a < b) }'; then ffmpeg_best=$t; fi
done
frames=$("$FFPROBE" -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$work/ffmpeg.mp4")
ffmpeg_fps=$(awk -v f="$frames" -v t="$ffmpeg_best" 'BEGIN { printf "%.2f", (t > 0) ? f / t : 0 }')

backend_args=(bench transcode --input "$input" --output "$work/backend.mp4" --encoder "$encoder" --preset "$preset"
  --crf "$crf" --height "$height" --threads "$threads" --gop-seconds "$gop_seconds" --runs "$runs")
[[ $audio -eq 0 ]] && backend_args+=(--no-audio)
line=$("$LOOMSIM" "${backend_args[@]}" | grep 'fps=' | tail -1)
backend_fps=$(grep -o 'fps=[0-9.]*' <<<"$line" | cut -d= -f2)
backend_frames=$(grep -o 'frames=[0-9]*' <<<"$line" | cut -d= -f2)
[[ -n "$backend_fps" ]] || { echo "loomsim bench transcode printed no fps: $line" >&2; exit 1; }

echo "input:   $input (video ${rate} fps, audio ${acodec:-none}); ${encoder} preset=${preset} crf=${crf} height=${height} gop=${gop} threads=${threads}"
printf 'ffmpeg:  %6d frames  %8.2f frames/s\n' "$frames" "$ffmpeg_fps"
printf 'backend: %6d frames  %8.2f frames/s\n' "$backend_frames" "$backend_fps"
awk -v b="$backend_fps" -v f="$ffmpeg_fps" 'BEGIN { printf "ratio backend/ffmpeg: %.3f\n", (f > 0) ? b / f : 0 }'

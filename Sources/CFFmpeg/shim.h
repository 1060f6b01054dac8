#ifndef LOOMSIM_CFFMPEG_SHIM_H
#define LOOMSIM_CFFMPEG_SHIM_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/sha.h>
#include <libswscale/swscale.h>

/* Function-like macros do not import into Swift; these wrap the ones loomsim needs. */
static inline int loom_averror(int e) { return AVERROR(e); }
static inline int loom_averror_eof(void) { return AVERROR_EOF; }
static inline int64_t loom_av_nopts_value(void) { return AV_NOPTS_VALUE; }

/* --- Additions for the real-mode media backend (Sources/RealMode/Media) --- */

/* AVERROR(EAGAIN): "send again after receiving" in the send/receive codec API. */
static inline int loom_averror_eagain(void) { return AVERROR(EAGAIN); }
/* AVERROR_INVALIDDATA is an FFERRTAG macro, which does not import. */
static inline int loom_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
/* AV_TIME_BASE_Q is a compound literal, which does not import. */
static inline AVRational loom_av_time_base_q(void) { return AV_TIME_BASE_Q; }

/* AVFrame.data / linesize import as 8-element tuples; index them here instead. */
static inline uint8_t *loom_frame_data(const AVFrame *frame, int plane) {
    return (plane >= 0 && plane < AV_NUM_DATA_POINTERS) ? frame->data[plane] : NULL;
}
static inline int loom_frame_linesize(const AVFrame *frame, int plane) {
    return (plane >= 0 && plane < AV_NUM_DATA_POINTERS) ? frame->linesize[plane] : 0;
}

/*
 * Log capture. libav reports most failures as a bare code (AVERROR_INVALIDDATA: "Invalid data
 * found when processing input") and says *why* only in a log line ("moov atom not found",
 * "Cannot load libcuda.so.1", "partial file"). This callback keeps the last line at
 * AV_LOG_ERROR or worse per thread, so a typed error can carry both, and prints nothing:
 * callers surface the message through their errors instead of stderr noise.
 *
 * The buffer is a weak, thread-local definition so that every translation unit that includes
 * this header (Swift emits inline C functions into each object file that uses them) links to
 * the same storage. Each libav pipeline runs on one thread, so the line it reads is its own.
 */
__attribute__((weak)) _Thread_local char loom_log_last_error_line[512];

static inline void loom_log_capture_callback(void *avcl, int level, const char *fmt, va_list vl) {
    (void)avcl;
    if (level > AV_LOG_ERROR || fmt == NULL) return;
    size_t used = strlen(loom_log_last_error_line);
    /* A line may arrive in pieces; a piece that follows a finished line starts a new one. */
    if (used > 0 && loom_log_last_error_line[used - 1] == '\n') used = 0;
    if (used >= sizeof loom_log_last_error_line - 1) used = 0;
    va_list copy;
    va_copy(copy, vl);
    vsnprintf(loom_log_last_error_line + used, sizeof loom_log_last_error_line - used, fmt, copy);
    va_end(copy);
}

/* Sets the log level to AV_LOG_ERROR (libx264 logs statistics at INFO) and installs the capture. */
static inline void loom_log_capture_install(void) {
    av_log_set_level(AV_LOG_ERROR);
    av_log_set_callback(loom_log_capture_callback);
}
static inline const char *loom_log_last_error(void) { return loom_log_last_error_line; }
static inline void loom_log_clear(void) { loom_log_last_error_line[0] = '\0'; }
#endif

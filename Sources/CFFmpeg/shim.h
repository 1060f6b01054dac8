#ifndef LOOMSIM_CFFMPEG_SHIM_H
#define LOOMSIM_CFFMPEG_SHIM_H
#include <stdarg.h>
#include <stdio.h>
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
 * Log capture (see RealMode/Media/LibavLog.swift for why). av_log hands its callback a
 * va_list, which Swift cannot receive in a @convention(c) closure on Linux, so the callback
 * is C: it formats lines at AV_LOG_ERROR or worse and passes them to
 * loom_log_store_line, which RealMode defines in Swift (@_cdecl) and keeps per thread.
 * No state lives here: Swift does not emit definitions of globals declared in headers.
 */
void loom_log_store_line(int level, const char *line);

static inline void loom_log_forward_callback(void *avcl, int level, const char *fmt, va_list vl) {
    (void)avcl;
    if (level > AV_LOG_ERROR || fmt == NULL) return;
    char line[512];
    va_list copy;
    va_copy(copy, vl);
    vsnprintf(line, sizeof line, fmt, copy);
    va_end(copy);
    loom_log_store_line(level, line);
}

/* Sets the log level to AV_LOG_ERROR (libx264 logs statistics at INFO) and installs the forwarding. */
static inline void loom_log_install_forwarding(void) {
    av_log_set_level(AV_LOG_ERROR);
    av_log_set_callback(loom_log_forward_callback);
}
#endif

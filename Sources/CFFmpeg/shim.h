#ifndef LOOMSIM_CFFMPEG_SHIM_H
#define LOOMSIM_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

/* Function-like macros do not import into Swift; these wrap the ones loomsim needs. */
static inline int loom_averror(int e) { return AVERROR(e); }
static inline int loom_averror_eof(void) { return AVERROR_EOF; }
static inline int64_t loom_av_nopts_value(void) { return AV_NOPTS_VALUE; }
#endif

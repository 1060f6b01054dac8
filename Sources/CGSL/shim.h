#ifndef LOOMSIM_CGSL_SHIM_H
#define LOOMSIM_CGSL_SHIM_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_errno.h>

/* Swift 6 refuses to read GSL's global generator-type pointers (GSL_VAR) as they are not
   concurrency-safe; these getters return them. */
static inline const gsl_rng_type *loom_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *loom_gsl_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *loom_gsl_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }
static inline const gsl_qrng_type *loom_gsl_qrng_sobol(void) { return gsl_qrng_sobol; }

/* GSL's default error handler aborts the process; loomsim validates parameters before calling
   GSL and reports errors itself, so the handler is turned off once at start-up. */
static inline void loom_gsl_disable_abort(void) { gsl_set_error_handler_off(); }
#endif

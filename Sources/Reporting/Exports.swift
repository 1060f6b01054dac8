// The Reporting target renders a run's results (values in, bytes out) and stores them in the
// results database. Its inputs are SimKernel's metric values, re-exported for callers.
@_exported import SimKernel

@_exported import SimKernel

// Policies speak the kernel's vocabulary (Instant, TimeAmount, StateStore) and nothing else of
// it: re-export it so a policy file needs no second import.
@_exported import SimKernel

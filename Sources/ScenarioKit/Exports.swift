// ScenarioKit: scenario files (YAML) read into values with file:line:column diagnostics, load
// generators, fault timelines and SLO assertions. Its values use the kernel's time and random
// vocabulary (`Instant`, `TimeAmount`, `RandomStream`, `Distribution`), re-exported here.
@_exported import SimKernel

/// The policies `loomsim conform` knows, by command-line name.
public let conformanceRunners: [any ConformanceRunner] = [
    HPAConformanceRunner(),
    CircuitBreakerConformanceRunner(),
    RetryConformanceRunner(),
]

/// The runner for `name`, or nil.
public func conformanceRunner(named name: String) -> (any ConformanceRunner)? {
    conformanceRunners.first { $0.policyName == name }
}

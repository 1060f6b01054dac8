/// A service metric the degradation detector compares with its baseline (seed §8.2; raw
/// values are the seed's metric names).
public enum PerformanceMetric: String, CaseIterable, Hashable, Sendable, Codable {
    case responseTime = "response_time"
    case errorRate = "error_rate"
    case cpuUsage = "cpu_usage"
    case memoryUsage = "memory_usage"
    case throughput = "throughput"
    case successRate = "success_rate"

    /// Whether a rise (response time, errors, CPU, memory) or a fall (throughput, success
    /// rate) is the degradation.
    public var higherIsWorse: Bool {
        switch self {
        case .responseTime, .errorRate, .cpuUsage, .memoryUsage: return true
        case .throughput, .successRate: return false
        }
    }

    /// The seed's `remediation_actions["high_<metric>"]`, in the order they are tried.
    ///
    /// Throughput and success rate have none: the seed looks up "high_throughput" and
    /// "high_success_rate", which its table does not contain, so their degradations alert
    /// without remediation. loomsim keeps that rather than inventing actions.
    public var remediationCandidates: [RemediationAction] {
        switch self {
        case .responseTime: return [.scaleUpInstances, .enableCaching, .optimizeDatabaseQueries]
        case .errorRate: return [.restartUnhealthyInstances, .enableCircuitBreaker, .fallbackToBackupService]
        case .cpuUsage: return [.scaleUpInstances, .enableCPUThrottling, .optimizeAlgorithms]
        case .memoryUsage: return [.scaleUpInstances, .triggerGarbageCollection, .clearCaches]
        case .throughput, .successRate: return []
        }
    }
}

/// An automatic remediation the seed's detector can trigger (seed §8.2
/// `trigger_auto_remediation`); raw values are the seed's action names.
public enum RemediationAction: String, CaseIterable, Sendable, Codable {
    case scaleUpInstances = "scale_up_instances"
    case enableCaching = "enable_caching"
    case optimizeDatabaseQueries = "optimize_database_queries"
    case restartUnhealthyInstances = "restart_unhealthy_instances"
    case enableCircuitBreaker = "enable_circuit_breaker"
    case fallbackToBackupService = "fallback_to_backup_service"
    case enableCPUThrottling = "enable_cpu_throttling"
    case optimizeAlgorithms = "optimize_algorithms"
    case triggerGarbageCollection = "trigger_garbage_collection"
    case clearCaches = "clear_caches"
}

/// Percent changes from baseline that raise a warning or a critical degradation; a change
/// must be strictly beyond the limit (seed §8.2 `alert_thresholds`, defaults 20 % and 50 %).
public struct DegradationThreshold: Equatable, Sendable {
    public var warningPercent: Double
    public var criticalPercent: Double

    public init(warningPercent: Double = 20, criticalPercent: Double = 50) {
        self.warningPercent = warningPercent
        self.criticalPercent = criticalPercent
    }
}

/// How bad a degradation is.
public enum DegradationSeverity: String, Sendable, Codable {
    case warning
    case critical
}

/// One metric of one service that moved past its threshold (seed §8.2 `Degradation`).
public struct PerformanceDegradation: Equatable, Sendable {
    public var service: String
    public var metric: PerformanceMetric
    public var currentValue: Double
    public var baselineValue: Double
    /// `(current − baseline) / baseline × 100`; 0 when the baseline is 0, as in the seed.
    public var changePercent: Double
    public var severity: DegradationSeverity
}

/// The remediations to try for one degradation: the caller executes `candidates` in order
/// and stops at the first that succeeds (seed: `break  # Try one action at a time`).
public struct RemediationPlan: Equatable, Sendable {
    public var service: String
    public var metric: PerformanceMetric
    public var candidates: [RemediationAction]

    public init(service: String, metric: PerformanceMetric, candidates: [RemediationAction]) {
        self.service = service
        self.metric = metric
        self.candidates = candidates
    }
}

/// What one analysis found: the degradations to alert on, and (with auto-remediation
/// enabled) a remediation plan for each degradation whose metric has remediations.
public struct PerformanceAnalysis: Equatable, Sendable {
    public var degradations: [PerformanceDegradation]
    public var remediations: [RemediationPlan]
    /// False when the service has no usable baseline yet (seed: "not enough historical data").
    public var hadBaseline: Bool
}

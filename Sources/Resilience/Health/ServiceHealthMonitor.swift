import OrderedCollections

/// A service's health as the monitor last judged it (seed §8.1 `HealthStatus`). Services
/// start `unknown`: nothing has been observed yet.
public enum HealthStatus: String, Sendable, Codable, CaseIterable {
    case unknown
    case healthy
    case unhealthy
}

/// When a service counts as healthy again (seed §8.1 `checkServiceHealth`; DESIGN.md §8).
public enum HealthThresholdVariant: String, CaseIterable, Sendable, Codable {
    /// The intent of the `HealthyThreshold` field: a service turns healthy after that many
    /// consecutive successful checks, and only a service that was unhealthy "recovers".
    case intended
    /// The seed as written (§8.1): `HealthyThreshold` is never read; one success marks the
    /// service healthy and sends a recovery alert, even on the first check of an unknown service.
    case asWritten
}

/// One monitored service's thresholds (seed §8.1 `ServiceHealth` configuration fields).
public struct ServiceHealthConfiguration: Equatable, Sendable {
    public var name: String
    /// Consecutive successes that make the service healthy (intended variant).
    public var healthyThreshold: Int
    /// Consecutive failures that make the service unhealthy.
    public var unhealthyThreshold: Int
    /// A probe slower than this counts as a failure (seed: the HTTP client's `Timeout`).
    public var timeout: TimeAmount

    public init(name: String, healthyThreshold: Int, unhealthyThreshold: Int, timeout: TimeAmount) {
        self.name = name
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
        self.timeout = timeout
    }
}

/// A monitored service's running record (seed §8.1 `ServiceHealth` state fields).
public struct ServiceHealthRecord: Equatable, Sendable {
    public let configuration: ServiceHealthConfiguration
    public internal(set) var status: HealthStatus = .unknown
    public internal(set) var consecutiveFailures = 0
    /// Not in the seed, which never counts successes; the intended variant needs it.
    public internal(set) var consecutiveSuccesses = 0
    public internal(set) var lastCheck: Instant?
    public internal(set) var responseTime: TimeAmount?
    public internal(set) var checks = 0
    public internal(set) var failedChecks = 0

    /// Failed share of all checks so far (the seed declares `ErrorRate` without computing it).
    public var errorRate: Double { checks == 0 ? 0 : Double(failedChecks) / Double(checks) }
}

/// The answer of one health probe, before the monitor applies the timeout.
public enum HealthProbeResult: Equatable, Sendable {
    /// 200 OK with `"status": "healthy"`.
    case healthy
    /// Any other answer or a transport error, with its description.
    case unhealthy(reason: String)
}

/// An alert sent on a status transition (seed §8.1 `alertManager.SendAlert`).
public struct HealthAlert: Equatable, Sendable {
    /// The seed's alert types for health transitions.
    public enum Kind: String, Sendable, Codable {
        /// The service became healthy (seed `AlertTypeRecovery`).
        case recovery
        /// The service became unhealthy (seed `AlertTypeCritical`).
        case critical
    }

    public var kind: Kind
    public var service: String
    public var message: String
    public var at: Instant

    public init(kind: Kind, service: String, message: String, at: Instant) {
        self.kind = kind
        self.service = service
        self.message = message
        self.at = at
    }
}

/// The result of recording one probe: the service's status afterwards and the alert, if the
/// status changed in a way that alerts.
public struct HealthUpdate: Equatable, Sendable {
    public var service: String
    public var status: HealthStatus
    /// The previous status when this probe changed it.
    public var changedFrom: HealthStatus?
    public var alert: HealthAlert?
}

/// One health probe the caller should send, and when it counts as timed out.
public struct HealthProbe: Equatable, Sendable {
    public var service: String
    public var timeoutAt: Instant

    public init(service: String, timeoutAt: Instant) {
        self.service = service
        self.timeoutAt = timeoutAt
    }
}

/// The probes of one monitoring round and when the next round is due (the seed's ticker).
public struct HealthCheckRound: Equatable, Sendable {
    /// Services to probe, in registration order.
    public var probes: [HealthProbe]
    public var nextRoundAt: Instant

    public init(probes: [HealthProbe], nextRoundAt: Instant) {
        self.probes = probes
        self.nextRoundAt = nextRoundAt
    }
}

/// A configuration the health monitor cannot honour, or a probe for a service it does not know.
public enum ServiceHealthMonitorError: Error, Equatable, CustomStringConvertible {
    case nonPositiveCheckInterval(TimeAmount)
    case emptyServiceName
    case duplicateService(String)
    case nonPositiveThreshold(service: String, name: String, value: Int)
    case nonPositiveTimeout(service: String, timeout: TimeAmount)
    case unknownService(String)

    public var description: String {
        switch self {
        case let .nonPositiveCheckInterval(d): return "health monitor: checkInterval must be positive, got \(d)"
        case .emptyServiceName: return "health monitor: a service has an empty name"
        case let .duplicateService(name): return "health monitor: service '\(name)' is registered twice"
        case let .nonPositiveThreshold(service, name, value):
            return "health monitor: service '\(service)' needs \(name) of at least 1, got \(value)"
        case let .nonPositiveTimeout(service, timeout):
            return "health monitor: service '\(service)' needs a positive timeout, got \(timeout)"
        case let .unknownService(name): return "health monitor: no service named '\(name)'"
        }
    }
}

/// Periodic health checking of services with consecutive-result thresholds and transition
/// alerts (seed §8.1 `ServiceHealthMonitor`).
///
/// The seed's ticker and HTTP probes belong to the caller: `beginRound(now:)` lists the
/// probes and the next round's instant; `record(_:service:responseTime:now:)` applies one
/// probe's result. Services are kept in an `OrderedDictionary`, so rounds and reports list
/// them in registration order rather than the seed's random Go map order.
public struct ServiceHealthMonitor: Sendable {
    public let checkInterval: TimeAmount
    public let variant: HealthThresholdVariant
    public private(set) var services: OrderedDictionary<String, ServiceHealthRecord> = [:]

    /// Throws `ServiceHealthMonitorError` for a non-positive interval, threshold or timeout, an
    /// empty name, or a service registered twice.
    public init(
        checkInterval: TimeAmount, services: [ServiceHealthConfiguration], variant: HealthThresholdVariant = .intended
    ) throws {
        guard checkInterval > .zero else { throw ServiceHealthMonitorError.nonPositiveCheckInterval(checkInterval) }
        self.checkInterval = checkInterval
        self.variant = variant
        for service in services {
            let name = service.name
            guard !name.isEmpty else { throw ServiceHealthMonitorError.emptyServiceName }
            guard self.services[name] == nil else { throw ServiceHealthMonitorError.duplicateService(name) }
            guard service.healthyThreshold >= 1 else {
                throw ServiceHealthMonitorError.nonPositiveThreshold(service: name, name: "healthyThreshold", value: service.healthyThreshold)
            }
            guard service.unhealthyThreshold >= 1 else {
                throw ServiceHealthMonitorError.nonPositiveThreshold(
                    service: name, name: "unhealthyThreshold", value: service.unhealthyThreshold)
            }
            guard service.timeout > .zero else { throw ServiceHealthMonitorError.nonPositiveTimeout(service: name, timeout: service.timeout) }
            self.services[name] = ServiceHealthRecord(configuration: service)
        }
    }

    /// The status of `service`, or nil if it is not monitored.
    public func status(of service: String) -> HealthStatus? { services[service]?.status }

    /// The probes to send at `now` (seed `checkAllServices`) and the next round's instant.
    public func beginRound(now: Instant) -> HealthCheckRound {
        HealthCheckRound(
            probes: services.values.map { HealthProbe(service: $0.configuration.name, timeoutAt: now + $0.configuration.timeout) },
            nextRoundAt: now + checkInterval)
    }

    /// Applies one probe's result (seed `checkServiceHealth`). A probe whose `responseTime`
    /// exceeds the service's timeout counts as a failure whatever it answered.
    public mutating func record(
        _ result: HealthProbeResult, service name: String, responseTime: TimeAmount, now: Instant
    ) throws -> HealthUpdate {
        guard var record = services[name] else { throw ServiceHealthMonitorError.unknownService(name) }
        let timeout = record.configuration.timeout
        let outcome: HealthProbeResult =
            responseTime > timeout ? .unhealthy(reason: "health check timed out after \(timeout)") : result
        record.lastCheck = now
        record.responseTime = responseTime
        record.checks += 1
        let previous = record.status
        var alert: HealthAlert?
        switch outcome {
        case .healthy:
            record.consecutiveFailures = 0
            record.consecutiveSuccesses += 1
            let threshold = variant == .intended ? record.configuration.healthyThreshold : 1
            if record.status != .healthy, record.consecutiveSuccesses >= threshold {
                record.status = .healthy
                if variant == .asWritten || previous == .unhealthy {
                    alert = HealthAlert(kind: .recovery, service: name, message: "Service \(name) recovered", at: now)
                }
            }
        case let .unhealthy(reason):
            record.failedChecks += 1
            record.consecutiveSuccesses = 0
            record.consecutiveFailures += 1
            if record.consecutiveFailures >= record.configuration.unhealthyThreshold, record.status != .unhealthy {
                record.status = .unhealthy
                alert = HealthAlert(
                    kind: .critical, service: name, message: "Service \(name) is unhealthy: \(reason)", at: now)
            }
        }
        services[name] = record
        return HealthUpdate(
            service: name, status: record.status, changedFrom: record.status != previous ? previous : nil, alert: alert)
    }
}

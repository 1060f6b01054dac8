import SimKernel

/// A single-class FIFO queueing station in Kendall notation: Poisson arrivals, a service-time
/// law, `servers` identical servers and an optional system capacity (M/M/c, M/M/1/K, M/D/1,
/// M/G/1 ...). It is the model the kernel is validated on against closed forms
/// (`shared/validation/queueing-analytic.md`) and the kernel benchmark's model (M/M/10).
public struct QueueModel: Sendable, CustomStringConvertible {
    /// Arrivals per second (λ).
    public var arrivalRate: Double
    /// Service time in seconds.
    public var service: Distribution
    /// Number of servers (c).
    public var servers: Int
    /// Most customers in the system, in service plus waiting (K); nil for an unbounded queue.
    public var capacity: Int?

    /// A model with checked parameters: positive finite rate, c ≥ 1, K ≥ c, and a stable
    /// system (ρ < 1) when the queue is unbounded.
    public init(arrivalRate: Double, service: Distribution, servers: Int, capacity: Int? = nil) throws {
        guard arrivalRate.isFinite, arrivalRate > 0 else {
            throw QueueModelError("arrival rate λ must be a positive finite number, got \(arrivalRate)")
        }
        guard servers >= 1 else { throw QueueModelError("the number of servers c must be ≥ 1, got \(servers)") }
        if let k = capacity, k < servers {
            throw QueueModelError("system capacity K = \(k) must be ≥ the number of servers c = \(servers)")
        }
        let mean = service.mean
        guard mean.isFinite, mean > 0 else {
            throw QueueModelError("the mean service time must be positive and finite, got \(mean)")
        }
        self.arrivalRate = arrivalRate
        self.service = service
        self.servers = servers
        self.capacity = capacity
        if capacity == nil && utilization >= 1 {
            throw QueueModelError(
                "ρ = λ·E[S]/c = \(utilization) ≥ 1: an unbounded queue has no steady state; lower λ or add servers")
        }
    }

    /// Offered load per server, ρ = λ·E[S]/c.
    public var utilization: Double { arrivalRate * service.mean / Double(servers) }

    public var description: String {
        let k = capacity.map { " K=\($0)" } ?? ""
        return "λ=\(arrivalRate) S=\(service) c=\(servers)\(k)"
    }
}

/// A queueing model that cannot be simulated as given.
public struct QueueModelError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

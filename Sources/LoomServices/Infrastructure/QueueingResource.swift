import DequeModule

/// A server pool with a wait queue: database connections, worker threads, an API's capacity.
///
/// `capacity` requests are served at once, each for a time drawn from `serviceTime` (seconds);
/// the rest wait in FIFO order, up to `queueLimit` waiting and `maxWait` each, and are rejected
/// beyond that. Faults on `name` act on it: `datastoreOutage` rejects everything, while
/// `dependencyErrors` fails a fraction of requests and `dependencyLatency` adds seconds to each.
/// Every request ends in exactly one outcome delivered to its completion.
public final class QueueingResource {
    /// How a request ended.
    public enum Outcome: Sendable, Equatable {
        case served(wait: TimeAmount, service: TimeAmount)
        case rejected(reason: RejectionReason)
        /// Served, but the dependency answered with an error (an injected error rate).
        case failed(wait: TimeAmount, service: TimeAmount)

        public var isSuccess: Bool { if case .served = self { return true } else { return false } }
    }

    public enum RejectionReason: String, Sendable {
        case queueFull = "queue-full"
        case waitTimeout = "wait-timeout"
        case unavailable = "unavailable"
    }

    public let name: String
    public private(set) var capacity: Int
    public let queueLimit: Int
    public let maxWait: TimeAmount
    public var serviceTime: Distribution

    private struct Waiter {
        var entity: UInt64
        var arrived: Instant
        var serviceSeconds: Double?
        var timeout: EventHandle?
        var completion: (Outcome) -> Void
    }

    private let context: PlatformContext
    private let stream: RandomStream
    private var waiting: Deque<Waiter> = []
    private var waitingIDs: Set<UInt64> = []
    public private(set) var busy = 0
    private let latency: MetricsRecorder.Latency
    private let waitLatency: MetricsRecorder.Latency
    private var rejectedCounters: [RejectionReason: MetricsRecorder.Counter] = [:]
    private var nextTicket: UInt64 = 0
    private static let startKind = EventKind("resource.start")
    private static let doneKind = EventKind("resource.done")
    private static let timeoutKind = EventKind("resource.timeout")

    public init(name: String, capacity: Int, queueLimit: Int = .max, maxWait: TimeAmount = .hours(24),
                serviceTime: Distribution, context: PlatformContext) {
        precondition(capacity >= 0 && queueLimit >= 0)
        self.name = name
        self.capacity = capacity
        self.queueLimit = queueLimit
        self.maxWait = maxWait
        self.serviceTime = serviceTime
        self.context = context
        self.stream = context.stream("resource.\(name)")
        latency = context.metrics.registerLatency("\(name).latency")
        waitLatency = context.metrics.registerLatency("\(name).wait")
        for reason in [RejectionReason.queueFull, .waitTimeout, .unavailable] {
            rejectedCounters[reason] = context.metrics.registerCounter(metricKey("\(name).rejected", [("reason", reason.rawValue)]), unit: "requests")
        }
        context.metrics.registerGauge("\(name).in_use", unit: "slots") { [unowned self] in Double(self.busy) }
        context.metrics.registerGauge("\(name).queue_depth", unit: "requests") { [unowned self] in Double(self.waiting.count) }
        context.faults.observe(.datastoreOutage, onStart: { [unowned self] fault in
            guard fault.target == name else { return }
            // Waiting requests fail fast when the store goes down (connection refused), as a
            // client with a pool would see; requests already running finish as they were.
            while let waiter = self.waiting.popFirst() {
                self.waitingIDs.remove(waiter.entity)
                if let t = waiter.timeout { self.context.runtime.cancel(t) }
                self.reject(.unavailable, waiter.completion)
            }
        })
    }

    /// Requests waiting for a slot.
    public var queueDepth: Int { waiting.count }
    /// Whether a `datastoreOutage` fault is active on this resource.
    public var isUnavailable: Bool { context.faults.isActive(.datastoreOutage, on: name) }
    /// Busy slots as a fraction of capacity.
    public var utilization: Double { capacity == 0 ? 1 : Double(busy) / Double(capacity) }

    /// Changes the number of slots (pool resize, replica promoted); waiting requests start if
    /// slots free up, running ones finish normally when the pool shrinks.
    public func resize(to newCapacity: Int) {
        precondition(newCapacity >= 0)
        capacity = newCapacity
        startWaiting()
    }

    /// Submits a request for `entity`; `serviceSeconds` overrides the service-time draw.
    public func submit(entity: UInt64, serviceSeconds: Double? = nil, completion: @escaping (Outcome) -> Void) {
        if isUnavailable {
            reject(.unavailable, completion)
            return
        }
        if busy < capacity && waiting.isEmpty {
            start(Waiter(entity: entity, arrived: context.now, serviceSeconds: serviceSeconds, completion: completion))
            return
        }
        guard waiting.count < queueLimit else {
            reject(.queueFull, completion)
            return
        }
        nextTicket += 1
        let ticket = nextTicket
        var waiter = Waiter(entity: ticket, arrived: context.now, serviceSeconds: serviceSeconds, completion: completion)
        if maxWait < .hours(24) {
            waiter.timeout = context.after(maxWait, Self.timeoutKind, entity: entity) { [unowned self] in self.timeOut(ticket) }
        }
        waitingIDs.insert(ticket)
        waiting.append(waiter)
    }

    private func reject(_ reason: RejectionReason, _ completion: (Outcome) -> Void) {
        context.metrics.add(rejectedCounters[reason]!)
        completion(.rejected(reason: reason))
    }

    private func timeOut(_ ticket: UInt64) {
        guard waitingIDs.remove(ticket) != nil, let i = waiting.firstIndex(where: { $0.entity == ticket }) else { return }
        let waiter = waiting.remove(at: i)
        reject(.waitTimeout, waiter.completion)
    }

    private func start(_ waiter: Waiter) {
        busy += 1
        let now = context.now
        if let t = waiter.timeout { context.runtime.cancel(t) }
        let wait = now - waiter.arrived
        context.metrics.record(waitLatency, wait)
        let added = context.faults.magnitude(of: .dependencyLatency, on: name)
        let seconds = max(0, waiter.serviceSeconds ?? stream.sample(serviceTime)) + added
        let service = TimeAmount.saturatingSeconds(seconds)
        let errorRate = context.faults.magnitude(of: .dependencyErrors, on: name)
        let fails = errorRate > 0 && stream.uniform() < errorRate
        context.after(service, Self.doneKind, entity: waiter.entity) { [unowned self] in
            self.busy -= 1
            self.context.metrics.record(self.latency, wait + service)
            waiter.completion(fails ? .failed(wait: wait, service: service) : .served(wait: wait, service: service))
            self.startWaiting()
        }
    }

    private func startWaiting() {
        while busy < capacity, let next = waiting.popFirst() {
            waitingIDs.remove(next.entity)
            if isUnavailable {
                reject(.unavailable, next.completion)
                continue
            }
            start(next)
        }
    }
}

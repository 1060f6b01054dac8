import DequeModule
import SimKernel

/// The events of a queueing station: an arrival, or the end of a customer's service.
@usableFromInline
enum QueueEvent: TraceableEvent {
    case arrival(customer: UInt64)
    /// `arrived` and `started` are the customer's arrival and service-start times.
    case departure(customer: UInt64, arrived: Instant, started: Instant)

    @usableFromInline static let arrivalKind = EventKind("queue.arrival").rawValue
    @usableFromInline static let departureKind = EventKind("queue.departure").rawValue

    @inlinable var traceKind: UInt32 {
        switch self {
        case .arrival: return Self.arrivalKind
        case .departure: return Self.departureKind
        }
    }

    @inlinable var traceEntity: UInt64 {
        switch self {
        case .arrival(let c): return c
        case .departure(let c, _, _): return c
        }
    }
}

/// Sums over a stretch of simulated time, from which one batch's means are formed.
public struct QueueTally: Sendable {
    public var arrivals = 0
    public var blocked = 0
    public var departures = 0
    /// Departed customers whose wait in queue was positive.
    public var waited = 0
    /// Seconds waited in queue, summed over departed customers.
    public var waitSum = 0.0
    /// Seconds spent in the system, summed over departed customers.
    public var sojournSum = 0.0
    /// ∫ (customers waiting) dt and ∫ (customers in system) dt, in customer-seconds.
    public var queueArea = 0.0
    public var systemArea = 0.0
    /// Seconds covered.
    public var duration = 0.0

    public init() {}

    mutating func absorb(_ o: QueueTally) {
        arrivals += o.arrivals; blocked += o.blocked; departures += o.departures; waited += o.waited
        waitSum += o.waitSum; sojournSum += o.sojournSum
        queueArea += o.queueArea; systemArea += o.systemArea; duration += o.duration
    }

    /// The metric's value over this stretch, or nil when it has no observations.
    public func value(of metric: QueueMetric) -> Double? {
        switch metric {
        case .meanWait: return departures > 0 ? waitSum / Double(departures) : nil
        case .meanSojourn: return departures > 0 ? sojournSum / Double(departures) : nil
        case .waitProbability: return departures > 0 ? Double(waited) / Double(departures) : nil
        case .blockingProbability: return arrivals > 0 ? Double(blocked) / Double(arrivals) : nil
        case .meanQueueLength: return duration > 0 ? queueArea / duration : nil
        case .meanNumberInSystem: return duration > 0 ? systemArea / duration : nil
        }
    }
}

/// A steady-state quantity of a queueing station.
public enum QueueMetric: String, CaseIterable, Sendable {
    /// Wq: mean time from arrival to service start.
    case meanWait = "Wq"
    /// W: mean time in the system.
    case meanSojourn = "W"
    /// P_wait: the probability an admitted customer waits (Erlang C).
    case waitProbability = "P_wait"
    /// P_block: the fraction of arrivals lost to a full system.
    case blockingProbability = "P_block"
    /// Lq: time-average number waiting.
    case meanQueueLength = "Lq"
    /// L: time-average number in the system.
    case meanNumberInSystem = "L"
}

/// Runs a `QueueModel` on the kernel, handing a `QueueTally` to `batch` after every
/// `batchSize` departures, until `batch` returns false or `departureLimit` departures.
///
/// The loop is the kernel benchmark's hot path: value-type events in the heap, a ring buffer of
/// waiting customers, two GSL streams ("arrivals", "service"), no allocation per event.
public struct QueueSimulator {
    public let model: QueueModel
    public let seed: UInt64

    public init(model: QueueModel, seed: UInt64) {
        self.model = model
        self.seed = seed
    }

    /// The outcome of a run: the last instant, the events executed, the digest, and the queue's
    /// largest length (memory use is proportional to it, not to the number of customers).
    public struct Run: Sendable {
        public var endTime: Instant
        public var events: UInt64
        public var digest: TraceDigest
        public var maxWaiting: Int
    }

    public func run(batchSize: Int, departureLimit: Int, batch: (QueueTally) -> Bool) -> Run {
        precondition(batchSize >= 1 && departureLimit >= 1)
        let streams = RandomStreams(runSeed: seed)
        let arrivals = streams.stream(named: "arrivals")
        let service = streams.stream(named: "service")
        let meanInterarrival = 1 / model.arrivalRate
        let serviceLaw = model.service
        let servers = model.servers
        let capacity = model.capacity ?? .max

        var sim = Simulation<QueueEvent>()
        var waiting = Deque<(customer: UInt64, arrived: Instant)>(minimumCapacity: 1024)
        var busy = 0
        var nextCustomer: UInt64 = 0
        var departures = 0
        var tally = QueueTally()
        var lastChange = Instant.zero
        var maxWaiting = 0

        @inline(__always) func serviceTime() -> TimeAmount {
            TimeAmount.saturatingSeconds(max(0, service.sample(serviceLaw)))
        }
        // Schedules cannot fail here: every delay is ≥ 0 and the clock only moves forward.
        try! sim.schedule(.arrival(customer: 0), after: .saturatingSeconds(arrivals.exponential(mean: meanInterarrival)))

        loop: while let event = sim.nextEvent() {
            let now = sim.now
            let dt = (now - lastChange).seconds
            tally.queueArea += Double(waiting.count) * dt
            tally.systemArea += Double(waiting.count + busy) * dt
            tally.duration += dt
            lastChange = now
            switch event {
            case .arrival(let customer):
                nextCustomer = customer &+ 1
                try! sim.schedule(
                    .arrival(customer: nextCustomer),
                    after: .saturatingSeconds(arrivals.exponential(mean: meanInterarrival)))
                tally.arrivals += 1
                if busy + waiting.count >= capacity {
                    tally.blocked += 1
                } else if busy < servers {
                    busy += 1
                    try! sim.schedule(.departure(customer: customer, arrived: now, started: now), after: serviceTime())
                } else {
                    waiting.append((customer, now))
                    if waiting.count > maxWaiting { maxWaiting = waiting.count }
                }
            case .departure(_, let arrived, let started):
                departures += 1
                let wait = (started - arrived).seconds
                tally.departures += 1
                tally.waitSum += wait
                tally.sojournSum += (now - arrived).seconds
                if started > arrived { tally.waited += 1 }
                if let next = waiting.popFirst() {
                    try! sim.schedule(.departure(customer: next.customer, arrived: next.arrived, started: now), after: serviceTime())
                } else {
                    busy -= 1
                }
                if departures % batchSize == 0 {
                    let keepGoing = batch(tally)
                    tally = QueueTally()
                    if !keepGoing || departures >= departureLimit { break loop }
                } else if departures >= departureLimit {
                    _ = batch(tally)
                    break loop
                }
            }
        }
        return Run(endTime: sim.now, events: sim.digest.eventCount, digest: sim.digest, maxWaiting: maxWaiting)
    }
}

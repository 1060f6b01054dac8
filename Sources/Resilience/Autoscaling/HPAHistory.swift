import SimKernel

/// What the HPA controller remembers about one HPA between reconciles (upstream keeps it in memory,
/// per HPA key: `HorizontalController.recommendations`, `scaleUpEvents`, `scaleDownEvents`).
///
/// Order is state: the stabilizers and `storeScaleEvent` overwrite the *last* stale entry rather
/// than appending, and scale events' `isOutdated` marks are sticky.
public struct HPAHistory: Sendable, Hashable {
    /// Past metric proposals (unstabilized), newest values overwrite the last stale slot.
    public var recommendations: [TimestampedRecommendation]
    /// Past scale-ups (positive magnitudes); written only when `behavior` is set.
    public var scaleUpEvents: [ScaleEvent]
    /// Past scale-downs (positive magnitudes); written only when `behavior` is set.
    public var scaleDownEvents: [ScaleEvent]
    /// Whether the controller holds a recommendation list for this HPA. Upstream's
    /// `recordInitialRecommendation` seeds `{current, now}` only when it holds none (first sight or
    /// after a controller restart), which blocks scale-down for one stabilization window.
    public var isTracked: Bool

    /// The memory of a controller that has never seen the HPA.
    public init() {
        self.init(recommendations: [], scaleUpEvents: [], scaleDownEvents: [], isTracked: false)
    }

    public init(recommendations: [TimestampedRecommendation], scaleUpEvents: [ScaleEvent] = [],
                scaleDownEvents: [ScaleEvent] = [], isTracked: Bool = true) {
        self.recommendations = recommendations
        self.scaleUpEvents = scaleUpEvents
        self.scaleDownEvents = scaleDownEvents
        self.isTracked = isTracked
    }

    /// `recordInitialRecommendation`.
    public mutating func recordInitialRecommendation(currentReplicas: Int32, now: Instant) {
        guard !isTracked else { return }
        recommendations = [TimestampedRecommendation(replicas: currentReplicas, timestamp: now)]
        isTracked = true
    }

    /// Records `proposal` the way both stabilizers do: it overwrites the entry at `staleIndex`
    /// (the last stale one) when there is one, else it is appended.
    mutating func record(_ proposal: Int32, now: Instant, overwriting staleIndex: Int?) {
        let entry = TimestampedRecommendation(replicas: proposal, timestamp: now)
        if let staleIndex { recommendations[staleIndex] = entry } else { recommendations.append(entry) }
        isTracked = true
    }

    /// `storeScaleEvent`: after a rescale with a behavior, marks the direction's events older than
    /// its longest policy period as outdated (`markScaleEventsOutdated`) and stores the change,
    /// overwriting the last outdated event or appending. A no-op without a behavior.
    public mutating func storeScaleEvent(behavior: ResolvedBehavior?, from previousReplicas: Int32,
                                         to newReplicas: Int32, now: Instant) {
        guard let behavior else { return }
        if newReplicas > previousReplicas {
            Self.store(&scaleUpEvents, change: newReplicas &- previousReplicas,
                       longestPeriod: behavior.scaleUp.longestPolicyPeriod, now: now)
        } else {
            Self.store(&scaleDownEvents, change: previousReplicas &- newReplicas,
                       longestPeriod: behavior.scaleDown.longestPolicyPeriod, now: now)
        }
    }

    private static func store(_ events: inout [ScaleEvent], change: Int32, longestPeriod: TimeAmount, now: Instant) {
        let cutoff = now - longestPeriod
        var lastOutdated: Int?
        for i in events.indices {
            if events[i].timestamp < cutoff { events[i].isOutdated = true }
            if events[i].isOutdated { lastOutdated = i }
        }
        let event = ScaleEvent(replicaChange: change, timestamp: now)
        if let lastOutdated { events[lastOutdated] = event } else { events.append(event) }
    }

    /// `getReplicasChangePerPeriod`: the sum of `events`' changes strictly inside `period` before `now`.
    public static func replicaChange(in events: [ScaleEvent], within period: TimeAmount, now: Instant) -> Int32 {
        let cutoff = now - period
        var sum: Int32 = 0
        for event in events where event.timestamp > cutoff { sum = sum &+ event.replicaChange }
        return sum
    }
}

/// One stored recommendation (upstream `timestampedRecommendation`).
public struct TimestampedRecommendation: Sendable, Hashable {
    public var replicas: Int32
    public var timestamp: Instant

    public init(replicas: Int32, timestamp: Instant) {
        self.replicas = replicas
        self.timestamp = timestamp
    }
}

/// One stored rescale (upstream `timestampedScaleEvent`): a positive change in either list.
public struct ScaleEvent: Sendable, Hashable {
    public var replicaChange: Int32
    public var timestamp: Instant
    /// Older than the longest policy period at some `storeScaleEvent`; its slot may be reused.
    public var isOutdated: Bool

    public init(replicaChange: Int32, timestamp: Instant, isOutdated: Bool = false) {
        self.replicaChange = replicaChange
        self.timestamp = timestamp
        self.isOutdated = isOutdated
    }
}

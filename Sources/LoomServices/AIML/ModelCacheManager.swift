/// Where a model is in its life on one worker (seed §3.2.1 `ModelState`). The seed declares
/// `COOLING` but never enters it; neither does this model.
public enum ModelState: String, Sendable, CaseIterable {
    case cold, warming, hot, cooling
}

/// What the cache knows about one model (seed §3.2.1 `ModelInfo`).
public struct ModelCacheEntry: Sendable, Equatable {
    /// Size as the cache counts it, MB: the real size (intended) or the seed's 0 (as written).
    public var sizeMB: Double
    /// The model's real weight size, MB (what occupies memory whatever the cache believes).
    public var realSizeMB: Double
    /// How long the last load took, seconds (`load_time_seconds`).
    public var loadTimeSeconds: Double
    public var lastUsed: Instant
    public var usageCount: Int
    public var state: ModelState
}

/// The outcome of making room for a load (seed `ensure_cache_space`).
public enum ModelCacheAdmission: Equatable, Sendable {
    /// The load may proceed; `evicted` were turned cold to make room, in eviction order.
    case admitted(evicted: [Int])
    /// Intended accounting only: even after evicting every idle hot model the load would
    /// exceed the bound (`countedMB` in use plus `requiredMB` > the bound); the load fails.
    case rejected(requiredMB: Double, countedMB: Double, evicted: [Int])
}

/// The model cache of one worker (seed §3.2.1 `ModelCacheManager`) as a value: lookups, the
/// size bound with eviction by usage score, and the state of every model, indexed by the
/// service's model index. It holds no clock; every call takes `now`.
///
/// The usage score is the seed's `calculate_usage_score`: `0.7 × 1/(1 + hours since last use)
/// + 0.3 × min(uses/100, 1)`; eviction takes hot models in ascending score (ties by model index,
/// where the seed's sort is stable over dict insertion order). Models in use (`isPinned`) are
/// never evicted. See `ModelCacheAccounting` for the seed's 0 MB accounting and its variant.
public struct ModelCacheManager: Sendable {
    public let maxCacheSizeMB: Double
    public let accounting: ModelCacheAccounting
    /// Entries by model index; nil for a model never requested on this worker.
    public private(set) var entries: [ModelCacheEntry?]

    public init(modelCount: Int, maxCacheSizeGB: Double, accounting: ModelCacheAccounting) {
        self.maxCacheSizeMB = maxCacheSizeGB * 1_024
        self.accounting = accounting
        self.entries = Array(repeating: nil, count: modelCount)
    }

    /// The seed's `calculate_usage_score`.
    public static func usageScore(lastUsed: Instant, usageCount: Int, now: Instant) -> Double {
        let sinceLastUse = (now - lastUsed).seconds
        let recency = 1 / (1 + sinceLastUse / 3_600)
        let frequency = min(Double(usageCount) / 100, 1)
        return recency * 0.7 + frequency * 0.3
    }

    public func state(of model: Int) -> ModelState { entries[model]?.state ?? .cold }

    /// The size the cache believes it holds (seed `current_cache_size_mb`): hot models, plus
    /// warming ones under intended accounting (their space is reserved when the load starts).
    public var countedSizeMB: Double {
        var total = 0.0
        for case let e? in entries where e.state == .hot || (accounting == .intended && e.state == .warming) {
            total += e.sizeMB
        }
        return total
    }

    /// The real weights of hot and warming models, MB, whatever the accounting says.
    public var residentSizeMB: Double {
        var total = 0.0
        for case let e? in entries where e.state == .hot || e.state == .warming { total += e.realSizeMB }
        return total
    }

    /// `get_model`'s bookkeeping: returns the state the request found. A hit refreshes the
    /// model's recency and counts a use, as the seed; under intended accounting every request
    /// counts as a use, while the seed leaves a cold model's `last_used` and `usage_count` as
    /// they were when it reloads it.
    public mutating func lookUp(_ model: Int, now: Instant) -> ModelState {
        guard var e = entries[model] else { return .cold }
        if e.state == .hot || accounting == .intended {
            e.lastUsed = now
            e.usageCount += 1
        }
        entries[model] = e
        return e.state
    }

    /// Hot models in eviction order: ascending usage score at `now`, ties by model index.
    public func evictionOrder(now: Instant) -> [Int] {
        var scored: [(model: Int, score: Double)] = []
        for (i, e) in entries.enumerated() {
            guard let e, e.state == .hot else { continue }
            scored.append((i, Self.usageScore(lastUsed: e.lastUsed, usageCount: e.usageCount, now: now)))
        }
        scored.sort { $0.score != $1.score ? $0.score < $1.score : $0.model < $1.model }
        return scored.map(\.model)
    }

    /// `load_model`'s start: marks the model warming (creating its entry with one use, as the
    /// seed) and makes room for it (`ensure_cache_space` / `evict_least_used_models`).
    /// Evicted models are cold afterwards; the caller frees their GPU memory.
    public mutating func beginLoad(_ model: Int, sizeMB: Double, now: Instant, isPinned: (Int) -> Bool) -> ModelCacheAdmission {
        let counted = accounting == .intended ? sizeMB : 0
        if var e = entries[model] {
            e.state = .warming
            e.sizeMB = counted
            e.realSizeMB = sizeMB
            entries[model] = e
        } else {
            entries[model] = ModelCacheEntry(sizeMB: counted, realSizeMB: sizeMB, loadTimeSeconds: 0,
                                             lastUsed: now, usageCount: 1, state: .warming)
        }
        // The seed sums hot models only; intended accounting also counts other warming models.
        var current = 0.0
        for (i, e) in entries.enumerated() where i != model {
            guard let e else { continue }
            if e.state == .hot || (accounting == .intended && e.state == .warming) { current += e.sizeMB }
        }
        guard current + sizeMB > maxCacheSizeMB else { return .admitted(evicted: []) }
        // The seed frees the new model's whole estimated size; the intent is to free the deficit.
        let required = accounting == .intended ? current + sizeMB - maxCacheSizeMB : sizeMB
        var freed = 0.0
        var evicted: [Int] = []
        for victim in evictionOrder(now: now) {
            if freed >= required { break }
            if isPinned(victim) { continue }
            freed += entries[victim]!.sizeMB
            current -= entries[victim]!.sizeMB
            entries[victim]!.state = .cold
            evicted.append(victim)
        }
        if accounting == .intended && current + sizeMB > maxCacheSizeMB {
            entries[model]!.state = .cold
            return .rejected(requiredMB: sizeMB, countedMB: current, evicted: evicted)
        }
        return .admitted(evicted: evicted)
    }

    /// The load finished: the model is hot (`load_time_seconds` recorded).
    public mutating func completeLoad(_ model: Int, loadTimeSeconds: Double) {
        entries[model]?.state = .hot
        entries[model]?.loadTimeSeconds = loadTimeSeconds
    }

    /// The load failed (seed: `state = COLD` before raising `ModelLoadError`).
    public mutating func failLoad(_ model: Int) { entries[model]?.state = .cold }

    /// The model was unloaded for another reason (its GPU was lost, memory was reclaimed).
    public mutating func evict(_ model: Int) { entries[model]?.state = .cold }
}

import DequeModule

// MARK: - The consumer group

extension KafkaTopic {
    /// Whether the group is in a rebalance pause (nobody consumes).
    public var isRebalancing: Bool { context.now < pausedUntil }

    /// A consumer joins the group (a consumer pod became ready) and gets a fresh member id, as a
    /// restarted consumer does; the group rebalances.
    public func join() -> UInt64 {
        let m = Member(id: nextMemberID)
        nextMemberID += 1
        members.append(m)
        rebalance()
        return m.id
    }

    /// A member leaves: `graceful` (scale-down: `LeaveGroup`, the group rebalances at once) or
    /// crashed (its partitions stay assigned to it, unconsumed, until `sessionTimeout`). Its
    /// undelivered poll was never committed, so the records go back to the head of their partitions.
    public func leave(_ id: UInt64, graceful: Bool) {
        guard let m = members.first(where: { $0.id == id && $0.alive }) else { return }
        m.alive = false
        if let h = m.pending { context.runtime.cancel(h) }
        m.pending = nil
        m.processing = false
        for chunk in m.inFlight.reversed() { log[chunk.partition].prepend(contentsOf: chunk.records) }
        recordsInLog += m.inFlightCount
        m.inFlight = []
        m.inFlightCount = 0
        if graceful {
            remove(m)
        } else {
            context.after(configuration.sessionTimeout, KafkaEventKinds.sessionTimeout, entity: id) { [unowned self] in self.remove(m) }
        }
    }

    private func remove(_ m: Member) {
        members.removeAll { $0 === m }
        rebalance()
    }

    /// An eager rebalance: every member stops fetching for `rebalanceDelay`, then partitions are
    /// reassigned (polls already being processed finish and are delivered).
    private func rebalance() {
        pausedUntil = context.now + configuration.rebalanceDelay
        if let h = resumeHandle { context.runtime.cancel(h) }
        for m in members where !m.processing {
            if let h = m.pending { context.runtime.cancel(h) }
            m.pending = nil
        }
        resumeHandle = context.at(pausedUntil, KafkaEventKinds.rebalance) { [unowned self] in
            self.resumeHandle = nil
            self.assign()
        }
    }

    /// Kafka's `RangeAssignor`: members by id, each gets ⌊P/n⌋ consecutive partitions and the
    /// first P mod n one more; members beyond P get none.
    private func assign() {
        for p in owner.indices { owner[p] = nil }
        let total = owner.count, n = members.count
        var start = 0
        for (i, m) in members.enumerated() {
            let count = n == 0 ? 0 : total / n + (i < total % n ? 1 : 0)
            m.partitions = Array(start..<(start + count))
            m.cursor = 0
            for p in m.partitions { owner[p] = m }
            start += count
        }
        for m in members where m.alive && !m.processing && m.pending == nil { poll(m) }
    }

    func schedulePoll(_ m: Member, at time: Instant) {
        m.pending = context.at(time, KafkaEventKinds.poll, entity: m.id) { [unowned self] in
            m.pending = nil
            self.poll(m)
        }
    }

    /// One poll: up to `maxPollRecords` fetchable records from the member's partitions, starting
    /// one partition further each time so none starves; the member is then busy processing them.
    func poll(_ m: Member) {
        let now = context.now
        guard m.alive, !m.processing, m.pending == nil, !isBrokerDown, now >= pausedUntil, !m.partitions.isEmpty else { return }
        var budget = configuration.maxPollRecords
        var taken: [(partition: Int, records: [Record])] = []
        let n = m.partitions.count
        for i in 0..<n where budget > 0 {
            let p = m.partitions[(m.cursor + i) % n]
            var chunk: [Record] = []
            while budget > 0, let head = log[p].first, head.visibleAt <= now {
                chunk.append(log[p].removeFirst())
                budget -= 1
            }
            if !chunk.isEmpty { taken.append((p, chunk)) }
        }
        m.cursor = (m.cursor + 1) % n
        let count = configuration.maxPollRecords - budget
        guard count > 0 else {
            // A long poll: the fetch waits for records to accumulate (or become fetchable).
            let next = m.partitions.compactMap { log[$0].first?.visibleAt }.min()
            if let next { schedulePoll(m, at: max(next, now + configuration.fetchWait)) }
            return
        }
        recordsInLog -= count
        m.inFlight = taken
        m.inFlightCount = count
        m.processing = true
        let busy = TimeAmount.saturatingSeconds(Double(count) / configuration.consumerThroughput)
        m.pending = context.after(busy, KafkaEventKinds.deliver, entity: m.id) { [unowned self] in self.deliver(m) }
    }

    private func deliver(_ m: Member) {
        let now = context.now
        let chunks = m.inFlight, count = m.inFlightCount
        m.pending = nil
        m.processing = false
        m.inFlight = []
        m.inFlightCount = 0
        var messages: [Message] = []
        messages.reserveCapacity(count)
        for chunk in chunks {
            for r in chunk.records {
                messages.append(r.message)
                context.metrics.record(deliveryLatency, now - r.producedAt)
            }
        }
        context.metrics.add(consumed, Double(count))
        context.ledger.finish(ledgerService, count: count, .completed, at: now)
        onDeliver(m.id, messages)
        poll(m)
    }
}

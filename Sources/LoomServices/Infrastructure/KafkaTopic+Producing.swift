import DequeModule

// MARK: - Producing, the producer buffer during outages, and retention

extension KafkaTopic {
    /// Sends `message` keyed by `key` (records with one key keep their order in one partition).
    /// Returns the drop reason if the record was dropped at once (also reported to `onDrop`).
    @discardableResult
    public func produce(_ message: Message, key: UInt64) -> KafkaDropReason? {
        let now = context.now
        context.ledger.admit(ledgerService, count: 1)
        context.metrics.add(produced)
        let partition = Int(StableHash.mix(key) % UInt64(log.count))
        let record = Record(message: message, producedAt: now, visibleAt: now)
        if isBrokerDown {
            guard configuration.outageBehavior == .buffer else { return drop(message, .brokerUnavailable) }
            guard buffer.count < configuration.producerBufferLimit else { return drop(message, .producerBufferFull) }
            buffer.append((record, partition))
            armBufferTimer()
            return nil
        }
        append(record, partition: partition)
        return nil
    }

    func append(_ record: Record, partition p: Int) {
        var r = record
        let latency = TimeAmount.saturatingSeconds(max(0, stream.sample(configuration.produceLatency)))
        r.visibleAt = max(tail[p], context.now + latency)
        tail[p] = r.visibleAt
        log[p].append(r)
        recordsInLog += 1
        if let m = owner[p], m.alive, !m.processing, m.pending == nil, context.now >= pausedUntil {
            schedulePoll(m, at: max(r.visibleAt, context.now + configuration.fetchWait))
        }
    }

    @discardableResult
    private func drop(_ message: Message, _ reason: KafkaDropReason) -> KafkaDropReason {
        let i = KafkaDropReason.allCases.firstIndex(of: reason)!
        context.metrics.add(dropCounters[i])
        context.ledger.finish(ledgerService, count: 1, dropStates[i], at: context.now)
        onDrop(message, reason)
        return reason
    }

    private func armBufferTimer() {
        guard bufferTimer == nil, let head = buffer.first?.record else { return }
        bufferTimer = context.at(head.producedAt + configuration.deliveryTimeout, KafkaEventKinds.deliveryTimeout) { [unowned self] in
            self.bufferTimer = nil
            let now = self.context.now
            while let head = self.buffer.first?.record, head.producedAt + self.configuration.deliveryTimeout <= now {
                self.buffer.removeFirst()
                self.drop(head.message, .deliveryTimeout)
            }
            self.armBufferTimer()
        }
    }

    func brokersRecovered() {
        if let t = bufferTimer { context.runtime.cancel(t); bufferTimer = nil }
        while let (record, partition) = buffer.popFirst() { append(record, partition: partition) }
        for m in members where m.alive && !m.processing && m.pending == nil { poll(m) }
    }

    func enforceRetention() {
        let cutoff = context.now - configuration.retention
        for p in log.indices {
            while let head = log[p].first, head.producedAt <= cutoff {
                log[p].removeFirst()
                recordsInLog -= 1
                drop(head.message, .retentionExpired)
            }
        }
    }
}

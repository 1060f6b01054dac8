/// The analytics service's gauges, read at each sampling instant: load, queue depths, batch
/// sizes, events in flight and the §5.3 window aggregates.
extension AnalyticsService {
    func registerGauges() {
        let m = context.metrics
        // Arrivals per second over the last sampling interval.
        var lastArrivals = 0
        var lastRead = context.now
        m.registerGauge("analytics.load", unit: "events/s") { [unowned self] in
            let now = self.context.now, seconds = (now - lastRead).seconds
            defer { lastArrivals = self.accounting.arrivals; lastRead = now }
            return seconds > 0 ? Double(self.accounting.arrivals - lastArrivals) / seconds : 0
        }
        m.registerGauge("analytics.in_flight", unit: "events") { [unowned self] in Double(self.eventsInFlight) }
        for p in EventPriority.allCases {
            let labels = [("priority", p.description)]
            m.registerGauge(metricKey("analytics.queue_depth", labels), unit: "events") { [unowned self] in
                Double(self.queueDepth(p))
            }
            // Mean size of the batches flushed since the last sample (NaN when none was).
            var lastBatches = 0, lastEvents = 0
            m.registerGauge(metricKey("analytics.batch_size", labels), unit: "events") { [unowned self] in
                let i = p.rawValue - 1
                let b = self.accounting.batchesFlushed[i], e = self.accounting.eventsFlushed[i]
                defer { lastBatches = b; lastEvents = e }
                return b > lastBatches ? Double(e - lastEvents) / Double(b - lastBatches) : .nan
            }
        }
        for (w, name) in windows.windowNames.enumerated() {
            let labels = [("window", name)]
            m.registerGauge(metricKey("analytics.window.events", labels), unit: "events") { [unowned self] in
                self.windows.advance(to: self.context.now)
                return Double(self.windows.events(in: w))
            }
            m.registerGauge(metricKey("analytics.window.rate", labels), unit: "events/s") { [unowned self] in
                self.windows.advance(to: self.context.now)
                return self.windows.rate(in: w)
            }
            m.registerGauge(metricKey("analytics.window.unique_users", labels), unit: "users") { [unowned self] in
                self.windows.advance(to: self.context.now)
                return Double(self.windows.uniqueUsers(in: w))
            }
        }
    }

    /// Per-type window gauges, registered when a type first appears (earlier samples are NaN).
    func registerTypeGauges(_ type: String, index: Int) {
        for (w, name) in windows.windowNames.enumerated() {
            context.metrics.registerGauge(metricKey("analytics.window.events", [("type", type), ("window", name)]), unit: "events") {
                [unowned self] in
                self.windows.advance(to: self.context.now)
                return Double(self.windows.events(ofType: index, in: w))
            }
        }
    }
}

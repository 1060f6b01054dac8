/// Object storage and CDN origin (S3-style): where recordings, processing intermediates and
/// renditions live (seed §2.1 "Upload Stage / CDN Distribution", §7.2 snapshots backed up to S3).
///
/// Each request takes a first-byte latency drawn from `firstByteLatency` plus its size over the
/// per-request bandwidth, on a `QueueingResource` of `maxConcurrentRequests` slots named `name`,
/// so the resource's faults apply to it: `datastoreOutage` on `name` rejects everything (and
/// makes stored intermediates unreadable to a recovering job), `dependencyErrors` fails a
/// fraction of requests (S3's 500/503 SlowDown), `dependencyLatency` adds seconds to each.
/// Requests and egress are billed to `objectstore.requests` / `objectstore.egress`.
public final class ObjectStore {
    /// Parameters of the store, with defaults from public S3 figures.
    public struct Configuration: Sendable {
        /// Resource name: metric prefix and fault target (default "object-store").
        public var name: String
        /// Requests in progress at once across the clients that use this store (S3 scales per
        /// prefix to 3,500 PUT and 5,500 GET requests per second; a client fleet's connection
        /// pools are the practical limit). Default 2,000 connections.
        public var maxConcurrentRequests: Int
        /// Requests waiting for a connection beyond which new ones are rejected.
        public var queueLimit: Int
        /// Longest wait for a connection before a request times out.
        public var maxWait: TimeAmount
        /// Time to first byte, seconds (S3: tens to ~200 ms; default lognormal, mean 80 ms, CV 0.6).
        public var firstByteLatency: Distribution
        /// Transfer rate of one request, bytes/s (a single S3 stream sustains ≈ 85–100 MB/s;
        /// multipart uploads parallelize beyond; default 100 MB/s).
        public var bytesPerSecondPerRequest: Double
        /// Dollars per 1,000 writes (S3 Standard PUT: $0.005).
        public var costPerThousandWrites: Double
        /// Dollars per 1,000 reads (S3 Standard GET: $0.0004).
        public var costPerThousandReads: Double
        /// Dollars per GB read out to the internet (S3: $0.09/GB first tier; 0 behind a CDN
        /// that pulls from the origin for free).
        public var egressCostPerGB: Double

        public init(name: String = "object-store", maxConcurrentRequests: Int = 2_000, queueLimit: Int = 100_000,
                    maxWait: TimeAmount = .wholeSeconds(30), firstByteLatency: Distribution? = nil,
                    bytesPerSecondPerRequest: Double = 100e6, costPerThousandWrites: Double = 0.005,
                    costPerThousandReads: Double = 0.0004, egressCostPerGB: Double = 0.09) {
            self.name = name
            self.maxConcurrentRequests = maxConcurrentRequests
            self.queueLimit = queueLimit
            self.maxWait = maxWait
            // Literal parameters known to be valid.
            self.firstByteLatency = firstByteLatency ?? (try! .lognormal(mean: 0.08, coefficientOfVariation: 0.6))
            self.bytesPerSecondPerRequest = bytesPerSecondPerRequest
            self.costPerThousandWrites = costPerThousandWrites
            self.costPerThousandReads = costPerThousandReads
            self.egressCostPerGB = egressCostPerGB
        }

        /// Throws a message naming the first invalid parameter.
        public func validate() throws {
            func fail(_ m: String) -> ObjectStoreError { ObjectStoreError(message: "object store \(name): \(m)") }
            guard !name.isEmpty else { throw fail("name must not be empty") }
            guard maxConcurrentRequests >= 1 else { throw fail("maxConcurrentRequests must be ≥ 1, got \(maxConcurrentRequests)") }
            guard queueLimit >= 0 else { throw fail("queueLimit must be ≥ 0, got \(queueLimit)") }
            guard maxWait > .zero else { throw fail("maxWait must be positive") }
            guard bytesPerSecondPerRequest.isFinite, bytesPerSecondPerRequest > 0 else {
                throw fail("bytesPerSecondPerRequest must be positive, got \(bytesPerSecondPerRequest)")
            }
            for (label, v) in [("costPerThousandWrites", costPerThousandWrites), ("costPerThousandReads", costPerThousandReads),
                               ("egressCostPerGB", egressCostPerGB)] where !(v.isFinite && v >= 0) {
                throw fail("\(label) must be ≥ 0, got \(v)")
            }
        }
    }

    public let configuration: Configuration
    /// The connection pool the requests queue on.
    public let resource: QueueingResource
    private let context: PlatformContext
    private let stream: RandomStream
    private let bytesWritten: MetricsRecorder.Counter
    private let bytesRead: MetricsRecorder.Counter
    private let writeCost: Double
    private let readCost: Double

    /// Throws `ObjectStoreError` for an invalid configuration. One store per name and run.
    public init(configuration: Configuration = Configuration(), context: PlatformContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        stream = context.stream("objectstore.\(configuration.name)")
        resource = QueueingResource(
            name: configuration.name, capacity: configuration.maxConcurrentRequests, queueLimit: configuration.queueLimit,
            maxWait: configuration.maxWait, serviceTime: configuration.firstByteLatency, context: context)
        bytesWritten = context.metrics.registerCounter("\(configuration.name).bytes_written", unit: "bytes")
        bytesRead = context.metrics.registerCounter("\(configuration.name).bytes_read", unit: "bytes")
        writeCost = configuration.costPerThousandWrites / 1_000
        readCost = configuration.costPerThousandReads / 1_000
    }

    /// Whether the store is in an outage (`datastoreOutage` on its name).
    public var isUnavailable: Bool { resource.isUnavailable }
    /// The injected error rate right now (`dependencyErrors` on its name), 0–1.
    public var errorRate: Double { context.faults.magnitude(of: .dependencyErrors, on: configuration.name) }

    /// Seconds a transfer of `bytes` takes once it has a connection, first byte included.
    public func transferSeconds(bytes: Double) -> Double {
        max(0, stream.sample(configuration.firstByteLatency)) + max(0, bytes) / configuration.bytesPerSecondPerRequest
    }

    /// Writes an object of `bytes` for `entity`; `completion` gets the resource's outcome.
    public func put(bytes: Double, entity: UInt64, completion: @escaping (QueueingResource.Outcome) -> Void) {
        context.costs.add(writeCost, to: "objectstore.requests")
        resource.submit(entity: entity, serviceSeconds: transferSeconds(bytes: bytes)) { [unowned self] outcome in
            if outcome.isSuccess { self.context.metrics.add(self.bytesWritten, bytes) }
            completion(outcome)
        }
    }

    /// Reads an object of `bytes`; `toInternet` bills egress (a viewer fetching from the origin).
    public func get(bytes: Double, entity: UInt64, toInternet: Bool = false,
                    completion: @escaping (QueueingResource.Outcome) -> Void) {
        context.costs.add(readCost, to: "objectstore.requests")
        resource.submit(entity: entity, serviceSeconds: transferSeconds(bytes: bytes)) { [unowned self] outcome in
            if outcome.isSuccess {
                self.context.metrics.add(self.bytesRead, bytes)
                if toInternet { self.context.costs.add(bytes / 1e9 * self.configuration.egressCostPerGB, to: "objectstore.egress") }
            }
            completion(outcome)
        }
    }
}

/// An object-store configuration that cannot be modelled.
public struct ObjectStoreError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

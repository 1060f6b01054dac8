import LoomServices

/// The rest of a scenario's platform in a real-mode run: the services that have no real
/// backend on this machine (recording, AI/ML inference — no model weights can be had here —
/// streaming, analytics, user management), built on the real run's host with their modelled
/// service times and fed the scenario's other workloads and faults on the wall clock.
///
/// They are the same service objects as in a simulated run (DESIGN.md §1); only the runtime
/// under them changes. The report's provenance lists them as modelled.
public struct RealModeCompanion: Sendable {
    /// What `install` built: when its last arrival is due (the run does not end before) and
    /// the provenance lines of its parts.
    public struct Installed {
        public var arrivalsEnd: TimeAmount
        public var provenance: [(component: String, real: Bool, detail: String)]
        /// The built platform, kept alive by the session for the whole run (its services'
        /// gauges and loops refer to it unowned).
        public var platform: AnyObject

        public init(arrivalsEnd: TimeAmount, provenance: [(component: String, real: Bool, detail: String)], platform: AnyObject) {
            self.arrivalsEnd = arrivalsEnd
            self.provenance = provenance
            self.platform = platform
        }
    }

    /// Builds the services on `host` and schedules their arrivals and faults, with arrival
    /// times divided by `speedup` (the run's arrival speed-up). Throws for a platform that
    /// cannot be built.
    public var install: @Sendable (_ host: any PlatformHost, _ speedup: Double) throws -> Installed

    public init(install: @escaping @Sendable (_ host: any PlatformHost, _ speedup: Double) throws -> Installed) {
        self.install = install
    }
}

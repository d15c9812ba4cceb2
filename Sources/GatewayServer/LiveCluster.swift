import Engine
import Gateway
import RouterCore
import Simulator
import SwitchyardCore
import Synchronization

/// The console's ``ClusterBackend`` over a running gateway: snapshots from the ``LiveRouter`` (scraped metrics plus
/// the router's ledger and measured latencies), policy switches through the router, bursts through the load
/// generator. A live cluster cannot pause or change speed; those commands are ignored.
///
/// Its A/B runs two ways. A split routes every other real request by B. A twin (``LiveTwin``) routes nothing
/// real: a simulated copy of these backends, on the gateway's latency profile, is fed the real arrivals and routes
/// them by B, and the console shows measured A beside predicted B with the twin's own error on A.
public final class LiveCluster: ClusterBackend {
    let gateway: SwitchyardGateway
    let twin = Mutex<RunningTwin?>(nil)

    struct RunningTwin: Sendable {
        var twin: LiveTwin
        /// The last picture of B, and when it was taken: drawing it re-simulates the unsettled seconds on a copy,
        /// so it is taken at most every ``refresh`` seconds however often the console asks.
        var shown: TwinSnapshot? = nil
        var shownAt = -Double.infinity
    }

    /// Seconds between two pictures of a twin's B side.
    static let refresh = 0.5
    /// Requests a twin's simulations hold before it restarts (``LiveTwin/restarted(inFlight:now:)``): about 7 MB,
    /// and what each picture of B copies.
    static let epochRequests = 20_000

    init(gateway: SwitchyardGateway) { self.gateway = gateway }

    public var policyNames: [String] { gateway.router.policyNames }

    public func snapshot() async -> ClusterSnapshot {
        let now = gateway.clock.now()
        var snapshot = gateway.router.snapshot(now: now, workload: workloadLabel)
        if let predicted = advanceTwin(now: now) { snapshot.twin = predicted }
        return snapshot
    }

    private var workloadLabel: String {
        let port = gateway.port.map { ":\($0)" } ?? ""
        return "gateway \(gateway.configuration.host)\(port)"
    }

    public func setPolicy(_ name: String) async throws {
        try gateway.router.setPolicy(name, now: gateway.clock.now())
    }

    public func injectBurst(_ kind: BurstKind) async throws {
        let count = try gateway.generator.burst(kind)
        gateway.router.noteBurst(kind, requests: count, now: gateway.clock.now())
    }

    public func setPaused(_ paused: Bool) async {}

    public func setSpeed(_ speed: Double) async {}

    /// A live A/B split: every other request is routed by `policy` on the same real cluster.
    public func setComparison(_ policy: String?) async throws {
        try await setComparison(policy, kind: .split)
    }

    /// Starts a split or a twin against `policy`, or stops whichever runs (nil). One comparison runs at a time.
    public func setComparison(_ policy: String?, kind: ComparisonKind) async throws {
        let now = gateway.clock.now()
        guard let policy else {
            stopTwin()
            try gateway.router.setComparison(nil, now: now)
            return
        }
        switch kind {
        case .split:
            stopTwin()
            try gateway.router.setComparison(policy, now: now)
        case .twin:
            try startTwin(policy, now: now)
            try gateway.router.setComparison(nil, now: now)
        }
    }

    /// The profile a twin simulates: the gateway's (`--profile`), else the built-in default.
    var twinProfile: LatencyProfile {
        get throws { try gateway.configuration.profile ?? ProfileCatalog.profile(named: ProfileCatalog.defaultName) }
    }

    /// Starts a twin routed by `policy`, seeded with the requests in flight now.
    func startTwin(_ policy: String, now: Double) throws {
        let router = gateway.router
        let policyB = try router.makePolicy(policy)
        let policyA = try router.makePolicy(router.policyName)
        let configuration = gateway.configuration
        var simulation = SimulationConfig(
            instances: router.descriptors.count,
            profile: try twinProfile,
            buckets: router.buckets,
            scrapeInterval: configuration.scrapeInterval,
            holdLimit: configuration.holdLimit,
            seed: configuration.seed
        )
        simulation.prefixCaching = true
        var started = LiveTwin(
            config: simulation,
            policyA: policyA,
            policyB: policyB,
            predictor: router.lengthPredictor,
            start: now
        )
        for event in router.startTwinFeed(now: now) { started.apply(event) }
        twin.withLock { $0 = RunningTwin(twin: started) }
        router.noteMarker("twin vs \(policy)", now: now)
    }

    func stopTwin() {
        let wasRunning = twin.withLock { running -> Bool in
            defer { running = nil }
            return running != nil
        }
        if wasRunning { gateway.router.stopTwinFeed() }
    }

    /// Feeds the twin what the router saw since the last call and simulates up to `now` (as far as the known
    /// lengths allow). - Returns: its B side, or nil when no twin runs.
    func advanceTwin(now: Double) -> TwinSnapshot? {
        let router = gateway.router
        return twin.withLock { running -> TwinSnapshot? in
            guard var current = running else { return nil }
            running = nil  // so that `current` is the only reference and advancing it copies nothing
            let restart = current.twin.liveIDs.count >= Self.epochRequests
            let (feed, inFlight) = restart ? router.drainTwinFeedWithInFlight() : (router.drainTwinFeed(), [])
            for event in feed {
                if case .policy(let name, let time) = event, let policy = try? router.makePolicy(name) {
                    current.twin.switchPolicyA(policy, at: time)
                }
                current.twin.apply(event)
            }
            if restart { current.twin = current.twin.restarted(inFlight: inFlight, now: now) }
            current.twin.advance(now: now)
            if current.shown == nil || now - current.shownAt >= Self.refresh {
                current.shown = current.twin.snapshot(names: router.descriptors.map(\.name), now: now)
                current.shownAt = now
            }
            running = current
            return current.shown
        }
    }
}

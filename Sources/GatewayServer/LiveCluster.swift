import Gateway
import SwitchyardCore

/// The console's ``ClusterBackend`` over a running gateway: snapshots from the ``LiveRouter`` (scraped metrics plus
/// the router's ledger and measured latencies), policy switches through the router, bursts through the load
/// generator. A live cluster cannot pause or change speed; those commands are ignored.
///
/// Its A/B runs two ways. A split routes every other real request by B. A twin (``LiveTwin``) routes nothing
/// real: a simulated copy of these backends, on the gateway's latency profile, is fed the real arrivals and routes
/// them by B, and the console shows measured A beside predicted B with the twin's own error on A.
public final class LiveCluster: ClusterBackend {
    let gateway: SwitchyardGateway
    /// What the header names this cluster by, when not the gateway's own listener (the endpoint picker names its
    /// gRPC address); read at each snapshot, since a port is known only once bound.
    let label: (@Sendable () -> String)?

    init(gateway: SwitchyardGateway, label: (@Sendable () -> String)? = nil) {
        self.gateway = gateway
        self.label = label
    }

    public var policyNames: [String] { gateway.router.policyNames }

    public func snapshot() async -> ClusterSnapshot {
        let now = gateway.clock.now()
        var snapshot = gateway.router.snapshot(now: now, workload: workloadLabel)
        if let predicted = gateway.twin.advance(now: now) { snapshot.twin = predicted }
        return snapshot
    }

    private var workloadLabel: String {
        if let label { return label() }
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
            gateway.twin.stop()
            try gateway.router.setComparison(nil, now: now)
            return
        }
        switch kind {
        case .split:
            gateway.twin.stop()
            try gateway.router.setComparison(policy, now: now)
        case .twin:
            try gateway.twin.start(policy, now: now)
            try gateway.router.setComparison(nil, now: now)
        }
    }

}

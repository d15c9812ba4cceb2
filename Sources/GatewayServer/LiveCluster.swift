import Gateway
import SwitchyardCore

/// The console's ``ClusterBackend`` over a running gateway: snapshots from the ``LiveRouter`` (scraped metrics plus
/// the router's ledger and measured latencies), policy switches through the router, bursts through the load
/// generator. A live cluster cannot pause or change speed; those commands are ignored.
public final class LiveCluster: ClusterBackend {
    let gateway: SwitchyardGateway

    init(gateway: SwitchyardGateway) { self.gateway = gateway }

    public var policyNames: [String] { gateway.router.policyNames }

    public func snapshot() async -> ClusterSnapshot {
        gateway.router.snapshot(now: gateway.clock.now(), workload: workloadLabel)
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

    /// A live A/B split: every other request is routed by `policy` on the same real cluster, and the console
    /// shows each arm's requests and latencies. (A real cluster has no twin to copy; splitting the traffic is how
    /// two policies are compared on it.)
    public func setComparison(_ policy: String?) async throws {
        try gateway.router.setComparison(policy, now: gateway.clock.now())
    }

    public func setPaused(_ paused: Bool) async {}

    public func setSpeed(_ speed: Double) async {}
}

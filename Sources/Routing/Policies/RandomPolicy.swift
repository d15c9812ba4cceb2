import SwitchyardCore

/// `random`: a uniform choice among healthy instances, from a seeded generator.
public struct RandomPolicy: RoutingPolicy {
    public let name = "random"
    var rng: SplitMix64
    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let healthy = view.instances.indices.filter { view.instances[$0].healthy }
        guard !healthy.isEmpty else { return noHealthyInstance }
        let index = healthy[Int(rng.next() % UInt64(healthy.count))]
        return .pick(view.instances[index].id, reason: "uniform random")
    }
}

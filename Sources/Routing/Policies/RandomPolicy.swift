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

/// SplitMix64: a small, fast, seedable generator (Steele, Lea and Flood, 2014).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

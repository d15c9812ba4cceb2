import SwitchyardCore

/// `power-of-two`: samples two distinct healthy instances and takes the one with fewer outstanding requests, as
/// the SGLang gateway's `power_of_two` does.
public struct PowerOfTwoPolicy: RoutingPolicy {
    public let name = "power-of-two"
    var rng: SplitMix64
    public init(seed: UInt64) { rng = SplitMix64(seed: seed ^ 0x5EED_0002) }

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let healthy = view.instances.indices.filter { view.instances[$0].healthy }
        guard let only = healthy.first else { return noHealthyInstance }
        if healthy.count == 1 { return .pick(view.instances[only].id, reason: "only healthy instance") }
        let a = healthy[Int(rng.next() % UInt64(healthy.count))]
        var b = healthy[Int(rng.next() % UInt64(healthy.count - 1))]
        if b >= a { b = healthy[min(healthy.count - 1, (healthy.firstIndex(of: b) ?? 0) + 1)] }
        let load = view.instances.map { Double($0.outstanding) }
        let pick = load[b] < load[a] ? b : a
        var scores = Array(repeating: Double.infinity, count: view.instances.count)
        scores[a] = load[a]
        scores[b] = load[b]
        return .pick(view.instances[pick].id, scores: scores, reason: "less loaded of two sampled")
    }
}

import SwitchyardCore

/// The tail guard of `least-impact` and `rl-guarded`: a request may only go where its own expected wait for its
/// first token (``MixingImpact/ownWait(prompt:cached:decode:on:cost:)``) is within `slack` of the best instance's,
/// `wait ≤ best · (1 + slack)`, so that a sum over requests cannot buy the many's latency with the few's.
public enum TailGuard {
    /// For each instance of `view`, whether `request` may go there: healthy, and its expected wait within `slack`
    /// of the shortest among the healthy instances. The shortest is always allowed, so some instance is whenever
    /// one is healthy.
    public static func allowed(
        _ request: RequestInfo,
        in view: ClusterView,
        slack: Double,
        impact: MixingImpact
    ) -> [Bool] {
        let waits = view.instances.map { instance in
            impact.ownWait(
                prompt: request.promptTokens,
                cached: instance.expectedCachedTokens,
                decode: request.predictedOutputTokens,
                on: instance,
                cost: view.cost
            )
        }
        var shortest = Double.infinity
        for index in view.instances.indices where view.instances[index].healthy {
            shortest = min(shortest, waits[index])
        }
        let bound = shortest * (1 + slack)
        return view.instances.indices.map { view.instances[$0].healthy && waits[$0] <= bound }
    }
}

import SwitchyardCore

/// `least-impact`: Switchyard's own router. The paper's mixing-impact estimate (``MixingImpact``) with the prefill
/// it causes, and the stall it imposes on the decodes beside it, counted only for the prompt tokens the router's
/// prefix index expects not to be cached on each instance, and a cost for evicting other requests' cached prefixes
/// when the cache is full (``MixingImpact/cacheAwareEstimate(prompt:cached:decode:on:cost:evictionReuse:)``). On a
/// workload without prefix hashes it decides as `workload-aware` does.
public struct LeastImpactPolicy: RoutingPolicy {
    public let name = "least-impact"
    public var impact: MixingImpact
    /// The chance that an evicted cached token would have been used again.
    public var evictionReuse: Double

    public init(impact: MixingImpact = MixingImpact(), evictionReuse: Double = 0.5) {
        self.impact = impact
        self.evictionReuse = evictionReuse
    }

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let decode = request.predictedOutputTokens
        let reason = request.prefix == nil ? "least mixing impact" : "least mixing impact, cached prefix credited"
        return view.pickLeast(reason: reason) { instance in
            impact.cacheAwareEstimate(
                prompt: request.promptTokens,
                cached: instance.expectedCachedTokens,
                decode: decode,
                on: instance,
                cost: view.cost,
                evictionReuse: evictionReuse
            ).combined
        }
    }
}

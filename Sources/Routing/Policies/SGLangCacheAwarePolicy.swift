import SwitchyardCore

/// `sglang-cache-aware`: the SGLang model gateway's `cache_aware` policy with its documented defaults
/// (lightseekorg/smg `model_gateway/src/policies/cache_aware.rs`; `cache_threshold` 0.3,
/// `balance_abs_threshold` 64, `balance_rel_threshold` 1.5 in `model_gateway/src/main.rs`).
///
/// Load is the router's own count of requests in flight per worker. When the load is imbalanced (the busiest
/// worker has more than 64 requests more than the idlest and more than 1.5 times as many) the request goes to the
/// least-loaded worker. Otherwise, when the best prefix match covers more than 30% of the prompt it goes to the
/// worker with that match, else to the least-loaded worker (the current gateway; older versions took the worker
/// with the smallest tree). The match comes from the router's prefix index in tokens, where SGLang matches
/// characters of the request text in a radix tree per worker.
public struct SGLangCacheAwarePolicy: RoutingPolicy {
    public let name = "sglang-cache-aware"
    public var cacheThreshold = 0.3
    public var balanceAbsoluteThreshold = 64
    public var balanceRelativeThreshold = 1.5

    public init() {}

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        var minLoad = Int.max
        var maxLoad = Int.min
        for instance in view.instances where instance.healthy {
            minLoad = min(minLoad, instance.outstanding)
            maxLoad = max(maxLoad, instance.outstanding)
        }
        guard minLoad != Int.max else { return noHealthyInstance }
        let imbalanced =
            maxLoad - minLoad > balanceAbsoluteThreshold
            && Double(maxLoad) > balanceRelativeThreshold * Double(minLoad)
        let prompt = Double(max(1, request.promptTokens))
        let matches = view.instances.map { Double($0.expectedCachedTokens) / prompt }
        if !imbalanced,
            let best = matches.indices.filter({ view.instances[$0].healthy }).max(by: {
                (matches[$0], -view.instances[$0].outstanding) < (matches[$1], -view.instances[$1].outstanding)
            }), matches[best] > cacheThreshold
        {
            return .pick(
                view.instances[best].id,
                scores: matches,
                lowerIsBetter: false,
                reason: "prefix match \(Int((matches[best] * 100).rounded()))% > 30%"
            )
        }
        let reason = imbalanced ? "load imbalanced: least loaded" : "no match above 30%: least loaded"
        return view.pickLeast(reason: reason) { Double($0.outstanding) }
    }
}

import SwitchyardCore

/// `least-impact`: Switchyard's own router. The paper's mixing-impact estimate (``MixingImpact``) with the prefill
/// it causes, and the stall it imposes on the decodes beside it, counted only for the prompt tokens the router's
/// prefix index expects not to be cached on each instance, and a cost for evicting other requests' cached prefixes
/// when the cache is full (``MixingImpact/cacheAwareEstimate(prompt:cached:decode:on:cost:evictionReuse:)``), and
/// the wait for a place in the batch when the instance's batch is full (``MixingImpact/slotWait(_:iteration:)``: a
/// llama.cpp server with a few slots, or vLLM at `max_num_seqs`).
///
/// A tail guard (``TailGuard``) keeps the sum from buying the many's latency with the few's: the impact is a sum over
/// requests, so a long prompt, whose prefill would stall many decodes, is sent wherever few decode, even behind a
/// long queue of other long prompts. With the guard, a request only goes where its own expected wait for its first
/// token (``MixingImpact/ownWait(prompt:cached:decode:on:cost:)``) is within `ttftSlack` of the best instance's
/// (`wait ≤ best · (1 + ttftSlack)`); among those, the least impact wins. Without prefix hashes
/// and with the guard off it decides as `workload-aware` does.
public struct LeastImpactPolicy: RoutingPolicy {
    public let name = "least-impact"
    public var impact: MixingImpact
    /// The chance that an evicted cached token would have been used again.
    public var evictionReuse: Double
    /// How much longer than at the best instance a request may expect to wait for its first token; nil: no guard.
    public var ttftSlack: Double?

    public init(
        impact: MixingImpact = MixingImpact(),
        evictionReuse: Double = LeastImpactPolicy.defaultEvictionReuse,
        ttftSlack: Double? = LeastImpactPolicy.defaultSlack
    ) {
        self.impact = impact
        self.evictionReuse = evictionReuse
        self.ttftSlack = ttftSlack
    }

    /// The default chance that an evicted cached token would have been used again.
    public static let defaultEvictionReuse = 0.5

    /// The guard's default, chosen by measurement (README, "The tail guard"): a request may expect to wait at most
    /// a quarter longer for its first token than at the best instance.
    public static let defaultSlack: Double? = 0.25

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let decode = request.predictedOutputTokens
        let reason = request.prefix == nil ? "least mixing impact" : "least mixing impact, cached prefix credited"
        let scores = view.instances.map { instance in
            impact.cacheAwareEstimate(
                prompt: request.promptTokens,
                cached: instance.expectedCachedTokens,
                decode: decode,
                on: instance,
                cost: view.cost,
                evictionReuse: evictionReuse
            ).combined
        }
        guard let unguarded = argmin(scores, view) else { return noHealthyInstance }
        guard let slack = ttftSlack else { return .pick(view.instances[unguarded].id, scores: scores, reason: reason) }
        let allowed = TailGuard.allowed(request, in: view, slack: slack, impact: impact)
        // The least impact wins when the guard allows it; else the least among those it allows (the shortest wait
        // always is, so there is one).
        if allowed[unguarded] { return .pick(view.instances[unguarded].id, scores: scores, reason: reason) }
        guard let best = argmin(scores, view, where: { allowed[$0] }) else { return noHealthyInstance }
        // The guard leads the reason, so that a log cut to its width still says why the least score lost.
        return .pick(view.instances[best].id, scores: scores, reason: "tail guard: first token sooner here; " + reason)
    }
}

import SwitchyardCore

/// `min-min`: the paper's Min-Min baseline. It estimates, on each instance, when the request would complete if
/// its decode ran to the upper bound of its predicted bucket, and takes the earliest.
///
/// Completion = the queued prefill ahead (`g1·Q`) + its own prefill (`g1·p`) + `upper bound × iteration time`,
/// the iteration time being the instance's current one with the request added.
public struct MinMinPolicy: RoutingPolicy {
    public let name = "min-min"
    public init() {}

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let upper = Double(view.buckets.upperBound(of: request.predictedBucket))
        let p = Double(request.promptTokens)
        let cost = view.cost
        return view.pickLeast(reason: "earliest completion at bucket upper bound") { instance in
            let prefill = cost.perPrefillToken * (Double(instance.prefillPromptTokens) + p)
            let iteration =
                cost.fixed + cost.perDecodeSequence * Double(instance.decodeCount + 1)
                + cost.perContextToken * (Double(instance.decodeContextTokens) + p)
            return prefill + upper * iteration
        }
    }
}

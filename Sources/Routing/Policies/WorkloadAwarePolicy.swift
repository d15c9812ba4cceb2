import SwitchyardCore

/// `workload-aware`: the paper's mixing-impact heuristic. Each instance is scored by ``MixingImpact`` (α·prefill
/// impact + (1−α)·decode impact, in seconds) for the request's prompt and predicted length; the least wins.
///
/// With `useTrueLengths` it is `workload-aware-oracle`: the same heuristic fed the true output length, a
/// REFERENCE that shows how much a better predictor could still add.
public struct WorkloadAwarePolicy: RoutingPolicy {
    public let name: String
    public let usesTrueLengths: Bool
    public var impact: MixingImpact

    public init(impact: MixingImpact = MixingImpact(), useTrueLengths: Bool = false) {
        self.impact = impact
        self.usesTrueLengths = useTrueLengths
        self.name = useTrueLengths ? "workload-aware-oracle" : "workload-aware"
    }

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let decode = usesTrueLengths ? Double(request.trueOutputTokens ?? 0) : request.predictedOutputTokens
        let reason = usesTrueLengths ? "least mixing impact (true lengths, reference)" : "least mixing impact"
        return view.pickLeast(reason: reason) { instance in
            impact.estimate(prompt: request.promptTokens, decode: decode, on: instance, cost: view.cost).combined
        }
    }
}

import SwitchyardCore

/// `least-tokens`: the paper's JSQ baseline, fewest outstanding tokens: prompt tokens of outstanding requests plus
/// their predicted decode tokens not yet streamed.
public struct LeastTokensPolicy: RoutingPolicy {
    public let name = "least-tokens"
    public init() {}
    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        view.pickLeast(reason: "fewest outstanding tokens") { $0.outstandingTokens }
    }
}

import SwitchyardCore

/// `least-requests`: the fewest requests outstanding by the router's own count (AIBrix least-request; the SGLang
/// gateway's fallback).
public struct LeastRequestsPolicy: RoutingPolicy {
    public let name = "least-requests"
    public init() {}
    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        view.pickLeast(reason: "fewest outstanding requests") { Double($0.outstanding) }
    }
}

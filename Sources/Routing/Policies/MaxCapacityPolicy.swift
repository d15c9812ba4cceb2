import SwitchyardCore

/// `max-capacity`: the paper's MaxCapacityUsage baseline; the request goes to the instance with the most spare
/// capacity: free KV tokens minus the prompt tokens already queued there.
public struct MaxCapacityPolicy: RoutingPolicy {
    public let name = "max-capacity"
    public init() {}
    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        view.pickLeast(reason: "most spare KV capacity") { instance in
            let free = (1 - instance.kvUsage) * Double(instance.kvCapacityTokens)
            return -(free - Double(instance.prefillPromptTokens))
        }
    }
}

import SwitchyardCore

/// `round-robin`: the paper's main baseline. Cycles through healthy instances.
public struct RoundRobinPolicy: RoutingPolicy {
    public let name = "round-robin"
    var next = 0
    public init() {}

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let n = view.instances.count
        for offset in 0..<n {
            let index = (next + offset) % n
            if view.instances[index].healthy {
                next = (index + 1) % n
                return .pick(view.instances[index].id, reason: "next in turn")
            }
        }
        return noHealthyInstance
    }
}

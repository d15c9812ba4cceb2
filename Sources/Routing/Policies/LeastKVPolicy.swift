import SwitchyardCore

/// `least-kv`: the lowest KV-cache usage as the engine publishes it; ties go to the shorter waiting queue.
public struct LeastKVPolicy: RoutingPolicy {
    public let name = "least-kv"
    public init() {}
    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        view.pickLeast(reason: "lowest KV usage") { $0.kvUsage + Double($0.waiting) * 1e-6 }
    }
}

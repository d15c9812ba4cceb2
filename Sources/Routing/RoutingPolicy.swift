import SwitchyardCore

/// A routing policy: given a request and what the router knows of the cluster, where should it go?
///
/// Policies are value types; `route` may update their own state (a round-robin cursor, a generator).
public protocol RoutingPolicy: Sendable {
    /// Kebab-case name, as typed on the command line and shown in the console.
    var name: String { get }
    /// True only for the oracle references, which read ``RequestInfo/trueOutputTokens``.
    var usesTrueLengths: Bool { get }
    mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision
    /// Told when a request this policy routed has finished, with its end-to-end latency in seconds (a learning
    /// policy's reward); the others ignore it.
    mutating func observeCompletion(of request: RequestID, e2e: Double)
}

extension RoutingPolicy {
    public var usesTrueLengths: Bool { false }
    public mutating func observeCompletion(of request: RequestID, e2e: Double) {}
}

/// Picks the healthy instance with the least score; ties go by rotation: the scan starts at
/// ``ClusterView/tieBreak`` modulo the instance count, so on an idle or evenly loaded cluster consecutive requests
/// spread over the instances instead of all landing on the first.
///
/// - Returns: the chosen index among the healthy instances `allowed` accepts, or nil when there is none.
func argmin(_ scores: [Double], _ view: ClusterView, where allowed: (Int) -> Bool = { _ in true }) -> Int? {
    let count = scores.count
    guard count > 0 else { return nil }
    let start = ((view.tieBreak % count) + count) % count
    var best: Int? = nil
    for step in 0..<count {
        let index = (start + step) % count
        guard view.instances[index].healthy, allowed(index) else { continue }
        if let b = best, scores[b] <= scores[index] { continue }
        best = index
    }
    return best
}

/// A decision to hold when no instance is healthy.
let noHealthyInstance = RoutingDecision(target: .hold, reason: "no healthy instance; holding")

extension ClusterView {
    /// Scores every instance with `score` and returns the decision for the least one.
    func pickLeast(reason: String, _ score: (InstanceLoad) -> Double) -> RoutingDecision {
        let scores = instances.map(score)
        guard let best = argmin(scores, self) else { return noHealthyInstance }
        return .pick(instances[best].id, scores: scores, reason: reason)
    }
}

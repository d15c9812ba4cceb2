import SwitchyardCore

/// `llm-d`: the llm-d endpoint picker's default scorers without the prefix scorer: a queue scorer and a KV-cache
/// utilization scorer, each weighted 2, and a max-score picker.
///
/// The queue scorer maps the waiting count linearly onto 1 (shortest queue) … 0 (longest), as llm-d's
/// `queue-scorer` normalises across the candidate pods; the KV scorer is `1 − kvUsage`. Ties are broken at random,
/// as llm-d's max-score picker does.
public struct LLMDPolicy: RoutingPolicy {
    public let name = "llm-d"
    var rng: SplitMix64
    public init(seed: UInt64) { rng = SplitMix64(seed: seed ^ 0x11D) }

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        var minQueue = Int.max
        var maxQueue = Int.min
        for instance in view.instances where instance.healthy {
            minQueue = min(minQueue, instance.waiting)
            maxQueue = max(maxQueue, instance.waiting)
        }
        guard minQueue != Int.max else { return noHealthyInstance }
        let span = Double(maxQueue - minQueue)
        let scores = view.instances.map { instance -> Double in
            let queue = span > 0 ? Double(maxQueue - instance.waiting) / span : 1
            return 2 * queue + 2 * (1 - instance.kvUsage)
        }
        var best = -Double.infinity
        var ties: [Int] = []
        for index in scores.indices where view.instances[index].healthy {
            if scores[index] > best + 1e-12 {
                best = scores[index]
                ties = [index]
            } else if abs(scores[index] - best) <= 1e-12 {
                ties.append(index)
            }
        }
        let pick = ties.count == 1 ? ties[0] : ties[Int(rng.next() % UInt64(ties.count))]
        return .pick(view.instances[pick].id, scores: scores, lowerIsBetter: false, reason: "max of 2·queue + 2·kv")
    }
}

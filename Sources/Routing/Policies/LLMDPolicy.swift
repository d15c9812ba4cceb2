import SwitchyardCore

/// `llm-d`: the llm-d endpoint picker's default scorers without the prefix scorer: a queue scorer and a KV-cache
/// utilization scorer, each weighted 2, and a max-score picker. `llm-d-prefix` adds the prefix-cache scorer with
/// weight 3, as llm-d's default scheduling profile does (llm-d/llm-d-inference-scheduler
/// `pkg/epp/config/loader/defaults.go`).
///
/// The queue scorer maps the waiting count linearly onto 1 (shortest queue) … 0 (longest), as llm-d's
/// `queue-scorer` normalises across the candidate pods; the KV scorer is `1 − kvUsage`; the prefix scorer is the
/// share of the prompt's blocks the router's prefix index holds for the pod (llm-d's approximate prefix index:
/// blocks of the prompt hashed and recorded per pod when it picks one, LRU per pod). Ties are broken at random, as
/// llm-d's max-score picker does.
public struct LLMDPolicy: RoutingPolicy {
    public let name: String
    /// Weight of the prefix-cache scorer: 0 for `llm-d`, 3 for `llm-d-prefix`.
    public let prefixWeight: Double
    var rng: SplitMix64

    public init(seed: UInt64, prefixAware: Bool = false) {
        rng = SplitMix64(seed: seed ^ 0x11D)
        name = prefixAware ? "llm-d-prefix" : "llm-d"
        prefixWeight = prefixAware ? 3 : 0
    }

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        var minQueue = Int.max
        var maxQueue = Int.min
        for instance in view.instances where instance.healthy {
            minQueue = min(minQueue, instance.waiting)
            maxQueue = max(maxQueue, instance.waiting)
        }
        guard minQueue != Int.max else { return noHealthyInstance }
        let span = Double(maxQueue - minQueue)
        let prompt = Double(max(1, request.promptTokens))
        let scores = view.instances.map { instance -> Double in
            let queue = span > 0 ? Double(maxQueue - instance.waiting) / span : 1
            let prefix = Double(instance.expectedCachedTokens) / prompt
            return 2 * queue + 2 * (1 - instance.kvUsage) + prefixWeight * prefix
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
        let reason = prefixWeight > 0 ? "max of 3·prefix + 2·queue + 2·kv" : "max of 2·queue + 2·kv"
        return .pick(view.instances[pick].id, scores: scores, lowerIsBetter: false, reason: reason)
    }
}

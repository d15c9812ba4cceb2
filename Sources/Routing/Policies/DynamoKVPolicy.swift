import SwitchyardCore

/// `dynamo-kv`: NVIDIA Dynamo's KV router cost, with its defaults (ai-dynamo/dynamo
/// `lib/kv-router/src/scheduling/selector.rs`; overlap weight 1.0, temperature 0):
/// `cost = 1.0 · prefill blocks + decode blocks`, lowest wins, where the prefill blocks are the prompt tokens not
/// already cached on the worker over the block size, and the decode blocks are the blocks the router counts active
/// on the worker (the prompts and streamed tokens of its requests in flight) plus the request's own. The cached
/// overlap comes from the router's prefix index, as in Dynamo's mode without KV events (it does not read the
/// engines' caches). Ties go to the worker whose index holds the fewest tokens, then by rotation.
public struct DynamoKVPolicy: RoutingPolicy {
    public let name = "dynamo-kv"
    public var overlapWeight = 1.0
    public var blockSize = 16.0

    public init() {}

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let prompt = Double(request.promptTokens)
        let scores = view.instances.map { instance -> Double in
            let prefill = max(0, prompt - Double(instance.expectedCachedTokens)) / blockSize
            let active = Double(instance.outstandingPromptTokens + instance.streamedTokens) / blockSize
            return overlapWeight * prefill + active + (prompt / blockSize).rounded(.up)
        }
        var best: Int? = nil
        let count = scores.count
        let start = count > 0 ? ((view.tieBreak % count) + count) % count : 0
        for step in 0..<count {
            let index = (start + step) % count
            guard view.instances[index].healthy else { continue }
            if let b = best {
                let better =
                    scores[index] < scores[b] - 1e-9
                    || (abs(scores[index] - scores[b]) <= 1e-9
                        && view.instances[index].prefixIndexTokens < view.instances[b].prefixIndexTokens)
                if !better { continue }
            }
            best = index
        }
        guard let best else { return noHealthyInstance }
        return .pick(view.instances[best].id, scores: scores, reason: "least prefill + decode blocks")
    }
}

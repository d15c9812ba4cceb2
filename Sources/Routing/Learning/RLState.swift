import SwitchyardCore

/// What the DQN router sees, one row per action: a row for each instance and one for holding the request. The same
/// network scores every row, so a model serves any number of instances, and permuting the instances permutes the
/// scores (the network is permutation-equivariant).
///
/// A row is `rowSize` numbers:
/// - the instance's own features (``instanceFeatures``, 8 numbers; zeros in the hold row): requests in prefill with a
///   light and a heavy prompt, requests in decode with a light and a heavy predicted decode (the paper's state per
///   instance), the free KV share, the estimated time until its earliest request completes, the prefill work queued
///   on it (its ledger's uncached prompt tokens times the cost per token), and how full its batch is;
/// - the same 8 features less their mean over the healthy instances (the cluster-wide context), so that how this
///   instance compares with the others is read directly;
/// - the request: its prompt tokens and predicted decode bucket;
/// - the router queue's length, and 1 in the hold row (0 in the others).
///
/// Heavy prompt = the top prompt bucket (2,048 tokens or more by default); heavy decode = predicted bucket 1 or
/// more (256 tokens or more). Counts, tokens and seconds are squashed by `x / (x + scale)` into 0…1 (the batch fill is capped at 2),
/// so the state stays bounded however loaded the cluster is; the earliest-completion estimate is the ledger's mean remaining
/// predicted length times the instance's iteration time, since a router's ledger has no per-request order.
public enum RLState {
    /// Numbers per instance.
    public static let instanceFeatureCount = 8
    /// Numbers per row.
    public static let rowSize = 2 * instanceFeatureCount + 4

    /// The rows of a decision: one per instance, in the view's order, then the hold row.
    public static func rows(_ request: RequestInfo, _ view: ClusterView) -> [[Float]] {
        let flat = matrix(request, view)
        return (0...view.instances.count).map { Array(flat[($0 * rowSize)..<(($0 + 1) * rowSize)]) }
    }

    /// ``rows(_:_:)`` laid out in one buffer, row after row (`(instances + 1) × rowSize` numbers): what the router
    /// scores at every decision, built without a buffer per row.
    public static func matrix(_ request: RequestInfo, _ view: ClusterView) -> [Float] {
        let k = instanceFeatureCount
        var features = [Float]()
        features.reserveCapacity(view.instances.count * k)
        var context = [Float](repeating: 0, count: k)
        var healthy = 0
        for instance in view.instances {
            let start = features.count
            appendFeatures(of: instance, view, to: &features)
            guard instance.healthy else { continue }
            for j in 0..<k { context[j] += features[start + j] }
            healthy += 1
        }
        if healthy > 0 { for j in 0..<k { context[j] /= Float(healthy) } }
        let prompt = squash(Double(request.promptTokens), 1024)
        let bucket = Float(request.predictedBucket) / Float(max(1, view.buckets.count - 1))
        let queue = squash(Double(view.routerQueueLength), 4)
        var out = [Float]()
        out.reserveCapacity((view.instances.count + 1) * rowSize)
        for i in 0...view.instances.count {
            let hold = i == view.instances.count
            for j in 0..<k { out.append(hold ? 0 : features[i * k + j]) }
            for j in 0..<k { out.append((hold ? 0 : features[i * k + j]) - context[j]) }
            out.append(prompt)
            out.append(bucket)
            out.append(queue)
            out.append(hold ? 1 : 0)
        }
        return out
    }

    /// One instance's features (see ``RLState``); an instance that is down shows no free KV.
    public static func instanceFeatures(_ instance: InstanceLoad, _ view: ClusterView) -> [Float] {
        var features = [Float]()
        appendFeatures(of: instance, view, to: &features)
        return features
    }

    static func appendFeatures(of instance: InstanceLoad, _ view: ClusterView, to features: inout [Float]) {
        let buckets = view.buckets.count
        let cost = view.cost
        let heavyPrompt = instance.prefillByPromptBucket[buckets - 1]
        let lightPrompt = instance.prefillCount - heavyPrompt
        let lightDecode = instance.decodeByBucket[0]
        let heavyDecode = instance.decodeCount - lightDecode
        let remaining = max(0, instance.predictedDecodeTokens - Double(instance.streamedTokens))
        let meanRemaining = instance.outstanding > 0 ? remaining / Double(instance.outstanding) : 0
        let iteration =
            cost.fixed + cost.perDecodeSequence * Double(instance.decodeCount)
            + cost.perContextToken * Double(instance.decodeContextTokens)
        features.append(squash(Double(lightPrompt), 4))
        features.append(squash(Double(heavyPrompt), 2))
        features.append(squash(Double(lightDecode), 16))
        features.append(squash(Double(heavyDecode), 8))
        features.append(Float(instance.healthy ? 1 - instance.kvUsage : 0))
        features.append(squash(meanRemaining * iteration, 5))
        features.append(squash(cost.perPrefillToken * Double(instance.prefillUncachedTokens), 1))
        features.append(Float(min(2, Double(instance.outstanding) / Double(max(1, instance.maxBatchSize)))))
    }

    /// `x / (x + scale)`: about linear well below `scale`, ½ at `scale`, and bounded by 1, so that an instance
    /// loaded beyond anything seen in training still reads as the most loaded, not as an input the network
    /// extrapolates from (an unbounded feature let it rank a swamped instance best, and send it more).
    static func squash(_ x: Double, _ scale: Double) -> Float {
        let x = max(0, x)
        return Float(x / (x + scale))
    }
}

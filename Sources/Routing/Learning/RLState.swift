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
        var features = [SIMD8<Float>]()
        features.reserveCapacity(view.instances.count)
        let context = context(view) { features.append($0) }
        let tail = requestColumns(request, view)
        var out = [Float]()
        out.reserveCapacity((view.instances.count + 1) * rowSize)
        for i in 0...view.instances.count {
            let hold = i == view.instances.count
            let f = hold ? SIMD8<Float>() : features[i]
            let relative = f - context
            for j in 0..<k { out.append(f[j]) }
            for j in 0..<k { out.append(relative[j]) }
            out.append(contentsOf: tail)
            out.append(hold ? 1 : 0)
        }
        return out
    }

    /// The rows folded for a network's first layer: a row's second block is its features less the context, and
    /// its request and queue numbers are the same in every row, so `W·x + b = (A + B)·f + h·D + (b − B·context +
    /// C·tail)` with `W = [A B C D]`. The rows shrink to the features and the hold flag (9 numbers), and the rest
    /// moves into the first layer's biases, computed once per decision.
    /// - Returns: the rows (`(instances + 1) × 9` numbers) and the first layer that reads them.
    public static func folded(
        _ request: RequestInfo,
        _ view: ClusterView,
        for network: DenseNetwork
    ) -> (rows: [Float], firstLayer: DenseNetwork.FirstLayer) {
        let k = instanceFeatureCount
        let width = k + 1
        var rows = [Float]()
        rows.reserveCapacity((view.instances.count + 1) * width)
        let context = context(view) { f in
            for j in 0..<k { rows.append(f[j]) }
            rows.append(0)
        }
        rows.append(contentsOf: [Float](repeating: 0, count: k))
        rows.append(1)
        let tail = requestColumns(request, view)
        let w = network.weights[0]
        let outputs = network.biases[0].count
        var weights = [Float](repeating: 0, count: outputs * width)
        var biases = network.biases[0]
        for r in 0..<outputs {
            let base = r * rowSize
            for j in 0..<k {
                weights[r * width + j] = w[base + j] + w[base + k + j]
                biases[r] -= w[base + k + j] * context[j]
            }
            weights[r * width + k] = w[base + rowSize - 1]
            for t in 0..<tail.count { biases[r] += w[base + 2 * k + t] * tail[t] }
        }
        return (rows, DenseNetwork.FirstLayer(inputs: width, weights: weights, biases: biases))
    }

    /// One instance's features (see ``RLState``); an instance that is down shows no free KV.
    public static func instanceFeatures(_ instance: InstanceLoad, _ view: ClusterView) -> [Float] {
        let f = Self.features(of: instance, view)
        return (0..<instanceFeatureCount).map { f[$0] }
    }

    /// Calls `each` with every instance's features, in the view's order, and returns their mean over the healthy
    /// instances (the cluster-wide context; zeros when none is healthy).
    @inline(__always)
    static func context(_ view: ClusterView, each: (SIMD8<Float>) -> Void) -> SIMD8<Float> {
        var context = SIMD8<Float>()
        var healthy = 0
        // Through the buffer, so that no instance's load is copied (each holds arrays to retain and release).
        view.instances.withUnsafeBufferPointer { instances in
            for i in instances.indices {
                let f = features(of: instances[i], view)
                each(f)
                guard instances[i].healthy else { continue }
                context += f
                healthy += 1
            }
        }
        if healthy > 0 { context /= Float(healthy) }
        return context
    }

    /// The numbers that are the same in every row: the request's prompt tokens and predicted decode bucket, and the
    /// router queue's length.
    static func requestColumns(_ request: RequestInfo, _ view: ClusterView) -> [Float] {
        [
            squash(Double(request.promptTokens), 1024),
            Float(request.predictedBucket) / Float(max(1, view.buckets.count - 1)),
            squash(Double(view.routerQueueLength), 4),
        ]
    }

    /// The 8 features as one value. (Read with nothing else happening, so that a caller reading the load out of
    /// an array's storage needs no copy of it: a copy retains and releases its four arrays.)
    @inline(__always)
    static func features(of instance: borrowing InstanceLoad, _ view: ClusterView) -> SIMD8<Float> {
        let buckets = view.buckets.count
        let cost = view.cost
        let heavyPrompt = instance.prefillByPromptBucket[buckets - 1]
        let lightPrompt = instance.prefillCount - heavyPrompt
        let lightDecode = instance.decodeByBucket[0]
        let decodeCount = instance.outstanding - instance.prefillCount
        let heavyDecode = decodeCount - lightDecode
        let remaining = max(0, instance.predictedDecodeTokens - Double(instance.streamedTokens))
        let meanRemaining = instance.outstanding > 0 ? remaining / Double(instance.outstanding) : 0
        let iteration =
            cost.fixed + cost.perDecodeSequence * Double(decodeCount)
            + cost.perContextToken * Double(instance.decodeContextTokens)
        return SIMD8(
            squash(Double(lightPrompt), 4),
            squash(Double(heavyPrompt), 2),
            squash(Double(lightDecode), 16),
            squash(Double(heavyDecode), 8),
            Float(instance.healthy ? 1 - instance.kvUsage : 0),
            squash(meanRemaining * iteration, 5),
            squash(cost.perPrefillToken * Double(instance.prefillUncachedTokens), 1),
            Float(min(2, Double(instance.outstanding) / Double(max(1, instance.maxBatchSize))))
        )
    }

    /// `x / (x + scale)`: about linear well below `scale`, ½ at `scale`, and bounded by 1, so that an instance
    /// loaded beyond anything seen in training still reads as the most loaded, not as an input the network
    /// extrapolates from (an unbounded feature let it rank a swamped instance best, and send it more).
    static func squash(_ x: Double, _ scale: Double) -> Float {
        let x = max(0, x)
        return Float(x / (x + scale))
    }
}

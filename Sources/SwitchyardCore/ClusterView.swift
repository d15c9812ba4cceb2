/// The iteration cost coefficients a policy may use to turn tokens into seconds.
///
/// An iteration takes `fixed + perPrefillToken·P + perDecodeSequence·D + perContextToken·C` seconds, with `P`
/// prefill tokens, `D` decoding sequences and `C` context tokens read by attention. For `llama2-7b-v100` the
/// paper gives grad1 = 3.2e-4 s per prefill token and grad2 = 3.3e-5 s (Jain et al., arXiv 2408.13510, sec. 4).
public struct CostModel: Sendable, Equatable, Codable {
    public var fixed: Double
    public var perPrefillToken: Double
    public var perDecodeSequence: Double
    public var perContextToken: Double

    enum CodingKeys: String, CodingKey {
        case fixed = "fixed_s"
        case perPrefillToken = "per_prefill_token_s"
        case perDecodeSequence = "per_decode_sequence_s"
        case perContextToken = "per_context_token_s"
    }

    public init(fixed: Double, perPrefillToken: Double, perDecodeSequence: Double, perContextToken: Double) {
        self.fixed = fixed
        self.perPrefillToken = perPrefillToken
        self.perDecodeSequence = perDecodeSequence
        self.perContextToken = perContextToken
    }

    /// The paper's Llama-2-7B on V100 coefficients.
    public static let paperV100 = CostModel(
        fixed: 0.015,
        perPrefillToken: 3.2e-4,
        perDecodeSequence: 3.3e-5,
        perContextToken: 1.4e-6
    )

    /// Seconds for one iteration with the given batch composition.
    @inlinable
    public func iterationTime(prefillTokens: Int, decodeSequences: Int, contextTokens: Int) -> Double {
        fixed + perPrefillToken * Double(prefillTokens) + perDecodeSequence * Double(decodeSequences)
            + perContextToken * Double(contextTokens)
    }
}

/// What a router knows about one instance: the engine's published metrics plus its own record of what it sent.
///
/// The first group mirrors what vLLM, SGLang and llama.cpp publish on /metrics. The second group is the router's
/// ledger: requests it sent there that have not finished, with their prompt tokens, predicted lengths and the
/// tokens streamed back so far. `trueRemainingDecodeTokens` is filled only for the oracle references.
public struct InstanceLoad: Sendable, Equatable {
    public var id: InstanceID
    public var healthy: Bool
    /// Engine metric: requests waiting in the instance's queue.
    public var waiting: Int
    /// Engine metric: requests in the running batch.
    public var running: Int
    /// Engine metric: KV-cache usage in 0...1.
    public var kvUsage: Double
    /// KV capacity in tokens (blocks × block size).
    public var kvCapacityTokens: Int
    /// Largest batch the instance runs.
    public var maxBatchSize: Int

    /// Ledger: requests routed here and not finished.
    public var outstanding: Int
    /// Ledger: outstanding requests that have streamed no token yet (queued or in prefill).
    public var prefillCount: Int
    /// Ledger: prompt tokens of requests that have streamed no token yet.
    public var prefillPromptTokens: Int
    /// Ledger: prompt tokens of all outstanding requests.
    public var outstandingPromptTokens: Int
    /// Ledger: sum of the predicted response lengths of outstanding requests.
    public var predictedDecodeTokens: Double
    /// Ledger: tokens streamed back so far by outstanding requests.
    public var streamedTokens: Int
    /// Ledger: context tokens (prompt + streamed) held by requests that are decoding.
    public var decodeContextTokens: Int
    /// Ledger: outstanding requests per predicted bucket, split by phase: `[bucket]` for requests in prefill
    /// (no token yet) and in decode.
    public var prefillByBucket: [Int]
    public var decodeByBucket: [Int]
    /// Ledger: outstanding requests per prompt-length bucket (same bucket bounds), split by phase.
    public var prefillByPromptBucket: [Int]
    public var decodeByPromptBucket: [Int]
    /// Oracle only: true decode tokens still to generate on this instance. Zero for other policies.
    public var trueRemainingDecodeTokens: Int
    /// Ledger: prompt tokens of requests that have streamed no token yet, less those the router expected cached
    /// on this instance when it sent them: the prefill work it expects still to be done.
    public var prefillUncachedTokens: Int
    /// For the request being routed: its prompt tokens the router's prefix index expects cached on this instance
    /// (0 when the request carries no prefix hashes).
    public var expectedCachedTokens: Int
    /// Tokens of prefix the router's index holds for this instance.
    public var prefixIndexTokens: Int

    public init(id: InstanceID, buckets: Int, kvCapacityTokens: Int, maxBatchSize: Int) {
        self.id = id
        self.healthy = true
        self.waiting = 0
        self.running = 0
        self.kvUsage = 0
        self.kvCapacityTokens = kvCapacityTokens
        self.maxBatchSize = maxBatchSize
        self.outstanding = 0
        self.prefillCount = 0
        self.prefillPromptTokens = 0
        self.outstandingPromptTokens = 0
        self.predictedDecodeTokens = 0
        self.streamedTokens = 0
        self.decodeContextTokens = 0
        self.prefillByBucket = Array(repeating: 0, count: buckets)
        self.decodeByBucket = Array(repeating: 0, count: buckets)
        self.prefillByPromptBucket = Array(repeating: 0, count: buckets)
        self.decodeByPromptBucket = Array(repeating: 0, count: buckets)
        self.trueRemainingDecodeTokens = 0
        self.prefillUncachedTokens = 0
        self.expectedCachedTokens = 0
        self.prefixIndexTokens = 0
    }

    /// Requests decoding, by the ledger.
    public var decodeCount: Int { outstanding - prefillCount }

    /// Outstanding work in tokens as the paper's JSQ counts it: prompt tokens plus predicted decode tokens not yet
    /// streamed.
    public var outstandingTokens: Double {
        Double(outstandingPromptTokens) + max(0, predictedDecodeTokens - Double(streamedTokens))
    }
}

/// Everything a policy may read when it routes one request.
public struct ClusterView: Sendable {
    /// Current time, in seconds.
    public var now: Double
    public var instances: [InstanceLoad]
    /// Requests held in the router's central queue (the request being routed is not counted).
    public var routerQueueLength: Int
    public var cost: CostModel
    public var buckets: BucketScheme
    /// Requests this router has seen complete since it started.
    public var completedRequests: Int
    /// Where policies start scanning the instances, so that ties go by rotation; the router sets it to the
    /// request's id.
    public var tieBreak: Int

    public init(
        now: Double,
        instances: [InstanceLoad],
        routerQueueLength: Int,
        cost: CostModel,
        buckets: BucketScheme,
        completedRequests: Int = 0,
        tieBreak: Int = 0
    ) {
        self.now = now
        self.tieBreak = tieBreak
        self.completedRequests = completedRequests
        self.instances = instances
        self.routerQueueLength = routerQueueLength
        self.cost = cost
        self.buckets = buckets
    }
}

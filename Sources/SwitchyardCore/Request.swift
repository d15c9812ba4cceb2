/// One inference request as a workload describes it.
///
/// `outputTokens` is the true response length. Only the engine model (which must know when to stop) and the
/// oracle reference policies may read it; every other policy sees a ``RequestInfo``.
public struct Request: Sendable, Equatable {
    public var id: RequestID
    /// Arrival time at the router, in seconds from the start of the run.
    public var arrival: Double
    public var promptTokens: Int
    public var outputTokens: Int
    /// The prompt text when the workload has it (ShareGPT); nil for size-only traces (Azure, Vidur).
    public var text: String?
    /// An application or task hint (for example the Azure service, `code` or `conv`).
    public var hint: String?
    /// The prompt's prefix identity when the workload has it (Mooncake's block hashes, or hashes of the text);
    /// nil when it has none, and then no prefix is shared.
    public var prefix: PrefixHashes?

    public init(
        id: RequestID,
        arrival: Double,
        promptTokens: Int,
        outputTokens: Int,
        text: String? = nil,
        hint: String? = nil,
        prefix: PrefixHashes? = nil
    ) {
        self.id = id
        self.arrival = arrival
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.text = text
        self.hint = hint
        self.prefix = prefix
    }
}

/// What a routing policy may know about a request: the information boundary of design.md.
public struct RequestInfo: Sendable, Equatable {
    public var id: RequestID
    public var arrival: Double
    public var promptTokens: Int
    /// The predicted response-length bucket, an index into the cluster's ``BucketScheme``.
    public var predictedBucket: Int
    /// The predicted response length in tokens (the predictor's point estimate).
    public var predictedOutputTokens: Double
    public var hint: String?
    /// The true response length. Filled in only for policies whose `usesTrueLengths` is true (the oracle
    /// references); nil for every other policy.
    public var trueOutputTokens: Int?
    /// The prompt's prefix hashes when the router has them (from the trace, or hashed from the prompt text).
    public var prefix: PrefixHashes?

    public init(
        id: RequestID,
        arrival: Double,
        promptTokens: Int,
        predictedBucket: Int,
        predictedOutputTokens: Double,
        hint: String? = nil,
        trueOutputTokens: Int? = nil,
        prefix: PrefixHashes? = nil
    ) {
        self.id = id
        self.arrival = arrival
        self.promptTokens = promptTokens
        self.predictedBucket = predictedBucket
        self.predictedOutputTokens = predictedOutputTokens
        self.hint = hint
        self.trueOutputTokens = trueOutputTokens
        self.prefix = prefix
    }
}

/// Where a request is in its life.
public enum Phase: String, Sendable, Codable, CaseIterable {
    /// Held in the router's central queue.
    case held
    /// In an instance's waiting queue (not yet admitted, or preempted and waiting to recompute).
    case waiting
    /// Admitted; its prompt is being prefilled (possibly in chunks).
    case prefill
    /// Generating tokens.
    case decode
    case finished
}

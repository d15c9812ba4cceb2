import SwitchyardCore

/// Something one engine iteration did to a request.
public struct EngineEvent: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// Taken from the waiting queue into the batch (first admission or recompute after preemption).
        case admitted
        /// The prefill finished and produced the request's first token.
        case firstToken
        /// A preempted request finished recomputing and produced its next token; `value` is the gap since its
        /// previous token, in seconds.
        case resumed
        /// The request produced its last token; `value` is the number of tokens it generated.
        case finished
        /// Evicted for lack of KV blocks; its prefill will be recomputed.
        case preempted
    }
    public var kind: Kind
    public var request: RequestID
    /// When it happened: the iteration's start for `admitted` and `preempted`, its end for the others.
    public var time: Double
    public var value: Double

    public init(kind: Kind, request: RequestID, time: Double, value: Double = 0) {
        self.kind = kind
        self.request = request
        self.time = time
        self.value = value
    }
}

/// What one iteration did, besides its events.
public struct IterationSummary: Sendable, Equatable {
    /// Seconds the iteration takes.
    public var duration: Double
    /// Prefill tokens computed (including recompute).
    public var prefillTokens: Int
    /// Sequences that produced a decode token (each is one inter-token gap of `duration`).
    public var decodeTokens: Int

    public init(duration: Double, prefillTokens: Int, decodeTokens: Int) {
        self.duration = duration
        self.prefillTokens = prefillTokens
        self.decodeTokens = decodeTokens
    }
}

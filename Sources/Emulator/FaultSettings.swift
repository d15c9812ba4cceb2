/// Faults an emulated instance injects, set through `POST /admin/faults`.
///
/// Every field is optional in a request body; an absent field keeps its current value.
public struct FaultSettings: Sendable, Equatable, Codable {
    /// Seconds to wait before the first byte of every completion response.
    public var stallSeconds: Double
    /// Probability in 0...1 that a completion request is answered with 500.
    public var errorRate: Double
    /// Answer every request but `/admin/*` with 503, as a server that refuses connections would.
    public var refuse: Bool
    /// End every streaming response after ``dieAfterTokens`` tokens, without `[DONE]`.
    public var dieMidStream: Bool
    /// Tokens a stream delivers before it dies when ``dieMidStream`` is set.
    public var dieAfterTokens: Int

    enum CodingKeys: String, CodingKey {
        case stallSeconds = "stall_seconds"
        case errorRate = "error_rate"
        case refuse
        case dieMidStream = "die_mid_stream"
        case dieAfterTokens = "die_after_tokens"
    }

    /// Creates settings; the defaults inject nothing.
    public init(
        stallSeconds: Double = 0,
        errorRate: Double = 0,
        refuse: Bool = false,
        dieMidStream: Bool = false,
        dieAfterTokens: Int = 3
    ) {
        self.stallSeconds = stallSeconds
        self.errorRate = errorRate
        self.refuse = refuse
        self.dieMidStream = dieMidStream
        self.dieAfterTokens = dieAfterTokens
    }

    /// True when no fault is active.
    public var isEmpty: Bool { stallSeconds <= 0 && errorRate <= 0 && !refuse && !dieMidStream }
}

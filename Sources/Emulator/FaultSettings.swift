/// Faults an emulated instance injects, set through `POST /admin/faults` and cleared by `DELETE /admin/faults` or
/// `POST /admin/faults {}`.
public struct FaultSettings: Sendable, Equatable, Codable {
    /// Seconds to wait before the first byte of every completion response.
    public var stallSeconds: Double
    /// Probability in 0...1 that a completion request is answered with 500.
    public var errorRate: Double
    /// Answer every route but `/admin/*` with 503, `/health` included, as an overloaded or broken server does.
    public var unavailable: Bool
    /// Close the listening socket for ``refuseSeconds``: connections are refused, as by a server that died, then
    /// it listens again with this fault cleared (while it is closed, its `/admin/faults` cannot be reached).
    public var refuse: Bool
    /// Seconds the listener stays closed when ``refuse`` is set.
    public var refuseSeconds: Double
    /// End every streaming response after ``dieAfterTokens`` tokens, without `[DONE]`.
    public var dieMidStream: Bool
    /// Tokens a stream delivers before it dies when ``dieMidStream`` is set.
    public var dieAfterTokens: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case stallSeconds = "stall_seconds"
        case errorRate = "error_rate"
        case unavailable
        case refuse
        case refuseSeconds = "refuse_seconds"
        case dieMidStream = "die_mid_stream"
        case dieAfterTokens = "die_after_tokens"
    }

    /// Creates settings; the defaults inject nothing.
    public init(
        stallSeconds: Double = 0,
        errorRate: Double = 0,
        unavailable: Bool = false,
        refuse: Bool = false,
        refuseSeconds: Double = 10,
        dieMidStream: Bool = false,
        dieAfterTokens: Int = 3
    ) {
        self.stallSeconds = stallSeconds
        self.errorRate = errorRate
        self.unavailable = unavailable
        self.refuse = refuse
        self.refuseSeconds = refuseSeconds
        self.dieMidStream = dieMidStream
        self.dieAfterTokens = dieAfterTokens
    }

    /// True when no fault is active.
    public var isEmpty: Bool { stallSeconds <= 0 && errorRate <= 0 && !unavailable && !refuse && !dieMidStream }
}

/// A partial update of ``FaultSettings``: the fields present in a `POST /admin/faults` body.
struct FaultUpdate: Decodable {
    var stallSeconds: Double?
    var errorRate: Double?
    var refuse: Bool?
    var dieMidStream: Bool?
    var dieAfterTokens: Int?

    enum CodingKeys: String, CodingKey {
        case stallSeconds = "stall_seconds"
        case errorRate = "error_rate"
        case refuse
        case dieMidStream = "die_mid_stream"
        case dieAfterTokens = "die_after_tokens"
    }

    /// Checks the ranges.
    /// - Throws: ``EmulatorError`` naming the first field out of range.
    func validate() throws {
        if let stallSeconds, !(stallSeconds >= 0 && stallSeconds.isFinite) {
            throw EmulatorError.invalidField("stall_seconds", "must be a finite number of seconds >= 0")
        }
        if let errorRate, !(0...1).contains(errorRate) {
            throw EmulatorError.invalidField("error_rate", "must be in 0...1")
        }
        if let dieAfterTokens, dieAfterTokens < 0 {
            throw EmulatorError.invalidField("die_after_tokens", "must be >= 0")
        }
    }

    /// `settings` with this update's fields applied.
    func applied(to settings: FaultSettings) -> FaultSettings {
        var result = settings
        if let stallSeconds { result.stallSeconds = stallSeconds }
        if let errorRate { result.errorRate = errorRate }
        if let refuse { result.refuse = refuse }
        if let dieMidStream { result.dieMidStream = dieMidStream }
        if let dieAfterTokens { result.dieAfterTokens = dieAfterTokens }
        return result
    }
}

import Foundation

/// A `POST /admin/faults` body: the fields present are applied on top of the current faults; an empty object
/// clears them all.
struct FaultUpdate: Decodable {
    var stallSeconds: Double?
    var errorRate: Double?
    var unavailable: Bool?
    var refuse: Bool?
    var refuseSeconds: Double?
    var dieMidStream: Bool?
    var dieAfterTokens: Int?

    typealias CodingKeys = FaultSettings.CodingKeys

    /// True for `{}`: clear every fault.
    var isEmpty: Bool {
        stallSeconds == nil && errorRate == nil && unavailable == nil && refuse == nil && refuseSeconds == nil
            && dieMidStream == nil && dieAfterTokens == nil
    }

    /// Decodes `data`, refusing keys that name no fault.
    /// - Throws: ``EmulatorError`` naming the unknown keys, or the field of the wrong type.
    static func parse(_ data: Data) throws -> FaultUpdate {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EmulatorError.invalidJSON("expected a JSON object of faults")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        let unknown = object.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw EmulatorError.invalidField(
                unknown.joined(separator: "', '"),
                "is not a fault; known: \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        do {
            return try JSONDecoder().decode(FaultUpdate.self, from: data)
        } catch let error as DecodingError {
            throw EmulatorError(decoding: error)
        }
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
        if let refuseSeconds, !(refuseSeconds > 0 && refuseSeconds <= 3600) {
            throw EmulatorError.invalidField("refuse_seconds", "must be a number of seconds in (0, 3600]")
        }
        if let dieAfterTokens, dieAfterTokens < 0 {
            throw EmulatorError.invalidField("die_after_tokens", "must be >= 0")
        }
    }

    /// `settings` with this update's fields applied; no field at all clears every fault.
    func applied(to settings: FaultSettings) -> FaultSettings {
        if isEmpty { return FaultSettings() }
        var result = settings
        if let stallSeconds { result.stallSeconds = stallSeconds }
        if let errorRate { result.errorRate = errorRate }
        if let unavailable { result.unavailable = unavailable }
        if let refuse { result.refuse = refuse }
        if let refuseSeconds { result.refuseSeconds = refuseSeconds }
        if let dieMidStream { result.dieMidStream = dieMidStream }
        if let dieAfterTokens { result.dieAfterTokens = dieAfterTokens }
        return result
    }
}

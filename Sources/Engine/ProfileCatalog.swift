import Foundation
import SwitchyardCore

/// The latency profiles shipped with Switchyard, and loading of profile files.
public enum ProfileCatalog {
    /// The default profile: the paper's testbed.
    public static let defaultName = "llama2-7b-v100"

    /// Every bundled profile, sorted by name.
    public static func bundled() throws -> [LatencyProfile] {
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Profiles"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { throw ProfileError.missingBundle() }
        let urls = names.filter { $0.hasSuffix(".json") }.map { folder.appendingPathComponent($0) }
        return try urls.map { try load(from: $0) }.sorted { $0.name < $1.name }
    }

    /// The bundled profile called `name`, or the profile file at path `name` when it ends in `.json`.
    public static func profile(named name: String) throws -> LatencyProfile {
        if name.hasSuffix(".json") { return try load(from: URL(fileURLWithPath: name)) }
        let all = try bundled()
        guard let found = all.first(where: { $0.name == name }) else {
            throw ProfileError.unknown(name, known: all.map(\.name))
        }
        return found
    }

    /// Loads and validates one profile file.
    public static func load(from url: URL) throws -> LatencyProfile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ProfileError.unreadable(url.path, "\(error)") }
        return try decode(data, file: url.path)
    }

    /// Decodes and validates a profile from JSON data; `file` names it in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws -> LatencyProfile {
        try decode(Data(bytes), file: file)
    }

    /// Decodes and validates a profile from JSON data; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws -> LatencyProfile {
        let profile: LatencyProfile
        do {
            profile = try JSONDecoder().decode(LatencyProfile.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ProfileError.invalid(file, field: key.stringValue, "is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ProfileError.invalid(
                file,
                field: context.codingPath.map(\.stringValue).joined(separator: "."),
                "has the wrong type"
            )
        } catch let DecodingError.valueNotFound(_, context) {
            throw ProfileError.invalid(
                file,
                field: context.codingPath.map(\.stringValue).joined(separator: "."),
                "is null"
            )
        } catch {
            throw ProfileError.invalid(file, field: "-", "is not valid JSON (\(error))")
        }
        let checks: [(String, Bool)] = [
            ("max_batch_size", profile.maxBatchSize > 0),
            ("max_batched_tokens", profile.maxBatchedTokens > 0),
            ("block_size", profile.blockSize > 0),
            ("kv_blocks", profile.kvBlocks > 0),
            ("max_model_len", profile.maxModelLen > 1),
            ("chunk_size", profile.chunkSize > 0),
        ]
        for (field, ok) in checks where !ok { throw ProfileError.invalid(file, field: field, "must be positive") }
        let cost = profile.cost
        let costs: [(String, Double)] = [
            ("cost.fixed_s", cost.fixed), ("cost.per_prefill_token_s", cost.perPrefillToken),
            ("cost.per_decode_sequence_s", cost.perDecodeSequence), ("cost.per_context_token_s", cost.perContextToken),
        ]
        for (field, value) in costs where !(value >= 0 && value.isFinite) {
            throw ProfileError.invalid(file, field: field, "must be 0 or a positive number of seconds")
        }
        // A step of one decode, or of one prompt token, must take time, or the engine could take endless free steps.
        if !(cost.fixed + cost.perDecodeSequence > 0 && cost.fixed + cost.perPrefillToken > 0) {
            throw ProfileError.invalid(
                file,
                field: "cost",
                "must give every step a time: fixed_s + per_decode_sequence_s and fixed_s + per_prefill_token_s must be above 0"
            )
        }
        // A request of the full context must fit the KV cache, or once preempted it could never be admitted again.
        let capacity = profile.kvBlocks.multipliedReportingOverflow(by: profile.blockSize)
        if !capacity.overflow, profile.maxModelLen + 1 > capacity.partialValue {
            throw ProfileError.invalid(
                file,
                field: "max_model_len",
                "must fit the KV cache: \(profile.maxModelLen) tokens, but kv_blocks × block_size is \(capacity.partialValue)"
            )
        }
        return profile
    }
}

/// An error loading a latency profile.
public struct ProfileError: Error, CustomStringConvertible, Sendable {
    public let description: String
    static func missingBundle() -> Self {
        Self(description: "The bundled latency profiles are missing from the build.")
    }
    static func unknown(_ name: String, known: [String]) -> Self {
        Self(
            description:
                "Unknown profile '\(name)'. Known profiles: \(known.joined(separator: ", ")), or a path to a .json file."
        )
    }
    static func unreadable(_ file: String, _ why: String) -> Self {
        Self(description: "Cannot read profile file \(file): \(why)")
    }
    static func invalid(_ file: String, field: String, _ why: String) -> Self {
        Self(description: "Profile file \(file): field '\(field)' \(why).")
    }
}

import Foundation
import SwitchyardCore

/// A generated workload: prompt and output sizes drawn independently and uniformly from integer ranges.
///
/// Spec syntax: `synthetic` or `synthetic:KEY=VALUE,...` with the keys
/// - `prompt=A-B` (or `prompt=N`): prompt tokens, default `100-1000`;
/// - `output=A-B` (or `output=N`): output tokens, default `10-500`;
/// - `count=N`: the number of requests, default the caller's request limit, or 1,000 without one.
///
/// Ranges are inclusive and need 1 ≤ A ≤ B. For example `synthetic:prompt=2000-4000,output=10-50,count=500`. The
/// requests have no text, the hint `synthetic` and no arrival times (the caller assigns them).
public struct SyntheticWorkload: Sendable, Equatable, CustomStringConvertible {
    /// The number of requests when neither the spec nor the caller sets one.
    public static let defaultCount = 1000

    /// Prompt sizes in tokens, drawn uniformly.
    public var promptTokens: ClosedRange<Int>
    /// Output sizes in tokens, drawn uniformly.
    public var outputTokens: ClosedRange<Int>
    /// The number of requests, or nil for the caller's limit (or ``defaultCount``).
    public var count: Int?

    public init(
        promptTokens: ClosedRange<Int> = 100...1000,
        outputTokens: ClosedRange<Int> = 10...500,
        count: Int? = nil
    ) {
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.count = count
    }

    /// The canonical spec text, for example `synthetic:prompt=100-1000,output=10-500`.
    public var description: String {
        var text = "synthetic:prompt=\(Self.format(promptTokens)),output=\(Self.format(outputTokens))"
        if let count { text += ",count=\(count)" }
        return text
    }

    /// Draws `count` requests with ids 0..<count, all arriving at 0.
    public func requests(count: Int, using rng: inout some RandomNumberGenerator) -> [Request] {
        (0..<max(0, count)).map { index in
            Request(
                id: RequestID(index),
                arrival: 0,
                promptTokens: Int.random(in: promptTokens, using: &rng),
                outputTokens: Int.random(in: outputTokens, using: &rng),
                hint: "synthetic"
            )
        }
    }

    /// Parses the part after `synthetic:`.
    /// - Parameters:
    ///   - parameters: the comma-separated `key=value` list (may be empty).
    ///   - spec: the whole spec as typed, for error messages.
    /// - Returns: the defaults overridden by the given keys.
    /// - Throws: ``WorkloadError`` naming the spec and the bad key or value.
    static func parse(_ parameters: String, spec: String) throws -> SyntheticWorkload {
        var result = SyntheticWorkload()
        var seen: Set<String> = []
        for item in parameters.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            guard parts.count == 2 else {
                throw WorkloadError.badSpec(spec, "'\(item)' is not KEY=VALUE (keys: prompt, output, count)")
            }
            guard seen.insert(key).inserted else {
                throw WorkloadError.badSpec(spec, "'\(key)' is given twice")
            }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            switch key {
            case "prompt": result.promptTokens = try range(value, key: key, spec: spec)
            case "output": result.outputTokens = try range(value, key: key, spec: spec)
            case "count":
                guard let count = Int(value), count >= 1 else {
                    throw WorkloadError.badSpec(spec, "count '\(value)' is not a positive integer")
                }
                result.count = count
            default:
                throw WorkloadError.badSpec(spec, "unknown synthetic key '\(key)' (keys: prompt, output, count)")
            }
        }
        return result
    }

    private static func range(_ value: String, key: String, spec: String) throws -> ClosedRange<Int> {
        let bounds = value.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let numbers = bounds.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == bounds.count, let low = numbers.first, let high = numbers.last, low >= 1, low <= high
        else {
            throw WorkloadError.badSpec(spec, "\(key) '\(value)' is not a token range A-B with 1 <= A <= B")
        }
        return low...high
    }

    private static func format(_ range: ClosedRange<Int>) -> String {
        range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
    }
}

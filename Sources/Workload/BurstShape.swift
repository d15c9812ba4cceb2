import SwitchyardCore

/// The exact shape of the workload bursts an operator can inject (``BurstKind``).
///
/// A burst is `count` requests whose arrivals are drawn uniformly within `duration` seconds of its start and sorted,
/// so the whole train lands within that window. Sizes are drawn uniformly from closed integer ranges:
///
/// | kind | requests | window | prompt tokens | output tokens |
/// |---|---|---|---|---|
/// | `prefill-heavy` | 48 | 1 s | 2,000–6,000 | 8–64 |
/// | `decode-heavy` | 48 | 1 s | 50–300 | 400–1,500 |
/// | `mixed` | 48 | 1 s | alternating: even positions prefill-heavy, odd positions decode-heavy | |
///
/// Prefill-heavy mirrors the Azure code trace (long prompts, very short answers); decode-heavy mirrors long chat
/// answers. Every burst request has the hint `burst`. The `conversation` burst is not a train but eight multi-turn
/// chats (``ConversationBurst``).
public struct BurstShape: Sendable, Equatable {
    /// The number of requests in the burst.
    public var count: Int
    /// The window, in seconds, within which all arrivals fall.
    public var duration: Double
    /// Prompt sizes in tokens, drawn uniformly.
    public var promptTokens: ClosedRange<Int>
    /// Output sizes in tokens, drawn uniformly.
    public var outputTokens: ClosedRange<Int>

    public init(count: Int, duration: Double, promptTokens: ClosedRange<Int>, outputTokens: ClosedRange<Int>) {
        self.count = count
        self.duration = duration
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
    }

    /// 48 requests within 1 s, prompts 2,000–6,000 tokens, outputs 8–64 tokens.
    public static let prefillHeavy = BurstShape(count: 48, duration: 1, promptTokens: 2000...6000, outputTokens: 8...64)
    /// 48 requests within 1 s, prompts 50–300 tokens, outputs 400–1,500 tokens.
    public static let decodeHeavy = BurstShape(count: 48, duration: 1, promptTokens: 50...300, outputTokens: 400...1500)

    /// The sizes a burst of this kind cycles through: one shape, or for `mixed` the two alternating.
    public static func shapes(for kind: BurstKind) -> [BurstShape] {
        switch kind {
        case .prefillHeavy: [prefillHeavy]
        case .decodeHeavy: [decodeHeavy]
        case .mixed: [prefillHeavy, decodeHeavy]
        case .conversation: []
        }
    }

    /// Generates one burst.
    /// - Parameters:
    ///   - kind: which burst.
    ///   - time: the start of the burst window, in seconds.
    ///   - firstID: the id of the first request; the others follow consecutively in arrival order.
    ///   - rng: the seeded generator to draw from.
    /// - Returns: 48 requests sorted by arrival within `[time, time + 1)`, hint `burst`.
    public static func requests(
        _ kind: BurstKind,
        startingAt time: Double,
        firstID: Int,
        rng: inout some RandomNumberGenerator
    ) -> [Request] {
        if kind == .conversation {
            let words = BundledPrompts.words
            return ConversationBurst.turns(startingAt: time, words: words, rng: &rng).enumerated().map {
                ConversationBurst.request($0.element, id: firstID + $0.offset)
            }
        }
        let shapes = shapes(for: kind)
        let count = shapes[0].count
        let duration = shapes[0].duration
        let arrivals = (0..<count)
            .map { _ in time + duration * (1 - RandomSampling.unitOpenBelow(using: &rng)) }
            .sorted()
        return arrivals.enumerated().map { index, arrival in
            let shape = shapes[index % shapes.count]
            return Request(
                id: RequestID(firstID + index),
                arrival: arrival,
                promptTokens: Int.random(in: shape.promptTokens, using: &rng),
                outputTokens: Int.random(in: shape.outputTokens, using: &rng),
                hint: "burst"
            )
        }
    }
}

import DequeModule
import SwitchyardCore

/// Completions over the recent past, for the console's windowed latencies and sparklines.
///
/// An A/B arm starts as a copy of the window it splits from, with ``countsFrom`` set to the split: its history
/// (the sparkline) keeps the seconds before the split, while its summaries count only what finished after it.
public struct RecentWindow: Sendable {
    struct Completion: Sendable {
        var time: Double
        var e2e: Double
        /// Nil when its first token's time was not seen (Envoy sent the picker no response body).
        var ttft: Double?
        /// Mean gap between this request's tokens; nil when unknown.
        var tbt: Double?
        var outputTokens: Int
    }
    var completions: Deque<Completion> = []
    var arrivals: Deque<Double> = []
    let span: Double
    /// Completions before this time appear in ``history(now:)`` but not in the summaries.
    public private(set) var countsFrom = -Double.infinity

    public init(span: Double = 60) { self.span = span }

    /// A copy of `window` whose summaries count only completions from `time` on; its history is kept.
    public init(splitFrom window: RecentWindow, at time: Double) {
        self = window
        countsFrom = time
    }

    /// Completions the summaries count.
    var counted: some Sequence<Completion> { completions.lazy.filter { $0.time >= countsFrom } }

    /// Records one completed request.
    /// - Parameters:
    ///   - finished: When it finished.
    ///   - e2e: Arrival to last token, in seconds.
    ///   - ttft: Arrival to first token, in seconds; nil when not seen.
    ///   - firstToken: When its first token came; TBT is `(finished − firstToken) / (outputTokens − 1)`; nil when not
    ///     seen (then TBT is unknown too).
    ///   - outputTokens: Tokens it generated.
    public mutating func add(finished: Double, e2e: Double, ttft: Double?, firstToken: Double?, outputTokens: Int) {
        let tbt = firstToken.map { outputTokens > 1 ? (finished - $0) / Double(outputTokens - 1) : 0 }
        completions.append(Completion(time: finished, e2e: e2e, ttft: ttft, tbt: tbt, outputTokens: outputTokens))
    }

    public mutating func arrived(at time: Double) { arrivals.append(time) }

    public mutating func trim(now: Double) {
        while let first = completions.first, first.time < now - span { completions.removeFirst() }
        while let first = arrivals.first, first < now - span { arrivals.removeFirst() }
    }

    public static func summary(_ values: [Double]) -> LatencySummary {
        guard !values.isEmpty else { return .empty }
        let sorted = values.sorted()
        func at(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(p * Double(sorted.count - 1) + 0.5))] }
        return LatencySummary(
            mean: sorted.reduce(0, +) / Double(sorted.count),
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            count: sorted.count
        )
    }

    public func e2e() -> LatencySummary { Self.summary(counted.map(\.e2e)) }
    public func ttft() -> LatencySummary { Self.summary(counted.compactMap(\.ttft)) }
    public func tbt() -> LatencySummary { Self.summary(counted.filter { $0.outputTokens > 1 }.compactMap(\.tbt)) }

    /// Rates over the last `window` seconds: arrivals, completions and output tokens per second.
    public func rates(now: Double, window: Double = 5) -> (arrivals: Double, completions: Double, tokens: Double) {
        let from = now - window
        let w = max(1e-9, min(window, now))
        let arrivals = self.arrivals.reversed().prefix { $0 >= from }.count
        var completions = 0
        var tokens = 0
        for completion in self.completions.reversed() {
            if completion.time < from { break }
            completions += 1
            tokens += completion.outputTokens
        }
        return (Double(arrivals) / w, Double(completions) / w, Double(tokens) / w)
    }

    /// One point per second of the window, oldest first: percentiles of the completions in that second.
    public func history(now: Double) -> [LatencyPoint] {
        let end = now.rounded(.down)
        let start = max(0, end - span)
        var bins: [[Completion]] = Array(repeating: [], count: Int(end - start))
        for completion in completions where completion.time >= start && completion.time < end {
            bins[min(bins.count - 1, Int(completion.time - start))].append(completion)
        }
        return bins.enumerated().map { index, bin in
            let e2e = Self.summary(bin.map(\.e2e))
            let ttft = Self.summary(bin.compactMap(\.ttft))
            return LatencyPoint(
                time: start + Double(index),
                e2eP50: e2e.p50,
                e2eP99: e2e.p99,
                ttftP50: ttft.p50,
                ttftP99: ttft.p99
            )
        }
    }
}

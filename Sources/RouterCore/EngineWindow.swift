import DequeModule
import SwitchyardCore

/// An engine's recent past as its own counters and histograms tell it: successive scrapes, and the differences
/// between them.
///
/// The engine publishes totals since it started; the window keeps the scrapes of the last ``span`` seconds (and the
/// newest one before, as the baseline), so the latencies over the window are the newest histograms less the
/// baseline's, and rates over a shorter window the same for counters. A counter that goes down means the engine
/// restarted: the window starts over from that scrape.
public struct EngineWindow: Sendable {
    struct Scrape: Sendable {
        var time: Double
        var metrics: EngineMetrics
    }
    private(set) var scrapes: Deque<Scrape> = []
    /// Seconds of history the latencies cover.
    public let span: Double

    public init(span: Double = 60) { self.span = span }

    /// Records a scrape taken at `time` (seconds, nondecreasing).
    public mutating func record(_ metrics: EngineMetrics, at time: Double) {
        if let last = scrapes.last {
            if time < last.time || Self.restarted(from: last.metrics, to: metrics) { scrapes.removeAll() }
        }
        scrapes.append(Scrape(time: time, metrics: metrics))
        while scrapes.count >= 2, scrapes[1].time <= time - span { scrapes.removeFirst() }
    }

    /// What the engine did over the window.
    /// - Parameter rateWindow: Seconds the rates cover (the newest scrape against the newest one at least this
    ///   much older, or the oldest kept).
    /// - Returns: The latencies, rates and preemptions; nil before two scrapes.
    public func stats(rateWindow: Double = 5) -> EngineSideStats? {
        guard let newest = scrapes.last, let oldest = scrapes.first, scrapes.count >= 2 else { return nil }
        let rateBase = scrapes.last { $0.time <= newest.time - rateWindow } ?? oldest
        let rateSeconds = newest.time - rateBase.time
        func rate(_ value: KeyPath<EngineMetrics, Double?>) -> Double? {
            guard rateSeconds > 0, let now = newest.metrics[keyPath: value],
                let then = rateBase.metrics[keyPath: value]
            else { return nil }
            return max(0, now - then) / rateSeconds
        }
        var preemptions: Int?
        if let now = newest.metrics.preemptionsTotal, let then = oldest.metrics.preemptionsTotal {
            preemptions = Int(max(0, now - then).rounded())
        }
        return EngineSideStats(
            window: newest.time - oldest.time,
            latency: histograms()?.summary ?? InstanceLatency(),
            promptTokensPerSecond: rate(\.promptTokensTotal),
            generationTokensPerSecond: rate(\.generationTokensTotal),
            requestsPerSecond: rate(\.requestSuccessTotal),
            preemptions: preemptions
        )
    }

    /// The histograms of what the engine observed over the window (the newest scrape less the oldest kept), for
    /// merging across engines; nil before two scrapes.
    public func histograms() -> LatencyHistograms? {
        guard let newest = scrapes.last?.metrics, let oldest = scrapes.first?.metrics, scrapes.count >= 2 else {
            return nil
        }
        func delta(_ path: KeyPath<EngineMetrics, HistogramCounts?>) -> HistogramCounts? {
            guard let now = newest[keyPath: path], let then = oldest[keyPath: path] else { return nil }
            return now.since(then)
        }
        return LatencyHistograms(
            ttft: delta(\.ttftHistogram),
            interToken: delta(\.interTokenHistogram),
            e2e: delta(\.e2eHistogram)
        )
    }

    /// Mean, p50, p90 and p99 of a histogram; nil when it counted nothing.
    public static func summarize(_ counts: HistogramCounts) -> LatencySummary? {
        guard let mean = counts.mean, let p50 = counts.quantile(0.5), let p90 = counts.quantile(0.9),
            let p99 = counts.quantile(0.99)
        else { return nil }
        return LatencySummary(mean: mean, p50: p50, p90: p90, p99: p99, count: Int(counts.count.rounded()))
    }

    /// Whether a counter went down between two scrapes.
    static func restarted(from old: EngineMetrics, to new: EngineMetrics) -> Bool {
        let counters: [KeyPath<EngineMetrics, Double?>] = [
            \.promptTokensTotal, \.generationTokensTotal, \.requestSuccessTotal, \.preemptionsTotal,
        ]
        for counter in counters {
            if let before = old[keyPath: counter], let after = new[keyPath: counter], after < before { return true }
        }
        let histograms: [KeyPath<EngineMetrics, HistogramCounts?>] = [\.ttftHistogram, \.e2eHistogram]
        for histogram in histograms {
            if let before = old[keyPath: histogram], let after = new[keyPath: histogram], after.count < before.count {
                return true
            }
        }
        return false
    }
}

/// Three latency histograms of one engine, or of several merged.
public struct LatencyHistograms: Sendable, Equatable {
    public var ttft: HistogramCounts?
    public var interToken: HistogramCounts?
    public var e2e: HistogramCounts?

    public init(ttft: HistogramCounts? = nil, interToken: HistogramCounts? = nil, e2e: HistogramCounts? = nil) {
        self.ttft = ttft
        self.interToken = interToken
        self.e2e = e2e
    }

    /// An engine's histograms since it started, as a scrape has them.
    public init(sinceStartOf metrics: EngineMetrics) {
        self.init(ttft: metrics.ttftHistogram, interToken: metrics.interTokenHistogram, e2e: metrics.e2eHistogram)
    }

    /// The engines' histograms added together, metric by metric; a metric is nil when none has it or two disagree
    /// on the bucket bounds (engines of different kinds).
    public static func merged(_ all: [LatencyHistograms]) -> LatencyHistograms {
        func merge(_ path: KeyPath<LatencyHistograms, HistogramCounts?>) -> HistogramCounts? {
            var total: HistogramCounts?
            for histograms in all {
                guard let counts = histograms[keyPath: path] else { continue }
                guard let sum = total else {
                    total = counts
                    continue
                }
                guard let added = sum.adding(counts) else { return nil }
                total = added
            }
            return total
        }
        return LatencyHistograms(ttft: merge(\.ttft), interToken: merge(\.interToken), e2e: merge(\.e2e))
    }

    /// Their percentiles.
    public var summary: InstanceLatency {
        InstanceLatency(
            ttft: ttft.flatMap(EngineWindow.summarize),
            interToken: interToken.flatMap(EngineWindow.summarize),
            e2e: e2e.flatMap(EngineWindow.summarize)
        )
    }
}

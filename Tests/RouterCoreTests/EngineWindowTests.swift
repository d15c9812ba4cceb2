import RouterCore
import SwitchyardCore
import Testing

@Suite struct HistogramCountsTests {
    /// 10 observations up to 0.1 s, 20 more up to 0.5 s, 10 more up to 1 s.
    let counts = HistogramCounts(
        buckets: [(1, 40), (0.1, 10), (.infinity, 40), (0.5, 30)],
        count: 40,
        sum: 16
    )

    @Test func quantilesInterpolateInsideTheBucketAsPrometheusDoes() throws {
        let counts = try #require(counts)
        #expect(counts.bounds == [0.1, 0.5, 1])
        // Rank 20 is half way through (0.1, 0.5]; rank 39.6 is 96% through (0.5, 1]; rank 4 is 40% of [0, 0.1].
        #expect(abs((counts.quantile(0.5) ?? 0) - 0.3) < 1e-12)
        #expect(abs((counts.quantile(0.99) ?? 0) - 0.98) < 1e-12)
        #expect(abs((counts.quantile(0.1) ?? 0) - 0.04) < 1e-12)
        #expect(counts.mean == 0.4)
    }

    @Test func aRankInTheInfiniteBucketAnswersTheHighestFiniteBound() throws {
        let counts = try #require(HistogramCounts(buckets: [(0.5, 5), (1, 6), (.infinity, 10)]))
        #expect(counts.quantile(0.9) == 1)
        #expect(counts.quantile(0.5) == 0.5)
    }

    @Test func theDifferenceOfTwoScrapesIsWhatHappenedBetween() throws {
        let earlier = try #require(HistogramCounts(buckets: [(0.1, 8), (0.5, 10), (1, 10), (.infinity, 10)], sum: 1))
        let later = try #require(counts)
        let delta = try #require(later.since(earlier))
        #expect(delta.cumulative == [2, 20, 30])
        #expect(delta.count == 30)
        #expect(delta.sum == 15)
        // Everything new is above 0.1 s, so the median is above it.
        #expect((delta.quantile(0.5) ?? 0) > 0.1)
        // Counts that went down (a restart) and different bounds have no difference.
        #expect(earlier.since(later) == nil)
        let other = try #require(HistogramCounts(buckets: [(0.2, 1), (.infinity, 1)]))
        #expect(later.since(other) == nil)
    }

    @Test func malformedBucketsAreNotAHistogram() {
        #expect(HistogramCounts(buckets: []) == nil)
        #expect(HistogramCounts(buckets: [(0.1, 5), (0.5, 3)]) == nil)
        #expect(HistogramCounts(buckets: [(0.1, .nan)]) == nil)
        #expect(HistogramCounts(buckets: [(0.1, 5), (.infinity, 4)]) == nil)
        #expect(HistogramCounts(buckets: [(.nan, 1)]) == nil)
    }

    @Test func anEmptyHistogramHasNoQuantile() throws {
        let empty = try #require(HistogramCounts(buckets: [(0.1, 0), (.infinity, 0)]))
        #expect(empty.quantile(0.5) == nil)
        #expect(empty.mean == nil)
    }
}

@Suite struct EngineWindowTests {
    /// A vLLM scrape whose counters and TTFT histogram stand at `total` (every request's TTFT under 0.1 s, except
    /// `slow` of them under 1 s).
    func scrape(total: Double, slow: Double = 0) -> EngineMetrics {
        var metrics = EngineMetrics(
            kind: .vllm,
            waiting: 0,
            running: 1,
            promptTokensTotal: total * 100,
            generationTokensTotal: total * 10,
            preemptionsTotal: (total / 10).rounded(.down)
        )
        metrics.requestSuccessTotal = total
        metrics.ttftHistogram = HistogramCounts(
            buckets: [(0.1, total - slow), (1, total), (.infinity, total)],
            sum: total * 0.05 + slow * 0.5
        )
        return metrics
    }

    @Test func ratesAndLatenciesComeFromTheDifferenceOfScrapes() throws {
        var window = EngineWindow(span: 60)
        #expect(window.stats() == nil)
        // 10 requests a second for 20 s; the last 10 s add 10 slow ones.
        for second in 0...10 { window.record(scrape(total: Double(second) * 10), at: Double(second)) }
        for second in 11...20 {
            window.record(scrape(total: Double(second) * 10, slow: Double(second - 10)), at: Double(second))
        }
        let stats = try #require(window.stats(rateWindow: 5))
        #expect(stats.window == 20)
        #expect(stats.requestsPerSecond == 10)
        #expect(stats.promptTokensPerSecond == 1000)
        #expect(stats.generationTokensPerSecond == 100)
        #expect(stats.preemptions == 20)
        let ttft = try #require(stats.latency.ttft)
        #expect(ttft.count == 200)
        // 190 under 0.1 s and 10 under 1 s: the median inside the first bucket, p99 in the second.
        #expect(ttft.p50 < 0.1)
        #expect(ttft.p99 > 0.1 && ttft.p99 <= 1)
        #expect(stats.latency.e2e == nil)
    }

    @Test func theWindowKeepsOneScrapeBeforeItsSpanAsTheBaseline() throws {
        var window = EngineWindow(span: 10)
        for second in 0...30 { window.record(scrape(total: Double(second)), at: Double(second)) }
        let stats = try #require(window.stats())
        #expect(stats.window == 10)
        #expect(stats.latency.ttft?.count == 10)
    }

    @Test func aCounterGoingDownStartsTheWindowOver() throws {
        var window = EngineWindow()
        window.record(scrape(total: 500), at: 0)
        window.record(scrape(total: 600), at: 1)
        window.record(scrape(total: 2), at: 2)  // restarted
        #expect(window.stats() == nil)
        window.record(scrape(total: 12), at: 3)
        let stats = try #require(window.stats())
        #expect(stats.requestsPerSecond == 10)
        #expect(stats.latency.ttft?.count == 10)
    }

    @Test func anEngineWithoutHistogramsHasRatesOnly() throws {
        var window = EngineWindow()
        window.record(EngineMetrics(kind: .llamacpp, waiting: 0, running: 0, generationTokensTotal: 0), at: 0)
        window.record(EngineMetrics(kind: .llamacpp, waiting: 0, running: 0, generationTokensTotal: 40), at: 2)
        let stats = try #require(window.stats())
        #expect(stats.generationTokensPerSecond == 20)
        #expect(stats.requestsPerSecond == nil)
        #expect(stats.latency == InstanceLatency())
        #expect(stats.preemptions == nil)
    }
}

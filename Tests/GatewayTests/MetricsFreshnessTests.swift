import RouterCore
import Testing

@testable import Gateway

@Suite struct MetricsFreshnessTests {
    @Test func isNeverFreshBeforeTheFirstScrape() {
        let freshness = MetricsFreshness()
        #expect(freshness.state(at: 100) == .never)
        #expect(!freshness.isFresh(at: 100))
        #expect(freshness.stalenessBound == 2)
    }

    @Test func turnsStaleAfterTheBound() {
        var freshness = MetricsFreshness()
        freshness.recordGoodScrape(at: 10)
        #expect(freshness.state(at: 10) == .fresh(age: 0))
        #expect(freshness.state(at: 11.5) == .fresh(age: 1.5))
        #expect(freshness.isFresh(at: 12))
        #expect(freshness.state(at: 12.25) == .stale(age: 2.25))
        #expect(!freshness.isFresh(at: 12.25))
        freshness.recordGoodScrape(at: 12.2)
        #expect(freshness.isFresh(at: 12.25))
    }

    @Test func ignoresAnOlderScrapeAndClampsNegativeAges() {
        var freshness = MetricsFreshness(lastGoodScrape: 5, stalenessBound: 0.5)
        freshness.recordGoodScrape(at: 3)
        #expect(freshness.lastGoodScrape == 5)
        #expect(freshness.state(at: 4) == .fresh(age: 0))
        #expect(freshness.state(at: 5.6) == .stale(age: 5.6 - 5))
    }
}

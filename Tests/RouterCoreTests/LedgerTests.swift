import RouterCore
import SwitchyardCore
import Testing

@Suite struct LedgerTests {
    func entry(prompt: Int, bucket: Int, predicted: Double) -> LedgerEntry {
        LedgerEntry(
            promptTokens: prompt,
            predictedBucket: bucket,
            promptBucket: BucketScheme.paper.bucket(of: prompt),
            predictedTokens: predicted
        )
    }

    @Test func aRequestsLifeLeavesTheLedgerEmptyAndConsistentAtEveryStep() {
        var load = InstanceLoad(id: InstanceID(0), buckets: 3, kvCapacityTokens: 1000, maxBatchSize: 8)
        let a = entry(prompt: 300, bucket: 1, predicted: 500.5)
        let b = entry(prompt: 50, bucket: 0, predicted: 20)
        load.admit(a)
        #expect(load.ledgerViolation == nil)
        load.admit(b)
        #expect(load.prefillCount == 2)
        #expect(load.prefillByPromptBucket == [1, 1, 0])
        load.startDecode(a, streamed: 0)
        load.stream(7, decoding: true)
        #expect(load.ledgerViolation == nil)
        #expect(load.decodeCount == 1)
        #expect(load.decodeContextTokens == 307)
        #expect(load.outstandingTokens == 350 + (520.5 - 7))
        // b leaves before its first token (abandoned), a completes.
        load.remove(b, streamed: 0, decoding: false)
        #expect(load.ledgerViolation == nil)
        load.remove(a, streamed: 7, decoding: true)
        #expect(load.ledgerViolation == nil)
        var empty = InstanceLoad(id: InstanceID(0), buckets: 3, kvCapacityTokens: 1000, maxBatchSize: 8)
        empty.kvUsage = load.kvUsage
        #expect(load == empty)
    }

    @Test func aWrongRemovalIsReportedWithItsValues() {
        var load = InstanceLoad(id: InstanceID(2), buckets: 3, kvCapacityTokens: 1000, maxBatchSize: 8)
        let a = entry(prompt: 300, bucket: 1, predicted: 10)
        load.admit(a)
        // Removed as if it were decoding, though it never streamed a token.
        load.remove(a, streamed: 0, decoding: true)
        let violation = load.ledgerViolation
        #expect(violation != nil)
        #expect(violation?.contains("instance 2") == true)
    }

    @Test func entriesClampThePredictedBucketIntoTheScheme() {
        let info = RequestInfo(
            id: RequestID(1),
            arrival: 0,
            promptTokens: 3000,
            predictedBucket: 9,
            predictedOutputTokens: 40
        )
        let made = LedgerEntry(info, buckets: .paper)
        #expect(made.predictedBucket == 2)
        #expect(made.promptBucket == 2)
    }
}

@Suite struct RecentWindowTests {
    @Test func aSplitKeepsTheHistoryButCountsFromTheSplit() {
        var window = RecentWindow()
        for second in 0..<5 {
            window.add(finished: Double(second) + 0.5, e2e: 2, ttft: 0.5, firstToken: Double(second), outputTokens: 3)
        }
        var arm = RecentWindow(splitFrom: window, at: 5)
        #expect(arm.e2e().count == 0)
        #expect(arm.history(now: 6).filter { $0.e2eP50 > 0 }.count == 5)
        arm.add(finished: 5.5, e2e: 4, ttft: 1, firstToken: 5, outputTokens: 2)
        #expect(arm.e2e().count == 1)
        #expect(arm.e2e().mean == 4)
        #expect(window.e2e().count == 5)
    }

    @Test func trimDropsWhatLeftTheSpanAndRatesCountTheLastSeconds() {
        var window = RecentWindow(span: 10)
        for second in 0..<20 {
            window.arrived(at: Double(second))
            window.add(finished: Double(second), e2e: 1, ttft: 0.1, firstToken: Double(second) - 0.9, outputTokens: 10)
        }
        window.trim(now: 20)
        #expect(window.e2e().count == 10)
        let rates = window.rates(now: 20, window: 5)
        #expect(rates.arrivals == 1)
        #expect(rates.completions == 1)
        #expect(rates.tokens == 10)
    }
}

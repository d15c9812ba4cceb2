import SwitchyardCore
import Testing

@Suite struct BucketSchemeTests {
    @Test func bucketsFollowTheBoundsWithTheUpperBoundExclusive() {
        let scheme = BucketScheme.paper
        #expect(scheme.count == 3)
        #expect([0, 255, 256, 2047, 2048, 100_000].map(scheme.bucket(of:)) == [0, 0, 1, 1, 2, 2])
        #expect((0..<3).map(scheme.lowerBound(of:)) == [0, 256, 2048])
        #expect((0..<3).map(scheme.upperBound(of:)) == [256, 2048, 4096])
        #expect((0..<3).map(scheme.label(of:)) == ["<256", "256-2k", "2k+"])
    }

    @Test func labelsShortenThousands() {
        let scheme = BucketScheme(bounds: [100, 1000, 4096])
        #expect((0..<4).map(scheme.label(of:)) == ["<100", "100-1k", "1k-4k", "4k+"])
    }
}

@Suite struct SplitMix64Tests {
    @Test func isDeterministicAndMatchesTheReferenceSequence() {
        // The first outputs for seed 0 from the reference implementation (Vigna's splitmix64.c).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }

    @Test func derivedStreamsDifferAndDoNotAdvanceTheParent() {
        let parent = SplitMix64(seed: 7)
        var one = parent.derived(stream: 1)
        var two = parent.derived(stream: 2)
        #expect(one.next() != two.next())
        #expect(parent == SplitMix64(seed: 7))
    }
}

@Suite struct CostModelTests {
    @Test func iterationTimeAddsEachTerm() {
        let cost = CostModel(fixed: 0.01, perPrefillToken: 1e-4, perDecodeSequence: 1e-3, perContextToken: 1e-6)
        let time = cost.iterationTime(prefillTokens: 100, decodeSequences: 4, contextTokens: 1000)
        #expect(abs(time - (0.01 + 0.01 + 0.004 + 0.001)) < 1e-12)
    }

    @Test func durationsConvertToSeconds() {
        #expect(Duration.milliseconds(1500).inSeconds == 1.5)
        #expect(abs(Duration.nanoseconds(1).inSeconds - 1e-9) < 1e-18)
    }
}

/// The decision log's record of a decision: the best scores, and always the chosen instance's.
@Suite struct DecisionRecordTests {
    let request = RequestInfo(
        id: RequestID(7),
        arrival: 0,
        promptTokens: 500,
        predictedBucket: 0,
        predictedOutputTokens: 50
    )

    @Test func theThreeBestScoresAreKeptBestFirst() {
        let decision = RoutingDecision.pick(InstanceID(1), scores: [3, 1, 4, 2, 5], reason: "least")
        let record = DecisionRecord(time: 0, request: request, decision: decision, policy: "p")
        #expect(record.topScores.map(\.instance) == [1, 3, 0])
        #expect(record.instance == 1)
    }

    @Test func aChoiceBeyondTheThreeBestTakesTheThirdPlace() {
        // A tail guard sent the request to instance 4, the worst score: the log must still show its score.
        let decision = RoutingDecision.pick(InstanceID(4), scores: [3, 1, 4, 2, 5], reason: "tail guard")
        let record = DecisionRecord(time: 0, request: request, decision: decision, policy: "p")
        #expect(record.topScores.map(\.instance) == [1, 3, 4])
        #expect(record.topScores.last?.score == 5)
    }

    @Test func aHoldKeepsTheThreeBest() {
        let decision = RoutingDecision(target: .hold, scores: [3, 1, 4, 2, 5], reason: "hold")
        let record = DecisionRecord(time: 0, request: request, decision: decision, policy: "p")
        #expect(record.topScores.map(\.instance) == [1, 3, 0])
        #expect(record.instance == nil)
    }
}

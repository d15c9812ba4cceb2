import SwitchyardCore
import Testing

@testable import Routing

/// Three instances; `cached[i]` of the 1,000-token prompt expected cached on instance i; `outstanding[i]`
/// requests there.
func prefixView(cached: [Int], outstanding: [Int], waiting: [Int]? = nil) -> ClusterView {
    let instances = cached.indices.map { i -> InstanceLoad in
        var load = InstanceLoad(id: InstanceID(i), buckets: 3, kvCapacityTokens: 400_000, maxBatchSize: 256)
        load.expectedCachedTokens = cached[i]
        load.outstanding = outstanding[i]
        load.prefillCount = 0
        load.running = outstanding[i]
        load.waiting = waiting?[i] ?? 0
        load.outstandingPromptTokens = outstanding[i] * 1000
        load.decodeContextTokens = outstanding[i] * 1000
        load.decodeByBucket = [outstanding[i], 0, 0]
        load.decodeByPromptBucket = [0, outstanding[i], 0]
        return load
    }
    return ClusterView(
        now: 0,
        instances: instances,
        routerQueueLength: 0,
        cost: .paperV100,
        buckets: BucketScheme(bounds: [256, 2048]),
        completedRequests: 0
    )
}

let thousand = RequestInfo(
    id: RequestID(1),
    arrival: 0,
    promptTokens: 1000,
    predictedBucket: 1,
    predictedOutputTokens: 100
)

@Suite struct PrefixAwarePolicyTests {
    @Test func sglangTakesTheBestMatchAboveThirtyPercentElseTheLeastLoaded() {
        var policy = SGLangCacheAwarePolicy()
        let match = policy.route(thousand, in: prefixView(cached: [0, 400, 200], outstanding: [1, 5, 2]))
        #expect(match.target == .instance(InstanceID(1)), "40% > 30%: the match wins over load")
        let low = policy.route(thousand, in: prefixView(cached: [0, 250, 200], outstanding: [3, 5, 2]))
        #expect(low.target == .instance(InstanceID(2)), "25% is not enough: least loaded")
        let imbalanced = policy.route(thousand, in: prefixView(cached: [0, 900, 0], outstanding: [10, 100, 12]))
        #expect(imbalanced.target == .instance(InstanceID(0)), "100 > 64 + 10 and > 1.5 x 10: balance first")
    }

    @Test func llmdPrefixWeighsTheMatchThreeToTwoAgainstQueueAndKV() {
        // Instance 1 holds 60% of the prompt (3 x 0.6 = 1.8) but has the longest queue (2 x 0 instead of 2 x 1):
        // 1.8 + 0 + 2 against 0 + 2 + 2 elsewhere: the others win; with 90% it wins (2.7 + 2 > 4).
        var policy = LLMDPolicy(seed: 1, prefixAware: true)
        let sixty = policy.route(
            thousand,
            in: prefixView(cached: [0, 600, 0], outstanding: [1, 1, 1], waiting: [0, 4, 0])
        )
        #expect(sixty.target != .instance(InstanceID(1)))
        let ninety = policy.route(
            thousand,
            in: prefixView(cached: [0, 900, 0], outstanding: [1, 1, 1], waiting: [0, 4, 0])
        )
        #expect(ninety.target == .instance(InstanceID(1)))
        var plain = LLMDPolicy(seed: 1)
        let ignores = plain.route(
            thousand,
            in: prefixView(cached: [0, 900, 0], outstanding: [1, 1, 1], waiting: [0, 4, 0])
        )
        #expect(ignores.target != .instance(InstanceID(1)), "llm-d without the prefix scorer ignores the match")
    }

    @Test func dynamoChargesUncachedPrefillBlocksAgainstActiveBlocks() {
        var policy = DynamoKVPolicy()
        // Instance 0: nothing cached, 1 request (1000 active tokens): 1000/16 + 1000/16.
        // Instance 1: 960 cached, 3 requests: 40/16 + 3000/16 = 190 < 125? No: 2.5 + 187.5 = 190 > 125.
        // Instance 2: 960 cached, 1 request: 2.5 + 62.5 = 65: the least.
        let decision = policy.route(thousand, in: prefixView(cached: [0, 960, 960], outstanding: [1, 3, 1]))
        #expect(decision.target == .instance(InstanceID(2)))
        #expect(abs(decision.scores[0] - (62.5 + 62.5 + 63)) < 1e-9)
    }

    @Test func leastImpactCreditsTheCachedPrefixAndIsWorkloadAwareWithoutOne() {
        // Without its tail guard (which workload-aware does not have), and without a prefix, they decide alike.
        var leastImpact = LeastImpactPolicy(ttftSlack: nil)
        var workloadAware = WorkloadAwarePolicy()
        let cachedOnBusier = prefixView(cached: [0, 950, 0], outstanding: [2, 3, 2])
        #expect(leastImpact.route(thousand, in: cachedOnBusier).target == .instance(InstanceID(1)))
        #expect(workloadAware.route(thousand, in: cachedOnBusier).target != .instance(InstanceID(1)))
        // With nothing cached anywhere the two decide alike.
        for outstanding in [[2, 3, 2], [5, 1, 4], [0, 0, 3]] {
            let view = prefixView(cached: [0, 0, 0], outstanding: outstanding)
            #expect(leastImpact.route(thousand, in: view).target == workloadAware.route(thousand, in: view).target)
        }
    }
}

import SwitchyardCore
import Testing

@Suite struct ImbalanceTests {
    func instance(_ name: String, queue: Int = 0, kv: Double = 0, health: InstanceHealth = .up) -> InstanceSnapshot {
        InstanceSnapshot(
            id: 0,
            name: name,
            health: health,
            prefillQueue: queue,
            prefillQueueTokens: 0,
            prefilling: 0,
            decoding: 0,
            kvUsage: kv,
            kvBlocksUsed: 0,
            kvBlocksTotal: 0,
            predictedBuckets: [],
            preemptions: 0,
            completed: 0,
            requests: []
        )
    }

    @Test func aBalancedClusterHasNoImbalanceLine() {
        let threshold = ImbalanceThreshold()
        #expect(threshold.describe([instance("a", queue: 3, kv: 0.5), instance("b", queue: 9, kv: 0.7)]) == nil)
        #expect(threshold.describe([instance("a", queue: 40, kv: 0.9)]) == nil, "one instance stands out from none")
    }

    @Test func theInstanceWhoseQueueOrKVStandsOutIsNamed() {
        let threshold = ImbalanceThreshold(queue: 8, kvUsage: 0.3)
        let queue = threshold.describe([
            instance("a", queue: 2), instance("b", queue: 23), instance("c", queue: 4),
        ])
        #expect(queue == "b: queue 23, median 4")
        let kv = threshold.describe([instance("a", kv: 0.35), instance("b", kv: 0.4), instance("c", kv: 0.92)])
        #expect(kv == "c: KV 92%, median 40%")
        // The one furthest past its threshold wins; a down instance is not compared.
        let both = threshold.describe([
            instance("a", queue: 10, kv: 0.2), instance("b", queue: 0, kv: 0.95), instance("c", kv: 0.2),
            instance("d", queue: 99, health: .down),
        ])
        #expect(both == "b: KV 95%, median 20%")
    }

    @Test func theOperatorsThresholdDecides() {
        let cluster = [instance("a", queue: 1), instance("b", queue: 6)]
        #expect(ImbalanceThreshold(queue: 8).describe(cluster) == nil)
        #expect(ImbalanceThreshold(queue: 2).describe(cluster) == "b: queue 6, median 3")
    }
}

import RouterCore
import SwitchyardCore
import Testing

@testable import Gateway

@Suite struct InstanceLoadBuilderTests {
    /// 5 outstanding requests: 2 with no token yet (300 prompt tokens), 3 decoding; 1,000 prompt tokens in all and
    /// 200 streamed.
    func ledger(capacity: Int) -> InstanceLoad {
        var load = InstanceLoad(id: InstanceID(1), buckets: 3, kvCapacityTokens: capacity, maxBatchSize: 64)
        load.outstanding = 5
        load.prefillCount = 2
        load.prefillPromptTokens = 300
        load.outstandingPromptTokens = 1000
        load.streamedTokens = 200
        // Engine fields a caller left behind must not leak through.
        load.waiting = 99
        load.running = 99
        load.kvUsage = 0.99
        return load
    }

    let vllmMetrics = EngineMetrics(
        kind: .vllm,
        waiting: 7,
        running: 11,
        kvUsage: 0.42,
        kvBlockSize: 16,
        numGPUBlocks: 500,
        kvCapacityTokens: 8000
    )

    var freshAt10: MetricsFreshness { MetricsFreshness(lastGoodScrape: 10) }

    @Test func freshMetricsAreTrusted() {
        let observed = InstanceLoadBuilder.build(
            ledger: ledger(capacity: 0),
            metrics: vllmMetrics,
            freshness: freshAt10,
            now: 11
        )
        #expect(observed.metricsTrusted)
        #expect(observed.trust == .trusted)
        #expect(observed.kvUsageSource == .engineGauge)
        #expect(observed.load.waiting == 7)
        #expect(observed.load.running == 11)
        #expect(observed.load.kvUsage == 0.42)
        #expect(observed.load.kvCapacityTokens == 8000)
        #expect(observed.load.outstanding == 5)
        #expect(observed.load.streamedTokens == 200)
    }

    @Test func staleMetricsFallBackToTheLedger() {
        let observed = InstanceLoadBuilder.build(
            ledger: ledger(capacity: 0),
            metrics: vllmMetrics,
            freshness: freshAt10,
            now: 13
        )
        #expect(!observed.metricsTrusted)
        #expect(observed.trust == .stale(age: 3))
        #expect(observed.load.waiting == 2)
        #expect(observed.load.running == 3)
        // Capacity from cache_config_info is configuration and still used: (1000 + 200) / 8000.
        #expect(observed.kvUsageSource == .ledger)
        #expect(observed.load.kvUsage == 0.15)
        #expect(observed.load.kvCapacityTokens == 8000)
    }

    @Test func missingMetricsFallBackToTheLedger() {
        let withCapacity = InstanceLoadBuilder.build(
            ledger: ledger(capacity: 4000),
            metrics: nil,
            freshness: MetricsFreshness(),
            now: 1
        )
        #expect(withCapacity.trust == .missing)
        #expect(withCapacity.load.waiting == 2)
        #expect(withCapacity.load.running == 3)
        #expect(withCapacity.load.kvUsage == 0.3)
        #expect(withCapacity.kvUsageSource == .ledger)

        let noCapacity = InstanceLoadBuilder.build(
            ledger: ledger(capacity: 0),
            metrics: nil,
            freshness: freshAt10,
            now: 10
        )
        #expect(noCapacity.trust == .missing)
        #expect(noCapacity.load.kvUsage == 0)
        #expect(noCapacity.kvUsageSource == .unknown)
    }

    @Test func freshLlamacppMetricsWithoutKVUseTheLedgerForKV() {
        let llamacpp = EngineMetrics(kind: .llamacpp, waiting: 2, running: 2)
        let known = InstanceLoadBuilder.build(
            ledger: ledger(capacity: 4096),
            metrics: llamacpp,
            freshness: freshAt10,
            now: 10.5
        )
        #expect(known.metricsTrusted)
        #expect(known.load.running == 2)
        #expect(known.load.waiting == 2)
        #expect(known.kvUsageSource == .ledger)
        // 1000 prompt + 200 streamed tokens, less the 300 prompt tokens of the 2 requests the engine says wait.
        #expect(known.load.kvUsage == 900.0 / 4096.0)

        let unknown = InstanceLoadBuilder.build(
            ledger: ledger(capacity: 0),
            metrics: llamacpp,
            freshness: freshAt10,
            now: 10.5
        )
        #expect(unknown.kvUsageSource == .unknown)
        #expect(unknown.load.kvUsage == 0)

        var withTokens = llamacpp
        withTokens.kvUsedTokens = 1024
        let fromTokens = InstanceLoadBuilder.build(
            ledger: ledger(capacity: 4096),
            metrics: withTokens,
            freshness: freshAt10,
            now: 10.5
        )
        #expect(fromTokens.kvUsageSource == .engineTokens)
        #expect(fromTokens.load.kvUsage == 0.25)
    }

    @Test func ledgerKVUsageIsClampedToOne() {
        let observed = InstanceLoadBuilder.build(
            ledger: ledger(capacity: 600),
            metrics: nil,
            freshness: MetricsFreshness(),
            now: 0
        )
        #expect(observed.load.kvUsage == 1)
    }
}

import Routing
import SwitchyardCore
import Testing

/// `least-impact` on an engine with few batch places (llama.cpp's slots): a request sent to an instance whose batch
/// is full waits for a place, which the mixing impact alone does not see.
@Suite struct SlotWaitTests {
    /// The calibrated llama.cpp profile's costs: prefill is dear, so a decoding instance looks expensive to join.
    let cost = CostModel(fixed: 0.017, perPrefillToken: 0.0056, perDecodeSequence: 0.0178, perContextToken: 3.4e-6)

    /// Instance 0 has both of its 2 places taken by short-prompt requests with 150 tokens to go, and a third waiting
    /// for a place; instance 1 decodes one request with 150 tokens to go and has a free place.
    func view() -> ClusterView {
        var full = InstanceLoad(id: InstanceID(0), buckets: 3, kvCapacityTokens: 4096, maxBatchSize: 2)
        full.outstanding = 3
        full.prefillCount = 1
        full.prefillPromptTokens = 40
        full.prefillUncachedTokens = 40
        full.outstandingPromptTokens = 120
        full.predictedDecodeTokens = 450
        full.decodeContextTokens = 80
        var free = InstanceLoad(id: InstanceID(1), buckets: 3, kvCapacityTokens: 4096, maxBatchSize: 2)
        free.outstanding = 1
        free.outstandingPromptTokens = 500
        free.predictedDecodeTokens = 150
        free.decodeContextTokens = 500
        return ClusterView(now: 0, instances: [full, free], routerQueueLength: 0, cost: cost, buckets: .paper)
    }

    @Test func aFullBatchMeansWaitingForAPlace() {
        let v = view()
        let iteration = 0.1
        // Two places ahead of it are taken and one request waits before it: it waits for the second place to free,
        // at about 2 places per mean remaining time (450 / 3 = 150 tokens of 0.1 s).
        #expect(abs(MixingImpact.slotWait(v.instances[0], iteration: iteration) - 2 * 150 * 0.1 / 2) < 1e-9)
        #expect(MixingImpact.slotWait(v.instances[1], iteration: iteration) == 0)
        let impact = MixingImpact()
        let waits = v.instances.map { impact.ownWait(prompt: 40, cached: 0, decode: 150, on: $0, cost: cost) }
        #expect(waits[0] > waits[1] + 5)
    }

    /// Instance 0 was just sent 4 short-prompt requests (none has streamed a token, so none decodes by the ledger);
    /// instance 1 decodes one request. With room for 256 in a batch, instance 0 is the better place (no decode to
    /// stall); with llama.cpp's 2 slots, the new request would wait there for two rounds of 150-token decodes.
    func queuedView(maxBatch: Int) -> ClusterView {
        var queued = InstanceLoad(id: InstanceID(0), buckets: 3, kvCapacityTokens: 4096, maxBatchSize: maxBatch)
        queued.outstanding = 4
        queued.prefillCount = 4
        queued.prefillPromptTokens = 160
        queued.prefillUncachedTokens = 160
        queued.outstandingPromptTokens = 160
        queued.predictedDecodeTokens = 600
        var decoding = InstanceLoad(id: InstanceID(1), buckets: 3, kvCapacityTokens: 4096, maxBatchSize: maxBatch)
        decoding.outstanding = 1
        decoding.outstandingPromptTokens = 40
        decoding.predictedDecodeTokens = 150
        decoding.decodeContextTokens = 40
        return ClusterView(now: 0, instances: [queued, decoding], routerQueueLength: 0, cost: cost, buckets: .paper)
    }

    @Test func aShortRequestIsNotSentBehindAFullBatch() {
        let short = RequestInfo(
            id: RequestID(2),
            arrival: 0,
            promptTokens: 40,
            predictedBucket: 0,
            predictedOutputTokens: 150
        )
        // Unguarded (the guard alone would also keep it off the 160 queued prompt tokens).
        var roomy = LeastImpactPolicy(ttftSlack: nil)
        #expect(roomy.route(short, in: queuedView(maxBatch: 256)).target == .instance(InstanceID(0)))
        for slack in [nil, 0.25] as [Double?] {
            var slotted = LeastImpactPolicy(ttftSlack: slack)
            #expect(slotted.route(short, in: queuedView(maxBatch: 2)).target == .instance(InstanceID(1)))
        }
        // The paper's heuristic knows no batch limit: it joins the queue either way.
        var paper = WorkloadAwarePolicy()
        #expect(paper.route(short, in: queuedView(maxBatch: 2)).target == .instance(InstanceID(0)))
    }
}

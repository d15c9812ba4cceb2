import Routing
import SwitchyardCore
import Testing

/// The mixing-impact estimate on hand-made instances, checked against the formula written out by hand.
@Suite struct MixingImpactTests {
    let cost = CostModel.paperV100
    let impact = MixingImpact()

    func instance(
        decoding: Int,
        context: Int = 0,
        queued: Int = 0,
        predicted: Double = 0,
        streamed: Int = 0
    ) -> InstanceLoad {
        var load = InstanceLoad(id: InstanceID(0), buckets: 3, kvCapacityTokens: 1_000_000, maxBatchSize: 128)
        load.outstanding = decoding + (queued > 0 ? 1 : 0)
        load.prefillCount = queued > 0 ? 1 : 0
        load.prefillPromptTokens = queued
        load.decodeContextTokens = context
        load.predictedDecodeTokens = predicted
        load.streamedTokens = streamed
        return load
    }

    @Test func matchesTheWrittenFormula() {
        let load = instance(decoding: 10, context: 8_000, queued: 300, predicted: 2_200, streamed: 200)
        let estimate = impact.estimate(prompt: 500, decode: 100, on: load, cost: cost)
        let stall = cost.perPrefillToken * 500 * 10
        let prefill = stall + cost.perPrefillToken * (300 + 500) + max(0, stall - 1)
        let meanRemaining = (2_200.0 - 200) / 11
        let iteration = cost.fixed + cost.perDecodeSequence * 11 + cost.perContextToken * (8_000 + 500)
        let decode =
            100 * iteration + 10 * min(100, meanRemaining)
            * (cost.perDecodeSequence + cost.perContextToken * (500 + 50))
        #expect(abs(estimate.prefill - prefill) < 1e-12)
        #expect(abs(estimate.decode - decode) < 1e-12)
        #expect(abs(estimate.combined - (0.5 * prefill + 0.5 * decode)) < 1e-12)
    }

    @Test func longPromptsAvoidBusyDecodersAndStallsBeyondEpsilonArePenalised() {
        let idle = instance(decoding: 0)
        let busy = instance(decoding: 40, context: 40_000, predicted: 8_000)
        let longPrompt = 3_000
        let onIdle = impact.estimate(prompt: longPrompt, decode: 50, on: idle, cost: cost)
        let onBusy = impact.estimate(prompt: longPrompt, decode: 50, on: busy, cost: cost)
        #expect(onIdle.combined < onBusy.combined)
        // 3,000 prompt tokens stall 40 decodes for 0.96 s each: 38.4 s, penalised past ε = 1 s.
        #expect(onBusy.prefill > 2 * cost.perPrefillToken * Double(longPrompt) * 40 - 1.01)
    }

    @Test func policyOrdersInstancesByCombinedImpact() {
        let loads = [
            instance(decoding: 30, context: 30_000, predicted: 6_000),
            instance(decoding: 5, context: 5_000, predicted: 1_000),
            instance(decoding: 5, context: 5_000, queued: 4_000, predicted: 1_000),
        ].enumerated().map { index, load -> InstanceLoad in
            var load = load
            load.id = InstanceID(index)
            return load
        }
        let view = ClusterView(now: 0, instances: loads, routerQueueLength: 0, cost: cost, buckets: .paper)
        var policy = WorkloadAwarePolicy()
        let request = RequestInfo(
            id: RequestID(0),
            arrival: 0,
            promptTokens: 1_000,
            predictedBucket: 1,
            predictedOutputTokens: 300
        )
        let decision = policy.route(request, in: view)
        let expected = loads.map { impact.estimate(prompt: 1_000, decode: 300, on: $0, cost: cost).combined }
        #expect(decision.scores == expected)
        #expect(decision.target == .instance(InstanceID(1)), "the lightly loaded instance with no queue wins")
        #expect(expected[1] < expected[2] && expected[2] < expected[0])
    }

    @Test func oracleVariantUsesTheTrueLength() {
        let loads = [instance(decoding: 20, context: 20_000, predicted: 4_000)]
        let view = ClusterView(now: 0, instances: loads, routerQueueLength: 0, cost: cost, buckets: .paper)
        var reference = WorkloadAwarePolicy(useTrueLengths: true)
        let request = RequestInfo(
            id: RequestID(0),
            arrival: 0,
            promptTokens: 200,
            predictedBucket: 0,
            predictedOutputTokens: 50,
            trueOutputTokens: 900
        )
        let score = reference.route(request, in: view).scores[0]
        #expect(score == impact.estimate(prompt: 200, decode: 900, on: loads[0], cost: cost).combined)
        #expect(reference.name == "workload-aware-oracle" && reference.usesTrueLengths)
    }
}

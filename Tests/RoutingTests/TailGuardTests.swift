import Routing
import SwitchyardCore
import Testing

/// `least-impact`'s tail guard: no request is sent where it would wait much longer for its first token than at the
/// best instance, however much the others would gain.
@Suite struct TailGuardTests {
    let cost = CostModel.paperV100

    /// Instance 0 decodes 24 requests with an empty prefill queue; instance 1 decodes nothing but has `queued` prompt
    /// tokens (long prompts sent there before) waiting to be prefilled.
    func view(queued: Int) -> ClusterView {
        var busy = InstanceLoad(id: InstanceID(0), buckets: 3, kvCapacityTokens: 1_000_000, maxBatchSize: 256)
        busy.outstanding = 24
        busy.running = 24
        busy.decodeContextTokens = 24 * 600
        busy.predictedDecodeTokens = 24 * 300
        busy.outstandingPromptTokens = 24 * 300
        var prefilling = InstanceLoad(id: InstanceID(1), buckets: 3, kvCapacityTokens: 1_000_000, maxBatchSize: 256)
        prefilling.outstanding = queued / 3_000
        prefilling.prefillCount = queued / 3_000
        prefilling.waiting = queued / 3_000
        prefilling.prefillPromptTokens = queued
        prefilling.prefillUncachedTokens = queued
        prefilling.outstandingPromptTokens = queued
        return ClusterView(
            now: 0,
            instances: [busy, prefilling],
            routerQueueLength: 0,
            cost: cost,
            buckets: .paper,
            completedRequests: 0
        )
    }

    let longPrompt = RequestInfo(
        id: RequestID(7),
        arrival: 0,
        promptTokens: 3_000,
        predictedBucket: 0,
        predictedOutputTokens: 20
    )

    @Test func aLongPromptIsNotSentBehindAQueueOfOthersToSpareTheDecodes() {
        // Three long prompts are already queued on instance 1: the sum of impacts still sends a fourth there (its
        // prefill would stall 24 decodes on instance 0), where it waits for 9,000 tokens of prefill first.
        let queued = view(queued: 9_000)
        var unguarded = LeastImpactPolicy(ttftSlack: nil)
        #expect(unguarded.route(longPrompt, in: queued).target == .instance(InstanceID(1)))
        let impact = MixingImpact()
        let waits = queued.instances.map {
            impact.ownWait(prompt: 3_000, cached: 0, decode: 20, on: $0, cost: cost)
        }
        // Its own wait: 3,000 tokens of prefill and one iteration beside the decodes on 0; 12,000 tokens on 1.
        let iteration = cost.fixed + cost.perDecodeSequence * 24 + cost.perContextToken * 24 * 600
        #expect(abs(waits[0] - (cost.perPrefillToken * 3_000 + iteration)) < 1e-12)
        #expect(abs(waits[1] - (cost.perPrefillToken * 12_000 + cost.fixed)) < 1e-12)
        var guarded = LeastImpactPolicy()
        let decision = guarded.route(longPrompt, in: queued)
        #expect(decision.target == .instance(InstanceID(0)))
        #expect(decision.reason.contains("tail guard"))
        // The impacts are still what the decision log shows, guard or not.
        #expect(decision.scores == unguarded.route(longPrompt, in: queued).scores)
    }

    @Test func theGuardStepsAsideOnlyBeyondItsSlack() {
        // With one long prompt queued on instance 1, waiting there is 2× the best: beyond 25% slack, within 150%.
        let oneQueued = view(queued: 3_000)
        var tight = LeastImpactPolicy(ttftSlack: 0.25)
        var loose = LeastImpactPolicy(ttftSlack: 1.5)
        var unguarded = LeastImpactPolicy(ttftSlack: nil)
        #expect(unguarded.route(longPrompt, in: oneQueued).target == .instance(InstanceID(1)))
        #expect(tight.route(longPrompt, in: oneQueued).target == .instance(InstanceID(0)))
        #expect(loose.route(longPrompt, in: oneQueued).target == .instance(InstanceID(1)))
        // A short request is where the guard never binds: equal waits within slack, the least impact wins.
        let short = RequestInfo(
            id: RequestID(8),
            arrival: 0,
            promptTokens: 50,
            predictedBucket: 0,
            predictedOutputTokens: 20
        )
        #expect(
            tight.route(short, in: view(queued: 0)).target == unguarded.route(short, in: view(queued: 0)).target
        )
    }

    @Test func rlGuardedPicksOnlyWhereTheGuardAllows() throws {
        let queued = view(queued: 9_000)
        #expect(TailGuard.allowed(longPrompt, in: queued, slack: 0.25, impact: MixingImpact()) == [true, false])
        // The shipped `rl` network, like the sum of impacts, sends the long prompt behind the queue.
        var rl = try PolicyCatalog.make("rl", seed: 1, instances: 2)
        #expect(rl.route(longPrompt, in: queued).target == .instance(InstanceID(1)))
        var guarded = try PolicyCatalog.make("rl-guarded", seed: 1, instances: 2)
        #expect(guarded.name == "rl-guarded")
        let decision = guarded.route(longPrompt, in: queued)
        #expect(decision.target == .instance(InstanceID(0)))
        #expect(decision.reason.contains("tail guard: first token sooner here"), "\(decision.reason)")
        // Off, it is `rl` under another name.
        var off = try PolicyCatalog.make("rl-guarded", seed: 1, instances: 2, tailSlack: nil)
        #expect(off.route(longPrompt, in: queued).target == .instance(InstanceID(1)))
    }

    @Test func aRouterTrainingWithinTheGuardNeverExploresWhatItForbids() {
        let queued = view(queued: 9_000)
        func picks(tailSlack: Double?) -> Set<Int> {
            var policy = RLPolicy(variant: .baseline, seed: 1, learningRate: 1e-4, gamma: 0.9, targetSync: 1_000)
            policy.tailSlack = tailSlack
            // Fully random exploration, as in the first episodes.
            policy.learning = RLPolicy.Learning(epsilon: 1, heuristicWeight: 0)
            var seen: Set<Int> = []
            for k in 0..<40 {
                var request = longPrompt
                request.id = RequestID(k)
                if case .instance(let id) = policy.route(request, in: queued).target { seen.insert(id.rawValue) }
            }
            return seen
        }
        #expect(picks(tailSlack: nil) == [0, 1])
        #expect(picks(tailSlack: 0.25) == [0])
    }

    @Test func anUnhealthyInstanceNeverSetsTheBound() {
        var queued = view(queued: 9_000)
        queued.instances[0].healthy = false
        var guarded = LeastImpactPolicy()
        // The only healthy instance is the best one there is: the guard does not refuse it.
        #expect(guarded.route(longPrompt, in: queued).target == .instance(InstanceID(1)))
    }
}

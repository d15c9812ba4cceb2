import Routing
import SwitchyardCore
import Testing

/// A hand-made view: one InstanceLoad per entry, modified by the closure.
func view(_ count: Int, _ configure: (inout [InstanceLoad]) -> Void = { _ in }) -> ClusterView {
    var loads = (0..<count).map {
        InstanceLoad(id: InstanceID($0), buckets: 3, kvCapacityTokens: 10_000, maxBatchSize: 128)
    }
    configure(&loads)
    return ClusterView(now: 0, instances: loads, routerQueueLength: 0, cost: .paperV100, buckets: .paper)
}

let info = RequestInfo(id: RequestID(1), arrival: 0, promptTokens: 500, predictedBucket: 1, predictedOutputTokens: 300)

func target(_ decision: RoutingDecision) -> Int? {
    if case .instance(let id) = decision.target { return id.rawValue }
    return nil
}

@Test func roundRobinCyclesAndSkipsDownInstances() {
    var policy = RoundRobinPolicy()
    let v = view(3) { $0[1].healthy = false }
    let picks = (0..<4).map { _ in target(policy.route(info, in: v)) }
    #expect(picks == [0, 2, 0, 2])
}

@Test func leastRequestsPicksFewestOutstanding() {
    var policy = LeastRequestsPolicy()
    let v = view(3) {
        $0[0].outstanding = 5
        $0[1].outstanding = 2
        $0[2].outstanding = 3
    }
    let decision = policy.route(info, in: v)
    #expect(target(decision) == 1)
    #expect(decision.scores == [5, 2, 3])
}

@Test func leastTokensCountsPromptAndUnstreamedPredictedDecode() {
    var policy = LeastTokensPolicy()
    let v = view(2) {
        // i0: 1000 prompt tokens, nothing predicted; i1: 200 prompt + 1000 predicted of which 100 streamed.
        $0[0].outstandingPromptTokens = 1000
        $0[1].outstandingPromptTokens = 200
        $0[1].predictedDecodeTokens = 1000
        $0[1].streamedTokens = 100
    }
    let decision = policy.route(info, in: v)
    #expect(decision.scores == [1000, 1100])
    #expect(target(decision) == 0)
}

@Test func leastKVPicksLowestUsage() {
    var policy = LeastKVPolicy()
    let v = view(3) {
        $0[0].kvUsage = 0.5
        $0[1].kvUsage = 0.7
        $0[2].kvUsage = 0.2
    }
    #expect(target(policy.route(info, in: v)) == 2)
}

@Test func powerOfTwoTakesTheLessLoadedOfTwoDistinctSamples() {
    var policy = PowerOfTwoPolicy(seed: 7)
    let v = view(4) { loads in for i in 0..<4 { loads[i].outstanding = [9, 1, 5, 3][i] } }
    for _ in 0..<50 {
        let decision = policy.route(info, in: v)
        let sampled = decision.scores.indices.filter { decision.scores[$0].isFinite }
        #expect(sampled.count == 2)
        let pick = target(decision) ?? -1
        #expect(sampled.contains(pick))
        #expect(sampled.allSatisfy { decision.scores[$0] >= decision.scores[pick] })
    }
}

@Test func llmdMaximisesTwiceQueuePlusTwiceFreeKV() {
    var policy = LLMDPolicy(seed: 1)
    let v = view(3) {
        $0[0].waiting = 0
        $0[0].kvUsage = 0.9
        $0[1].waiting = 4
        $0[1].kvUsage = 0.1
        $0[2].waiting = 2
        $0[2].kvUsage = 0.3
    }
    let decision = policy.route(info, in: v)
    // scores: i0 2*1 + 2*0.1 = 2.2; i1 2*0 + 2*0.9 = 1.8; i2 2*0.5 + 2*0.7 = 2.4
    #expect(abs(decision.scores[0] - 2.2) < 1e-9)
    #expect(abs(decision.scores[1] - 1.8) < 1e-9)
    #expect(abs(decision.scores[2] - 2.4) < 1e-9)
    #expect(target(decision) == 2)
    #expect(decision.lowerIsBetter == false)
}

@Test func maxCapacityPicksMostFreeKVAfterQueuedPrompts() {
    var policy = MaxCapacityPolicy()
    let v = view(2) {
        $0[0].kvUsage = 0.2  // 8000 free
        $0[0].prefillPromptTokens = 5000  // 3000 spare
        $0[1].kvUsage = 0.5  // 5000 free, nothing queued
    }
    #expect(target(policy.route(info, in: v)) == 1)
}

@Test func oracleUsesTrueRemainingWorkAndSaysSo() {
    var policy = OraclePolicy()
    #expect(policy.usesTrueLengths)
    let v = view(2) {
        $0[0].trueRemainingDecodeTokens = 100
        $0[0].prefillPromptTokens = 300
        $0[1].trueRemainingDecodeTokens = 50
        $0[1].prefillPromptTokens = 400
    }
    let decision = policy.route(info, in: v)
    #expect(target(decision) == 0)
    #expect(decision.reason.contains("oracle"))
}

@Test func everyPolicyHoldsWhenNoInstanceIsHealthy() throws {
    let v = view(2) { loads in for i in loads.indices { loads[i].healthy = false } }
    for name in PolicyCatalog.names {
        // The DQN routers need a shipped network for the cluster size; they have their own tests.
        guard var policy = try? PolicyCatalog.make(name, seed: 1, instances: 2) else {
            #expect(name.hasPrefix("rl"), "\(name) failed to build")
            continue
        }
        #expect(policy.route(info, in: v).target == .hold, "\(name)")
    }
}

@Test func unknownPolicyNameIsAClearError() {
    #expect(throws: ClusterBackendError.self) { try PolicyCatalog.make("fastest", seed: 1) }
    do {
        _ = try PolicyCatalog.make("fastest", seed: 1)
    } catch {
        #expect("\(error)".hasPrefix("Unknown policy 'fastest'. Known policies: round-robin, random,"))
    }
}

@Test func bucketMeanPredictorLearnsBandMeansPerHint() {
    var training: [Request] = []
    for i in 0..<100 {
        training.append(Request(id: RequestID(i), arrival: 0, promptTokens: 100, outputTokens: 50, hint: "code"))
        training.append(
            Request(id: RequestID(1000 + i), arrival: 0, promptTokens: 100, outputTokens: 500, hint: "conv")
        )
    }
    let predictor = PromptBucketMeanPredictor(training: training)
    #expect(predictor.predict(PromptFeatures(promptTokens: 110, hint: "code")).tokens == 50)
    #expect(predictor.predict(PromptFeatures(promptTokens: 110, hint: "conv")).tokens == 500)
    #expect(predictor.predict(PromptFeatures(promptTokens: 110, hint: "conv")).bucket == 1)
    #expect(predictor.predict(PromptFeatures(promptTokens: 110)).tokens == 275)
}

@Test(arguments: [
    "least-requests", "least-tokens", "least-kv", "min-min", "max-capacity", "workload-aware", "rl", "rl-aware",
    "rl-guarded",
])
func tiesGoByRotationNotToTheFirstInstance(name: String) throws {
    var policy = try PolicyCatalog.make(name, seed: 1, instances: 4)
    // An idle cluster: every instance ties. The router sets the tie-break to the request's id.
    var picks: [Int?] = []
    for id in 0..<8 {
        var idle = view(4) { $0[2].healthy = false }
        idle.tieBreak = id
        picks.append(target(policy.route(info, in: idle)))
    }
    #expect(picks == [0, 1, 3, 3, 0, 1, 3, 3], "rotation skips the down instance")
    // A strict minimum still wins whatever the rotation.
    var loaded = view(4) {
        for index in 0..<4 where index != 3 { $0[index].outstanding = 2 }
        for index in 0..<4 where index != 3 { $0[index].outstandingPromptTokens = 900 }
        for index in 0..<4 where index != 3 { $0[index].kvUsage = 0.5 }
        for index in 0..<4 where index != 3 { $0[index].prefillCount = 2 }
        for index in 0..<4 where index != 3 { $0[index].prefillPromptTokens = 900 }
        for index in 0..<4 where index != 3 { $0[index].prefillByBucket[1] = 2 }
        for index in 0..<4 where index != 3 { $0[index].prefillByPromptBucket[1] = 2 }
        for index in 0..<4 where index != 3 { $0[index].predictedDecodeTokens = 600 }
    }
    loaded.tieBreak = 1
    let decision = policy.route(info, in: loaded)
    if name.hasPrefix("rl") {
        // A learned policy's preference is its own (the shipped `rl` network prefers the three busy instances here,
        // which its value function rates 0.011 above the idle one): whatever it prefers strictly wins, and its tied
        // best go by rotation; `rl-guarded` chooses so among the instances its tail guard allows.
        let allowed =
            name == "rl-guarded"
            ? TailGuard.allowed(info, in: loaded, slack: 0.25, impact: MixingImpact())
            : loaded.instances.map(\.healthy)
        let best = decision.scores.indices.filter { allowed[$0] }.map { decision.scores[$0] }.min() ?? 0
        let tied = decision.scores.indices.filter { allowed[$0] && decision.scores[$0] == best }
        #expect(target(decision).map { tied.contains($0) } == true, "a strict minimum of \(decision.scores)")
        if tied.count > 1 { #expect(target(decision) == tied.first { $0 >= 1 } ?? tied.first) }
    } else {
        #expect(target(decision) == 3)
    }
}

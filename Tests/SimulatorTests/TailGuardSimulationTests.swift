import Engine
import Routing
import Simulator
import SwitchyardCore
import Testing

/// The tail guard on a constructed starvation case: a steady stream of short, decode-heavy requests keeps both
/// instances decoding, and every few seconds three long prompts arrive together. Summing impacts, each is sent to
/// whichever instance decodes least, where they queue behind each other while the other instance prefills nothing.
@Test func theTailGuardBoundsTheLongPromptsWaitAmidAStreamOfShortRequests() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    var requests: [Request] = []
    var rng = SplitMix64(seed: 3)
    var t = 0.0
    for index in 0..<900 {
        let long = index % 30 >= 27
        if !long { t += 0.15 + Double(rng.next() % 100) / 1_000 }
        requests.append(
            Request(
                id: RequestID(index),
                arrival: t,
                promptTokens: long ? 3_500 : 40 + Int(rng.next() % 60),
                outputTokens: long ? 16 : 150 + Int(rng.next() % 200)
            )
        )
    }
    func longPromptTTFT(_ policy: any RoutingPolicy) -> (ttft: Double, e2e: Double) {
        var simulation = Simulation(
            config: SimulationConfig(instances: 2, profile: profile, seed: 1),
            policy: policy,
            predictor: PromptBucketMeanPredictor(training: requests),
            workload: requests
        )
        simulation.runToCompletion()
        let long = simulation.records.filter { $0.promptTokens == 3_500 }
        return (
            long.map(\.ttft).reduce(0, +) / Double(long.count), long.map(\.e2e).reduce(0, +) / Double(long.count)
        )
    }
    let unguarded = longPromptTTFT(LeastImpactPolicy(ttftSlack: nil))
    let guarded = longPromptTTFT(LeastImpactPolicy())
    #expect(guarded.ttft < unguarded.ttft * 0.8)
    #expect(guarded.e2e < unguarded.e2e)
    // The same guard on the DQN router.
    let rl = longPromptTTFT(try PolicyCatalog.make("rl", seed: 1, instances: 2))
    let rlGuarded = longPromptTTFT(try PolicyCatalog.make("rl-guarded", seed: 1, instances: 2))
    #expect(rlGuarded.ttft < rl.ttft * 0.8, "rl \(rl), rl-guarded \(rlGuarded)")
    #expect(rlGuarded.e2e < rl.e2e)
}

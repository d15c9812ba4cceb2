import Engine
import Routing
import Simulator
import SwitchyardCore
import Testing

func makeCluster(policy: String = "round-robin") throws -> SimulatedCluster {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let trace = syntheticWorkload(count: 300, rate: 3, seed: 4)
    return try SimulatedCluster(
        configuration: .init(
            simulation: SimulationConfig(instances: 4, profile: profile, seed: 1),
            workloadName: "synthetic",
            policy: policy
        ),
        trace: trace,
        predictor: PromptBucketMeanPredictor(training: trace),
        policyNames: ["round-robin", "least-tokens", "workload-aware"],
        makePolicy: { try PolicyCatalog.make($0, seed: 1) },
        makeBurst: { kind, time, rng in
            (0..<10).map {
                Request(
                    id: RequestID($0),
                    arrival: time + Double($0) * 0.01,
                    promptTokens: kind == .prefillHeavy ? 3000 : 100,
                    outputTokens: kind == .decodeHeavy ? 800 : 20
                )
            }
        }
    )
}

@Test func clusterAdvancesWithTheSpeedFactorAndPauses() async throws {
    let cluster = try makeCluster()
    await cluster.setSpeed(4)
    cluster.advance(wallSeconds: 5)
    var snapshot = cluster.currentSnapshot()
    #expect(abs(snapshot.clock - 20) < 1e-9)
    #expect(snapshot.arrived > 0)
    await cluster.setPaused(true)
    cluster.advance(wallSeconds: 5)
    snapshot = cluster.currentSnapshot()
    #expect(abs(snapshot.clock - 20) < 1e-9 && snapshot.paused)
    #expect(snapshot.mode == .simulated && snapshot.instances.count == 4)
    #expect(snapshot.bucketLabels == ["<256", "256-2k", "2k+"])
}

@Test func burstAddsRequestsAndAMarker() throws {
    let cluster = try makeCluster()
    cluster.advance(wallSeconds: 2)
    let before = cluster.currentSnapshot().arrived
    #expect(cluster.burst(.decodeHeavy) == 10)
    cluster.advance(wallSeconds: 1)
    let snapshot = cluster.currentSnapshot()
    #expect(snapshot.arrived >= before + 10)
    #expect(snapshot.markers.contains { $0.kind == .burst && $0.label == "decode-heavy" })
}

@Test func policySwitchIsLiveAndMarked() throws {
    let cluster = try makeCluster()
    cluster.advance(wallSeconds: 3)
    try cluster.switchPolicy("least-tokens")
    cluster.advance(wallSeconds: 3)
    let snapshot = cluster.currentSnapshot()
    #expect(snapshot.policy == "least-tokens")
    #expect(snapshot.markers.contains { $0.kind == .policy && $0.label == "least-tokens" })
    #expect(snapshot.recentDecisions.last?.policy == "least-tokens")
    #expect(throws: ClusterBackendError.self) { try cluster.switchPolicy("nope") }
}

@Test func abTwinSeesTheIdenticalArrivalsIncludingBursts() throws {
    let cluster = try makeCluster(policy: "round-robin")
    cluster.advance(wallSeconds: 5)
    try cluster.compare("workload-aware")
    cluster.burst(.prefillHeavy)
    cluster.advance(wallSeconds: 60)
    let snapshot = cluster.currentSnapshot()
    let twin = try #require(snapshot.twin)
    #expect(twin.policy == "workload-aware" && snapshot.policy == "round-robin")
    // Both sides routed the same requests since the fork: the decision logs name the same request ids.
    let a = Set(snapshot.recentDecisions.map(\.request))
    let b = Set(twin.recentDecisions.map(\.request))
    #expect(!a.isEmpty && a == b)
    #expect(twin.e2e.count > 0 && snapshot.e2e.count > 0)
    try cluster.compare(nil)
    #expect(cluster.currentSnapshot().twin == nil)
}

@Test func traceIsReplayedEndlessly() throws {
    let cluster = try makeCluster()
    // The 300-request trace spans about 100 s; after 400 s it has been replayed.
    for _ in 0..<40 { cluster.advance(wallSeconds: 10) }
    #expect(cluster.currentSnapshot().arrived > 600)
}

@Test func startingABKeepsTheSparklineHistoryAndCountsBothSidesFromTheSplit() throws {
    let cluster = try makeCluster(policy: "round-robin")
    cluster.advance(wallSeconds: 40)
    let before = cluster.currentSnapshot()
    let filled = before.history.filter { $0.e2eP50 > 0 }.count
    #expect(filled > 0 && before.completed > 0)
    try cluster.compare("workload-aware")
    let split = cluster.currentSnapshot()
    let twin = try #require(split.twin)
    // The seconds before the split stay on both sparklines; done and the latency summaries start at the split.
    #expect(split.history.filter { $0.e2eP50 > 0 }.count == filled)
    #expect(twin.history.filter { $0.e2eP50 > 0 }.count == filled)
    #expect(split.completed == 0 && twin.completed == 0)
    #expect(split.e2e.count == 0 && twin.e2e.count == 0)
}

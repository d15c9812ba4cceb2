import Engine
import Routing
import Simulator
import SwitchyardCore
import Testing
import Workload

func syntheticWorkload(count: Int, rate: Double, seed: UInt64) -> [Request] {
    var rng = SplitMix64(seed: seed)
    var t = 0.0
    return (0..<count).map { index in
        t += Double(rng.next() % 1000) / 1000 * 2 / rate
        return Request(
            id: RequestID(index),
            arrival: t,
            promptTokens: 50 + Int(rng.next() % 1500),
            outputTokens: 5 + Int(rng.next() % 400)
        )
    }
}

func run(_ policy: String, seed: UInt64, workload: [Request], instances: Int = 4) throws -> Simulation {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    var simulation = Simulation(
        config: SimulationConfig(instances: instances, profile: profile, seed: seed),
        policy: try PolicyCatalog.make(policy, seed: seed),
        predictor: PromptBucketMeanPredictor(training: workload),
        workload: workload
    )
    simulation.runToCompletion()
    return simulation
}

@Test func sameSeedGivesIdenticalRuns() throws {
    let workload = syntheticWorkload(count: 400, rate: 3, seed: 9)
    for policy in ["random", "power-of-two", "llm-d", "workload-aware"] {
        let a = try run(policy, seed: 4, workload: workload)
        let b = try run(policy, seed: 4, workload: workload)
        #expect(a.records == b.records, "\(policy)")
    }
    let c = try run("random", seed: 5, workload: workload)
    let d = try run("random", seed: 4, workload: workload)
    #expect(c.records != d.records, "a different seed gives a different random run")
}

@Test func everyRequestCompletesOnceWithConsistentTimes() throws {
    let workload = syntheticWorkload(count: 600, rate: 4, seed: 2)
    for policy in ["round-robin", "least-tokens", "oracle", "min-min"] {
        let simulation = try run(policy, seed: 1, workload: workload)
        #expect(simulation.metrics.completed == 600, "\(policy)")
        for record in simulation.records {
            #expect(record.arrival <= record.routed && record.routed <= record.admitted)
            #expect(record.admitted < record.firstToken && record.firstToken <= record.finished)
        }
        for load in simulation.loads {
            #expect(load.outstanding == 0 && load.prefillCount == 0 && load.outstandingPromptTokens == 0)
        }
        for engine in simulation.engines {
            #expect(engine.isIdle && engine.usedBlocks == 0)
            engine.checkInvariants()
        }
    }
}

@Test func metricsAggregateEveryMeasuredRequest() throws {
    let workload = syntheticWorkload(count: 300, rate: 2, seed: 3)
    let simulation = try run("least-requests", seed: 1, workload: workload)
    let m = simulation.metrics
    #expect(m.e2e.count == 300 && m.ttft.count == 300)
    let meanE2E = simulation.records.map(\.e2e).reduce(0, +) / 300
    #expect(abs(m.e2e.mean - meanE2E) < 1e-9)
    #expect(m.e2e.percentile(50) <= m.e2e.percentile(99))
    // Every token after the first is one TBT sample (plus preemption resumes).
    let decodeTokens = simulation.records.map { $0.outputTokens - 1 }.reduce(0, +)
    #expect(m.tbt.count >= decodeTokens)
}

@Test func oracleReadsTrueLengthsAndOthersDoNot() throws {
    #expect(try PolicyCatalog.make("oracle", seed: 1).usesTrueLengths)
    #expect(try PolicyCatalog.make("workload-aware-oracle", seed: 1).usesTrueLengths)
    for name in ["round-robin", "least-tokens", "workload-aware", "min-min", "llm-d"] {
        #expect(try PolicyCatalog.make(name, seed: 1).usesTrueLengths == false)
    }
}

@Test func capacityEstimateIsPositiveAndLoadScalesTheRate() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let workload = syntheticWorkload(count: 500, rate: 1, seed: 1)
    let capacity = CapacityEstimator.requestsPerSecond(profile: profile, sample: workload)
    #expect(capacity > 0.1 && capacity < 100)
    // A faster GPU serves more.
    let h100 = try ProfileCatalog.profile(named: "llama2-7b-h100")
    #expect(CapacityEstimator.requestsPerSecond(profile: h100, sample: workload) > capacity)
}

@Test func capacityIsTheSteadyStateRateNotTheRunWithItsDrain() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let sample = syntheticWorkload(count: 600, rate: 1, seed: 3)
    let capacity = CapacityEstimator.requestsPerSecond(profile: profile, sample: sample)
    // A long saturated run of the same mix: its middle third is steady state.
    let long = (0..<4).flatMap { pass in syntheticWorkload(count: 600, rate: 1, seed: 3 + UInt64(pass)) }
    let queued = long.enumerated().map { index, request in
        Request(
            id: RequestID(index),
            arrival: 0,
            promptTokens: request.promptTokens,
            outputTokens: request.outputTokens
        )
    }
    var simulation = Simulation(
        config: SimulationConfig(instances: 1, profile: profile),
        policy: RoundRobinPolicy(),
        predictor: PromptBucketMeanPredictor(training: []),
        workload: queued
    )
    simulation.runToCompletion()
    let finished = simulation.records.map(\.finished).sorted()
    let a = finished[finished.count / 3]
    let b = finished[2 * finished.count / 3]
    let steady = Double(finished.count / 3) / (b - a)
    print("capacity: estimate \(capacity) req/s, saturated middle third \(steady) req/s")
    #expect(abs(capacity - steady) / steady < 0.08, "estimate \(capacity) vs steady \(steady)")
}

@Test func aWorkloadPlanSplitsTrainingFromEvaluationAndScalesTheRateByLoad() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    func plan(_ offered: WorkloadPlan.Offered, count: Int = 400) throws -> WorkloadPlan {
        try WorkloadPlan.make(
            spec: try WorkloadSpec(parsing: "synthetic:prompt=100-900,output=20-300,count=\(count)"),
            dataDirectory: nil,
            requests: nil,
            seed: 1,
            profile: profile,
            chunkedPrefill: false,
            instances: 4,
            offered: offered,
            arrivals: { .poisson(rate: $0) }
        )
    }
    let half = try plan(.load(0.5))
    #expect(half.training.count == 100 && half.evaluation.count == 300)
    #expect(half.evaluation.map(\.id.rawValue) == Array(0..<300))
    #expect(abs(half.rate - 0.5 * half.capacityPerInstance * 4) < 1e-9)
    #expect(abs(try plan(.load(1)).rate - 2 * half.rate) < 1e-9)
    #expect(try plan(.rate(3)).rate == 3)
    let timed = half.timed(seed: 7)
    #expect(timed.count == 300 && zip(timed, timed.dropFirst()).allSatisfy { $0.arrival <= $1.arrival })
    #expect(throws: PlanError.self) { _ = try plan(.load(0.9), count: 1) }
}

/// Holds every request.
struct HoldAll: RoutingPolicy {
    var name: String { "hold-all" }
    mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        RoutingDecision(target: .hold, reason: "hold")
    }
}

@Test func aRequestHeldPastTheHoldLimitGoesToTheLeastLoadedInstance() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let requests = (0..<3).map {
        Request(id: RequestID($0), arrival: Double($0), promptTokens: 100, outputTokens: 10)
    }
    var simulation = Simulation(
        config: SimulationConfig(instances: 2, profile: profile, holdLimit: 2),
        policy: HoldAll(),
        predictor: PromptBucketMeanPredictor(training: requests),
        workload: requests
    )
    simulation.runToCompletion()
    // Each waited its limit (within one router tick), then went; the queue is first in, first out.
    for record in simulation.records {
        #expect(record.routed - record.arrival >= 2 && record.routed - record.arrival < 2.05)
    }
    #expect(simulation.metrics.completed == 3)
}

@Test func theIsolatedFloorIsOneRequestAloneAndNoRunGoesBelowIt() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let isolated = IsolatedLatency(profile: profile)
    // The paper's lone prompt-1000/decode-1000 request.
    #expect(abs(isolated.e2e(prompt: 1000, output: 1000) - FidelityScenarios.loneRequest(profile: profile)) < 1e-9)
    let workload = syntheticWorkload(count: 200, rate: 2, seed: 5)
    var simulation = Simulation(
        config: SimulationConfig(instances: 2, profile: profile),
        policy: RoundRobinPolicy(),
        predictor: PromptBucketMeanPredictor(training: workload),
        workload: workload
    )
    simulation.runToCompletion()
    let floor = isolated.mean(of: simulation.records)
    #expect(floor > 0)
    // Every request took at least its isolated time.
    for record in simulation.records {
        #expect(record.e2e >= isolated.e2e(prompt: record.promptTokens, output: record.outputTokens) - 1e-9)
    }
    #expect(simulation.metrics.e2e.mean >= floor)
}

@Test func requestsLongerThanTheModelLengthAreRejectedAndCountedNotClamped() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let long = profile.maxModelLen
    let requests = [
        Request(id: RequestID(0), arrival: 0, promptTokens: 100, outputTokens: 10),
        Request(id: RequestID(1), arrival: 0.1, promptTokens: long - 5, outputTokens: 10),
        Request(id: RequestID(2), arrival: 0.2, promptTokens: 200, outputTokens: 10),
    ]
    var simulation = Simulation(
        config: SimulationConfig(instances: 2, profile: profile),
        policy: RoundRobinPolicy(),
        predictor: PromptBucketMeanPredictor(training: requests),
        workload: requests
    )
    simulation.runToCompletion()
    #expect(simulation.metrics.rejected == 1)
    #expect(simulation.metrics.clamped == 0)
    #expect(simulation.metrics.completed == 2, "the others complete")
    #expect(simulation.records[1].rejected && simulation.records[1].instance == -1, "routed nowhere")
    #expect(simulation.unfinished == 0)
}

/// Training the DQN router is seeded: the same seed gives the same network, another seed another; and one network
/// trains on episodes of different cluster sizes.
@Test func routerTrainingIsSeededAndReproducible() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let pool = syntheticWorkload(count: 300, rate: 4, seed: 3)
    func train(seed: UInt64, tailSlack: Double? = nil) throws -> DenseNetwork {
        var trainer = RouterTrainer(
            config: SimulationConfig(instances: 2, profile: profile, seed: seed),
            settings: [.init(instances: 2, label: "2"), .init(instances: 3, label: "3")],
            variant: .baseline,
            episodes: 2,
            predictor: PromptBucketMeanPredictor(training: pool),
            workload: { episode, setting in
                syntheticWorkload(count: 60, rate: 1.5 * Double(setting + 2), seed: UInt64(episode + 2))
            }
        )
        trainer.completionBonus = 0
        trainer.tailSlack = tailSlack
        var settings: [Int] = []
        let (policy, _) = try trainer.train { report, _ in settings.append(report.setting) }
        #expect(settings == [0, 1])
        #expect(policy.tailSlack == tailSlack, "the trained router routes within the guard it trained in")
        return policy.agent.online
    }
    let a = try train(seed: 5)
    let b = try train(seed: 5)
    let c = try train(seed: 6)
    #expect(a == b)
    #expect(a != c)
    // Within a tail guard, which the returned router keeps (checked inside `train`).
    _ = try train(seed: 5, tailSlack: 0.25)
}

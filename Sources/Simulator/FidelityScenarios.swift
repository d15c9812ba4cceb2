import Engine
import Routing
import SwitchyardCore

/// The paper's characterization experiments (sec. 4), replayed on the engine model.
public enum FidelityScenarios {
    /// A lone request with the given prompt and decode lengths, alone on one instance: its end-to-end seconds.
    /// Paper: prompt 1000 / decode 1000 on Llama-2-7B/V100 takes about 17 s.
    public static func loneRequest(profile: LatencyProfile, prompt: Int = 1000, decode: Int = 1000) -> Double {
        var engine = Engine(config: profile.engineConfig())
        engine.submit(Request(id: RequestID(0), arrival: 0, promptTokens: prompt, outputTokens: decode), now: 0)
        var now = 0.0
        var events: [EngineEvent] = []
        while let summary = engine.step(now: now, events: &events) { now += summary.duration }
        return now
    }

    /// The same request with `interferer` requests (prompt and decode `interferer` tokens) arriving every
    /// `every`-th iteration until it finishes: its end-to-end seconds. Paper: about 31 s with 500/500 every 50th.
    public static func loneRequestWithInterference(
        profile: LatencyProfile,
        prompt: Int = 1000,
        decode: Int = 1000,
        interferer: Int = 500,
        every: Int = 50
    ) -> Double {
        var engine = Engine(config: profile.engineConfig())
        engine.submit(Request(id: RequestID(0), arrival: 0, promptTokens: prompt, outputTokens: decode), now: 0)
        var now = 0.0
        var events: [EngineEvent] = []
        var iteration = 0
        var nextID = 1
        while true {
            if iteration > 0, iteration % every == 0 {
                engine.submit(
                    Request(id: RequestID(nextID), arrival: now, promptTokens: interferer, outputTokens: interferer),
                    now: now
                )
                nextID += 1
            }
            guard let summary = engine.step(now: now, events: &events) else { break }
            now += summary.duration
            iteration += 1
            if events.contains(where: { $0.kind == .finished && $0.request == RequestID(0) }) { return now }
            events.removeAll(keepingCapacity: true)
        }
        return now
    }

    /// Total end-to-end seconds of every assignment of `requests` to two instances, by exhaustive enumeration.
    public static func assignmentTotals(profile: LatencyProfile, requests: [Request]) -> [Double] {
        precondition(requests.count <= 16, "exhaustive assignment is for small request sets")
        var totals: [Double] = []
        for mask in 0..<(1 << requests.count) {
            var simulation = Simulation(
                config: SimulationConfig(instances: 2, profile: profile, scrapeInterval: 0),
                policy: FixedAssignmentPolicy(mask: mask),
                predictor: PromptBucketMeanPredictor(training: []),
                workload: requests
            )
            simulation.runToCompletion()
            totals.append(simulation.records.reduce(0) { $0 + $1.e2e })
        }
        return totals
    }

    /// Best, worst and mean (a uniformly random assignment's expectation) of the assignment totals.
    public struct AssignmentSpread: Sendable {
        public var best: Double
        public var worst: Double
        public var random: Double
        public var worstOverBest: Double { worst / best - 1 }
        public var randomOverBest: Double { random / best - 1 }
    }

    /// The paper's experiment: 8 requests, one per second, on 2 instances, prompt and decode lengths drawn
    /// uniformly from `lengths` (scaled by `decodeScale` for the decode), averaged over `seeds`.
    public static func assignmentSpread(
        profile: LatencyProfile,
        seeds: [UInt64],
        count: Int = 8,
        lengths: ClosedRange<Int> = 10...100,
        decodeScale: Int = 1
    ) -> AssignmentSpread {
        var best = 0.0
        var worst = 0.0
        var random = 0.0
        for seed in seeds {
            var rng = SplitMix64(seed: seed)
            let requests = (0..<count).map { index in
                Request(
                    id: RequestID(index),
                    arrival: Double(index),
                    promptTokens: Int.random(in: lengths, using: &rng),
                    outputTokens: Int.random(in: lengths, using: &rng) * decodeScale
                )
            }
            let totals = assignmentTotals(profile: profile, requests: requests)
            best += totals.min() ?? 0
            worst += totals.max() ?? 0
            random += totals.reduce(0, +) / Double(max(1, totals.count))
        }
        let n = Double(max(1, seeds.count))
        return AssignmentSpread(best: best / n, worst: worst / n, random: random / n)
    }
}

/// Sends request k to instance bit k of `mask`: one fixed assignment, for exhaustive search.
struct FixedAssignmentPolicy: RoutingPolicy {
    let name = "fixed-assignment"
    let mask: Int
    mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        .pick(InstanceID((mask >> request.id.rawValue) & 1), reason: "fixed assignment")
    }
}

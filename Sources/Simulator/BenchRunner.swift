import Engine
import Routing
import SwitchyardCore

/// Runs one workload under several policies and seeds and aggregates the results.
public struct BenchRunner: Sendable {
    public var config: SimulationConfig
    public var policies: [String]
    public var seeds: [UInt64]
    /// Builds the timed workload for a seed (arrival processes are seeded).
    public var workload: @Sendable (UInt64) throws -> [Request]
    /// Builds the predictor for a seed (trained on a training split that the bench does not measure).
    public var predictor: @Sendable (UInt64) throws -> any LengthPredictor
    /// Builds a policy by name for a seed.
    public var makePolicy: @Sendable (String, UInt64) throws -> any RoutingPolicy

    public init(
        config: SimulationConfig,
        policies: [String],
        seeds: [UInt64],
        workload: @escaping @Sendable (UInt64) throws -> [Request],
        predictor: @escaping @Sendable (UInt64) throws -> any LengthPredictor,
        makePolicy: @escaping @Sendable (String, UInt64) throws -> any RoutingPolicy = {
            try PolicyCatalog.make($0, seed: $1)
        }
    ) {
        self.config = config
        self.policies = policies
        self.seeds = seeds
        self.workload = workload
        self.predictor = predictor
        self.makePolicy = makePolicy
    }

    /// The outcome of one policy across all seeds.
    public struct Outcome: Sendable {
        public var policy: String
        public var metrics: SimulationMetrics
        /// Every measured request's record, across seeds.
        public var records: [RequestRecord]
    }

    /// Runs every policy on every seed.
    /// - Parameter clock: returns wall seconds (injected so the logic never reads the wall clock itself).
    /// - Returns: the report and each policy's pooled metrics and records. The report's `rate` is the mean arrival
    ///   rate the seeds' workloads realised; a caller that knows the rate it offered (``WorkloadPlan/rate``) sets it.
    /// - Throws: the errors of the workload, predictor and policy builders.
    public func run(clock: @Sendable () -> Double) throws -> (report: BenchReport, outcomes: [Outcome]) {
        let start = clock()
        var outcomes: [Outcome] = policies.map { Outcome(policy: $0, metrics: SimulationMetrics(), records: []) }
        var requestsPerRun = 0
        var rateSum = 0.0
        for seed in seeds {
            let requests = try workload(seed)
            requestsPerRun = requests.count
            if let last = requests.last, let first = requests.first, last.arrival > first.arrival {
                rateSum += Double(requests.count - 1) / (last.arrival - first.arrival)
            }
            let predictor = try predictor(seed)
            for (index, name) in policies.enumerated() {
                var runConfig = config
                runConfig.seed = seed
                var simulation = Simulation(
                    config: runConfig,
                    policy: try makePolicy(name, seed),
                    predictor: predictor,
                    workload: requests
                )
                simulation.runToCompletion()
                var metrics = simulation.metrics
                (metrics.prefixQueries, metrics.prefixHits) = simulation.prefixCacheTotals
                outcomes[index].metrics.merge(metrics)
                outcomes[index].records.append(contentsOf: simulation.records.filter { $0.measured && !$0.rejected })
            }
        }
        let wall = max(1e-9, clock() - start)
        let firstMean = outcomes.first?.metrics.e2e.mean ?? 0
        let results = outcomes.map { outcome in
            let m = outcome.metrics
            return BenchReport.PolicyResult(
                name: outcome.policy,
                completed: m.completed,
                preemptions: m.preemptions,
                rejected: m.rejected,
                prefixHitRate: m.prefixQueries > 0 ? Double(m.prefixHits) / Double(m.prefixQueries) : 0,
                e2e: .init(m.e2e.summary),
                ttft: .init(m.ttft.summary),
                tbt: .init(m.tbt.summary),
                routerWait: .init(m.routerWait.summary),
                vsFirstMeanE2E: firstMean > 0 ? m.e2e.mean / firstMean - 1 : 0,
                longPrompts: .init(outcome.records) { $0.promptTokens },
                longOutputs: .init(outcome.records) { $0.outputTokens }
            )
        }
        let isolated = IsolatedLatency(profile: config.profile, chunkedPrefill: config.chunkedPrefill)
            .mean(of: outcomes.first?.records ?? [])
        let report = BenchReport(
            workload: "",
            instances: config.instances,
            profile: config.profile.name,
            requests: requestsPerRun,
            seeds: seeds,
            rate: seeds.isEmpty ? 0 : rateSum / Double(seeds.count),
            wallSeconds: wall,
            simulatedRequestsPerSecond: Double(requestsPerRun * policies.count * seeds.count) / wall,
            isolatedE2EMean: isolated,
            policies: results
        )
        return (report, outcomes)
    }
}

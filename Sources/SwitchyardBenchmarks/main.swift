import Engine
import Foundation
import Routing
import Simulator
import SwitchyardCore
import Workload

// Release-mode benchmarks that print their figures. Run with:
//   swift run -c release SwitchyardBenchmarks [simulator|fidelity|decision] [--azure PATH]
// Nothing here is a pass/fail test.

func wallSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Reads an Azure trace CSV minimally (the Workload module has the validating reader; this keeps the benchmark
/// free of it so the figure measures the simulator alone).
func azureRequests(path: String) -> [Request]? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    var requests: [Request] = []
    for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() where index > 0 {
        let fields = line.split(separator: ",")
        guard fields.count == 3, let p = Int(fields[1]), let d = Int(fields[2]) else { continue }
        requests.append(Request(id: RequestID(requests.count), arrival: 0, promptTokens: p, outputTokens: max(1, d)))
    }
    return requests
}

func simulatorThroughput(arguments: [String]) throws {
    let path =
        arguments.firstIndex(of: "--azure").map { arguments[$0 + 1] }
        ?? (ProcessInfo.processInfo.environment["SWITCHYARD_DATA"].map { $0 + "/azure/AzureLLMInferenceTrace_conv.csv" }
            ?? "../shared/data/azure/AzureLLMInferenceTrace_conv.csv")
    guard let base = azureRequests(path: path), !base.isEmpty else {
        print("simulator: cannot read \(path); pass --azure PATH to the Azure conv CSV")
        return
    }
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let instances = 8
    let perInstance = CapacityEstimator.requestsPerSecond(profile: profile, sample: Array(base.prefix(2000)))
    let rate = 0.9 * perInstance * Double(instances)
    // The full trace replayed 10 times, Poisson arrivals at 90% of measured capacity.
    var rng = SplitMix64(seed: 1)
    var t = 0.0
    var requests: [Request] = []
    for copy in 0..<10 {
        for request in base {
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            t += -log(1 - u) / rate
            requests.append(
                Request(
                    id: RequestID(requests.count),
                    arrival: t,
                    promptTokens: request.promptTokens,
                    outputTokens: request.outputTokens
                )
            )
        }
        _ = copy
    }
    // Exact gauges (scrape 0) and sampled every 0.25 s, the default: the samples are events of their own.
    for (policy, scrape) in [
        ("round-robin", 0.0), ("least-tokens", 0.0), ("round-robin", 0.25), ("least-tokens", 0.25),
    ] {
        var simulation = Simulation(
            config: SimulationConfig(instances: instances, profile: profile, scrapeInterval: scrape),
            policy: try PolicyCatalog.make(policy, seed: 1),
            predictor: PromptBucketMeanPredictor(training: Array(base.prefix(2000))),
            workload: requests
        )
        let start = wallSeconds()
        simulation.runToCompletion()
        let wall = wallSeconds() - start
        let perMinute = Double(requests.count) / wall * 60
        print(
            "simulator: \(policy), scrape \(scrape) s, \(instances) instances, \(requests.count) requests (Azure conv x10) at \(String(format: "%.1f", rate)) req/s: \(String(format: "%.3f", wall)) s wall, \(String(format: "%.0f", Double(requests.count) / wall)) req/s = \(String(format: "%.1f", perMinute / 1e6))M simulated requests per minute; mean E2E \(String(format: "%.2f", simulation.metrics.e2e.mean)) s"
        )
    }
}

/// The Mooncake conversation trace (prefix hashes, long prompts) through 8 instances of the 128k A100 profile at
/// 80% of measured capacity on its own timeline: the simulator with prefix caching at work.
func mooncakeThroughput() throws {
    let directory = ProcessInfo.processInfo.environment["SWITCHYARD_DATA"] ?? "../shared/data"
    let loaded = try WorkloadLoader.load(
        spec: try WorkloadSpec(parsing: "mooncake"),
        dataDirectory: directory,
        seed: 1,
        limit: nil
    )
    let profile = try ProfileCatalog.profile(named: "llama3.1-8b-a100-128k")
    let instances = 8
    let perInstance = CapacityEstimator.requestsPerSecond(profile: profile, sample: Array(loaded.requests.prefix(2000)))
    let requests = ArrivalProcess.rescale(loaded.requests, toMeanRate: 0.8 * perInstance * Double(instances))
    for policy in ["round-robin", "least-impact"] {
        var simulation = Simulation(
            config: SimulationConfig(instances: instances, profile: profile),
            policy: try PolicyCatalog.make(policy, seed: 1),
            predictor: PromptBucketMeanPredictor(training: Array(requests.prefix(2000))),
            workload: requests
        )
        let start = wallSeconds()
        simulation.runToCompletion()
        let wall = wallSeconds() - start
        let totals = simulation.prefixCacheTotals
        print(
            "simulator: \(policy), Mooncake conversation (\(loaded.source)), \(requests.count) requests, \(instances) instances: \(String(format: "%.3f", wall)) s wall, \(String(format: "%.0f", Double(requests.count) / wall))/s = \(String(format: "%.2f", Double(requests.count) / wall * 60 / 1e6))M per minute; prefix hit rate \(String(format: "%.1f", Double(totals.hits) / Double(max(1, totals.queries)) * 100))%"
        )
    }
}

func fidelity() throws {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    print("fidelity: lone 1000/1000 request: \(FidelityScenarios.loneRequest(profile: profile)) s (paper ~17 s)")
    print(
        "fidelity: with 500/500 every 50th iteration: \(FidelityScenarios.loneRequestWithInterference(profile: profile)) s (paper ~31 s)"
    )
    for scale in [1, 4] {
        let s = FidelityScenarios.assignmentSpread(profile: profile, seeds: Array(1...10), decodeScale: scale)
        print(
            "fidelity: 8 requests, 2 instances, decode x\(scale): best \(String(format: "%.2f", s.best)) s, worst +\(String(format: "%.1f", s.worstOverBest * 100))%, random +\(String(format: "%.1f", s.randomOverBest * 100))% (paper 27.03 s, +19.6%, +10.3%)"
        )
    }
}

/// A busy hand-made view: every instance carries some prefill and decode load.
func busyView(instances: Int) -> ClusterView {
    var rng = SplitMix64(seed: 3)
    let loads = (0..<instances).map { index -> InstanceLoad in
        var load = InstanceLoad(id: InstanceID(index), buckets: 3, kvCapacityTokens: 26_560, maxBatchSize: 128)
        load.outstanding = 10 + Int(rng.next() % 30)
        load.prefillCount = Int(rng.next() % 4)
        load.prefillPromptTokens = load.prefillCount * 900
        load.outstandingPromptTokens = load.outstanding * 1100
        load.predictedDecodeTokens = Double(load.outstanding * 220)
        load.streamedTokens = load.outstanding * 90
        load.decodeContextTokens = (load.outstanding - load.prefillCount) * 1200
        load.prefillByBucket = [load.prefillCount, 0, 0]
        load.decodeByBucket = [load.outstanding - load.prefillCount, 0, 0]
        load.prefillByPromptBucket = [load.prefillCount, 0, 0]
        load.decodeByPromptBucket = [load.outstanding - load.prefillCount, 0, 0]
        load.waiting = load.prefillCount
        load.running = load.outstanding - load.prefillCount
        load.kvUsage = Double(rng.next() % 90) / 100
        return load
    }
    return ClusterView(now: 10, instances: loads, routerQueueLength: 0, cost: .paperV100, buckets: .paper)
}

/// The policy's name, and for `least-impact` whether its tail guard is on.
func label(_ policy: any RoutingPolicy) -> String {
    guard let leastImpact = policy as? LeastImpactPolicy else { return policy.name }
    return leastImpact.ttftSlack == nil ? "least-impact (no tail guard)" : "least-impact"
}

/// Per-decision cost of a policy, timed over many decisions on a fixed busy view.
func decisionCost() throws {
    for instances in [8, 64] {
        let view = busyView(instances: instances)
        var policies: [any RoutingPolicy] = [
            WorkloadAwarePolicy(), LeastImpactPolicy(), LeastImpactPolicy(ttftSlack: nil), LeastTokensPolicy(),
            LLMDPolicy(seed: 1),
        ]
        let network = DenseNetwork(sizes: RLPolicy.layerSizes, seed: 1)
        policies.append(RLPolicy(variant: .guided, network: network))
        policies.append(RLPolicy(variant: .guided, network: network, tailSlack: 0.25, name: "rl-guarded"))
        for var policy in policies {
            let n = 200_000 / instances
            var checksum = 0
            let start = wallSeconds()
            for i in 0..<n {
                let request = RequestInfo(
                    id: RequestID(i),
                    arrival: 10,
                    promptTokens: 100 + i % 2000,
                    predictedBucket: i % 3,
                    predictedOutputTokens: Double(50 + i % 700)
                )
                if case .instance(let id) = policy.route(request, in: view).target { checksum &+= id.rawValue }
            }
            let perDecision = (wallSeconds() - start) / Double(n) * 1e6
            print(
                "decision: \(label(policy)), \(instances) instances: \(String(format: "%.2f", perDecision)) µs per decision (checksum \(checksum % 10))"
            )
        }
    }
}

/// Prediction cost of the shipped n-gram predictor on ~1,000-token prompts.
func predictionCost() throws {
    let predictor = try PredictorStore.loadShipped()
    var rng = SplitMix64(seed: 9)
    let words = [
        "the", "model", "please", "write", "a", "function", "that", "returns", "summary", "of", "data", "in", "json",
    ]
    let prompts = (0..<200).map { _ in
        (0..<700).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
    }
    let features = prompts.map { PromptFeatures(promptTokens: TokenEstimatorShim.estimate($0), text: $0) }
    var sink = 0
    let rounds = 50
    let start = wallSeconds()
    for _ in 0..<rounds { for f in features { sink &+= predictor.predict(f).bucket } }
    let per = (wallSeconds() - start) / Double(rounds * features.count) * 1e6
    print(
        "prediction: ngram-logreg on ~1,000-token prompts (\(features[0].promptTokens) tokens): \(String(format: "%.2f", per)) µs per prompt (\(sink % 3))"
    )
}

/// ~0.75 words per token is close enough for sizing the benchmark's prompts.
enum TokenEstimatorShim {
    static func estimate(_ text: String) -> Int { Int(Double(text.split(separator: " ").count) / 0.75) }
}

let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "all"
if which == "simulator" || which == "all" {
    try simulatorThroughput(arguments: arguments)
    try mooncakeThroughput()
}
if which == "fidelity" || which == "all" { try fidelity() }
if which == "decision" || which == "all" { try decisionCost() }
if which == "prediction" || which == "all" { try predictionCost() }

import ArgumentParser
import Engine
import Foundation
import Routing
import Simulator
import SwitchyardCore
import Workload

/// The options that say what cluster and what workload to simulate; shared by console, bench and train.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Workload spec (see `switchyard workloads`).")
    var workload = "azure-conv"

    @Option(help: "Folder holding the full traces (azure/, sharegpt/, vidur/); default $SWITCHYARD_DATA.")
    var dataDir: String?

    // `.unconditional`: a negative number is read as the value (and refused by validate()), not as a flag.
    @Option(parsing: .unconditional, help: "Number of instances.")
    var instances = 4

    @Option(help: "Latency profile name or a profile .json path (see `switchyard profiles`).")
    var profile = ProfileCatalog.defaultName

    @Option(
        parsing: .unconditional,
        help: "Mean arrival rate in requests/s (a trace's timeline is rescaled; others get Poisson arrivals)."
    )
    var rate: Double?

    @Option(
        parsing: .unconditional,
        help: "Offered load as a fraction of the cluster's measured capacity (default 0.9 when --rate is absent)."
    )
    var load: Double?

    @Option(help: "Arrival process for workloads without timestamps: poisson or gamma:CV (bursty).")
    var arrivals = "poisson"

    @Flag(help: "Turn on chunked prefill in every instance.")
    var chunkedPrefill = false

    @Option(
        help: """
            Length predictor: ngram (hashed n-gram logistic regression, trained on the workload's training part; \
            needs prompt text, else it uses prompt length and hint), band-mean (mean output per prompt-length band \
            and hint, from the training part) or shipped (the model that ships inside Switchyard).
            """
    )
    var predictor: PredictorChoice = .auto

    @Option(help: "A DQN router model file (from `train router`) for the rl policies, instead of the shipped one.")
    var rlModel: String?

    enum PredictorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
        case auto, ngram
        case bandMean = "band-mean"
        case shipped
    }

    func validate() throws {
        guard instances >= 1, instances <= 1024 else {
            throw ValidationError("--instances must be between 1 and 1024, got \(instances).")
        }
        if let rate, !(rate > 0 && rate.isFinite) {
            throw ValidationError("--rate must be a positive number, got \(rate).")
        }
        if let load, !(load > 0 && load.isFinite) {
            throw ValidationError("--load must be a positive number, got \(load).")
        }
        if rate != nil && load != nil { throw ValidationError("Give --rate or --load, not both.") }

        _ = try arrivalProcess(rate: 1)
    }

    /// The arrival process for untimed workloads at `rate`.
    func arrivalProcess(rate: Double) throws -> ArrivalProcess {
        if arrivals == "poisson" { return .poisson(rate: rate) }
        if arrivals.hasPrefix("gamma:"), let cv = Double(arrivals.dropFirst(6)), cv > 0 {
            return .gamma(rate: rate, cv: cv)
        }
        throw ValidationError("--arrivals must be 'poisson' or 'gamma:CV' with CV > 0, got '\(arrivals)'.")
    }

    func latencyProfile() throws -> LatencyProfile { try ProfileCatalog.profile(named: profile) }

    /// - Parameters:
    ///   - seed: The run's seed.
    ///   - scrapeInterval: Seconds between samples of the engines' gauges (`--scrape-interval`; 0 exact).
    /// - Returns: The simulated cluster these options describe.
    /// - Throws: When the profile cannot be read.
    func simulationConfig(seed: UInt64, scrapeInterval: Double = 0.25) throws -> SimulationConfig {
        SimulationConfig(
            instances: instances,
            profile: try latencyProfile(),
            chunkedPrefill: chunkedPrefill,
            scrapeInterval: scrapeInterval,
            seed: seed
        )
    }
}

/// A loaded workload split into a training part (for the predictor) and an evaluation part, with its offered rate.
struct WorkloadPlan: Sendable {
    var name: String
    var source: String
    var training: [Request]
    var evaluation: [Request]
    var hasArrivalTimes: Bool
    /// The offered mean rate, requests per second.
    var rate: Double
    var process: ArrivalProcess
    var capacityPerInstance: Double

    /// The share of a trace kept for training the default predictor; the rest is evaluated.
    static let trainingShare = 0.25

    /// Loads the workload and splits it: the first 25% trains the predictor, the rest (at most `requests`) runs.
    static func make(_ options: ClusterOptions, requests: Int?, seed: UInt64 = 1) throws -> WorkloadPlan {
        let spec = try WorkloadSpec(parsing: options.workload)
        let limit = requests.map { Int((Double($0) / (1 - trainingShare)).rounded(.up)) + 1 }
        let loaded = try WorkloadLoader.load(spec: spec, dataDirectory: options.dataDir, seed: seed, limit: limit)
        guard loaded.requests.count >= 2 else {
            throw ValidationError(
                "Workload '\(options.workload)' has \(loaded.requests.count) requests; at least 2 are needed."
            )
        }
        let cut = max(1, Int(Double(loaded.requests.count) * trainingShare))
        let training = Array(loaded.requests[..<cut])
        var evaluation = Array(loaded.requests[cut...])
        if let requests { evaluation = Array(evaluation.prefix(requests)) }
        let origin = evaluation.first?.arrival ?? 0
        evaluation = evaluation.enumerated().map { index, request in
            var r = request
            r.id = RequestID(index)
            r.arrival = loaded.hasArrivalTimes ? request.arrival - origin : 0
            return r
        }
        let profile = try options.latencyProfile()
        let capacity = CapacityEstimator.requestsPerSecond(
            profile: profile,
            sample: Array(evaluation.prefix(2000)),
            chunkedPrefill: options.chunkedPrefill
        )
        let rate: Double
        if let explicit = options.rate {
            rate = explicit
        } else {
            rate = (options.load ?? 0.9) * capacity * Double(options.instances)
        }
        if let load = options.load, load > 1 {
            FileHandle.standardError.write(
                Data(
                    "warning: --load \(load) offers more than the cluster can serve: queues grow without bound, so latencies depend on how long the run is.\n"
                        .utf8
                )
            )
        }
        guard rate > 0 else { throw ValidationError("The offered rate for '\(options.workload)' came out as 0.") }
        return WorkloadPlan(
            name: loaded.name,
            source: loaded.source,
            training: training,
            evaluation: evaluation,
            hasArrivalTimes: loaded.hasArrivalTimes,
            rate: rate,
            process: try options.arrivalProcess(rate: rate),
            capacityPerInstance: capacity
        )
    }

    /// The evaluation requests with arrivals at the offered rate for `seed`: a trace's own timeline rescaled (its
    /// burstiness kept, identical for every seed), or fresh arrivals from the process.
    func timed(seed: UInt64) -> [Request] {
        if hasArrivalTimes { return ArrivalProcess.rescale(evaluation, toMeanRate: rate) }
        var rng = SeededGenerator(seed: seed)
        return process.assigningArrivals(to: evaluation, using: &rng)
    }

    /// The predictor for `choice`, trained on the training part only, so `bench` never measures requests the
    /// predictor saw. `auto` is `ngram` for workloads with prompt text and `band-mean` otherwise (on size-only
    /// traces the two use the same information, and the band means were as accurate on Azure).
    func predictor(_ choice: ClusterOptions.PredictorChoice) throws -> any LengthPredictor {
        let hasText = training.contains { $0.text != nil }
        switch choice {
        case .bandMean:
            return PromptBucketMeanPredictor(training: training)
        case .auto where !hasText:
            return PromptBucketMeanPredictor(training: training)
        case .ngram, .auto:
            let examples = training.map {
                TrainingExample(features: PromptFeatures($0), outputTokens: $0.outputTokens, group: "\($0.id.rawValue)")
            }
            return PredictorTrainer(features: hasText ? .text : .promptLengthAndHint).train(examples)
        case .shipped:
            let isAzure = training.first?.hint == "conv" || training.first?.hint == "code"
            return try PredictorStore.loadShipped(isAzure ? PredictorStore.azureModel : PredictorStore.shareGPTModel)
        }
    }
}

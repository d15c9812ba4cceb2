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

    @Option(help: "Folder holding the full traces (azure/, sharegpt/, vidur/, mooncake/); default $SWITCHYARD_DATA.")
    var dataDir: String?

    // `.unconditional`: a negative number is read as the value (and refused by validate()), not as a flag.
    @Option(name: .customLong("instances"), parsing: .unconditional, help: "Number of instances (default 4).")
    var instancesGiven: Int?

    /// The number of instances: `--instances`, or 4.
    var instances: Int {
        get { instancesGiven ?? 4 }
        set { instancesGiven = newValue }
    }

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

    @Option(
        help: """
            The tail guard of least-impact and rl-guarded: how much longer than at the best instance a request may \
            expect to wait for its first token (0.25 = 25%, the default), or off. For train router (--variant rl): \
            train within this guard, as rl-guarded routes, and route the result with rl-guarded --rl-model FILE \
            (default: no guard).
            """
    )
    var tailSlack: TailSlack?

    /// `--tail-slack` as the policies take it: the default when not given, nil when `off`.
    var tailSlackValue: Double? {
        if let tailSlack { return tailSlack.value }
        return LeastImpactPolicy.defaultSlack
    }

    typealias PredictorChoice = WorkloadPlan.PredictorChoice

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

extension WorkloadPlan {
    /// The plan the command-line options describe; warns on stderr above `--load 1`.
    /// - Throws: `ValidationError` naming what is wrong.
    static func make(_ options: ClusterOptions, requests: Int?, seed: UInt64 = 1) throws -> WorkloadPlan {
        if let load = options.load, load > 1 {
            FileHandle.standardError.write(
                Data(
                    "warning: --load \(load) offers more than the cluster can serve: queues grow without bound, so latencies depend on how long the run is.\n"
                        .utf8
                )
            )
        }
        do {
            return try make(
                spec: try WorkloadSpec(parsing: options.workload),
                dataDirectory: options.dataDir,
                requests: requests,
                seed: seed,
                profile: try options.latencyProfile(),
                chunkedPrefill: options.chunkedPrefill,
                instances: options.instances,
                offered: options.rate.map { .rate($0) } ?? .load(options.load ?? 0.9),
                arrivals: { try options.arrivalProcess(rate: $0) }
            )
        } catch let error as PlanError {
            throw ValidationError(error.description)
        }
    }
}

extension WorkloadPlan.PredictorChoice: ExpressibleByArgument {}

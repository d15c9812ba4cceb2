import ArgumentParser
import Foundation
import Routing
import Simulator
import SwitchyardCore
import Workload

struct TrainRouterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Train the Double-DQN router in the simulator and save its weights.",
        discussion: """
            One network scores every instance from its own features and the cluster's, so a model serves any \
            number of instances; episodes cycle through the cluster sizes of --train-instances (4 and 8 by default, or \
            --instances N alone). Episodes replay \
            windows of the workload's training part (bench's own training split for --bench-requests, which `bench` \
            never measures with at least that many requests), each at the \
            offered rate for its cluster size, with a different seed. ε falls linearly over the first 20 episodes \
            from 1 (from 0.2 for `rl`, which starts from the heuristic's choices) to a floor of 0.02; for `rl` the \
            heuristic's weight in episode k is exp(-0.5 k). After each episode the greedy policy is scored on a \
            fixed validation window at every size: the learning curve.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Variant: rl (workload-guided), rl-aware or rl-baseline.")
    var variant = "rl"

    @Option(help: "Training episodes.")
    var episodes = 40

    @Option(help: "Requests per episode.")
    var episodeRequests = 2000

    @Option(help: "Cluster sizes the episodes cycle through, comma-separated (default 4,8, or --instances alone).")
    var trainInstances: String?

    @Option(
        help: ArgumentHelp(
            "Train on the part of the workload that `bench --requests N` never measures, for any N at least this: bench's own training split for this many requests (the first 25% of the first N/0.75); 0 takes the first 25% of the whole workload, which only a bench of the whole workload never measures.",
            valueName: "N"
        )
    )
    var benchRequests = 4000

    @Option(
        help: ArgumentHelp(
            "Train on these rows of the workload instead (0-based, TO excluded; e.g. 5335-10176, past what `bench --requests 4000` loads). The length predictor is still trained on bench's training split for --bench-requests.",
            valueName: "FROM-TO"
        )
    )
    var trainRows: String?

    @Option(help: "Seed of the network and the episodes.")
    var seed: UInt64 = 1

    @Option(help: "Reward per completed request (the paper uses 60).")
    var completionBonus = 60.0

    @Option(
        help: ArgumentHelp(
            "Reward: per-request (each request's latency, charged to the decision that routed it) or paper (every request in the system, charged to every decision).",
            valueName: "per-request|paper"
        )
    )
    var reward = "per-request"

    @Option(help: "Adam learning rate of the network.")
    var learningRate: Float = 1e-4

    @Option(help: "Discount per routing decision.")
    var gamma: Float = 0.9

    @Option(help: "Train steps between copies of the online network into the target network.")
    var targetSync = 1000

    @Option(help: "A folder to write every episode's greedy network to, as <variant>-episode-K.json (for inspection).")
    var checkpoints: String?

    @Option(help: "Where to write the weights (default: <variant>.json).")
    var out: String?

    @Option(
        help: "Loads the episodes cycle through as well, comma-separated (instead of --load; each with every size)."
    )
    var trainLoads: String?

    /// The loads of --train-loads.
    var loads: [Double] {
        get throws {
            try CommaList.parse(trainLoads ?? "", option: "--train-loads", expected: "loads in (0, 2], comma-separated")
            {
                Double($0).flatMap { $0 > 0 && $0 <= 2 ? $0 : nil }
            }
        }
    }

    /// The sizes of --train-instances; or `--instances N` alone; or 4 and 8.
    var sizes: [Int] {
        get throws {
            guard let trainInstances else {
                guard let given = cluster.instancesGiven else { return [4, 8] }
                guard given <= 256 else {
                    throw ValidationError("--instances: train router trains at 1 to 256 instances, got \(given).")
                }
                return [given]
            }
            if cluster.instancesGiven != nil {
                throw ValidationError("Give the cluster sizes by --train-instances or --instances, not both.")
            }
            return try CommaList.parse(
                trainInstances,
                option: "--train-instances",
                expected: "cluster sizes from 1 to 256, comma-separated"
            ) { Int($0).flatMap { (1...256).contains($0) ? $0 : nil } }
        }
    }

    /// `--train-rows FROM-TO` as a range, nil when not given.
    var rows: Range<Int>? {
        get throws {
            guard let trainRows else { return nil }
            let parts = trainRows.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let from = Int(parts[0]), let to = Int(parts[1]), from >= 0, to > from else {
                throw ValidationError(
                    "--train-rows must be FROM-TO with 0 <= FROM < TO (e.g. 5335-10176), got '\(trainRows)'."
                )
            }
            return from..<to
        }
    }

    func validate() throws {
        guard RLPolicy.Variant(rawValue: variant) != nil else {
            throw ValidationError("--variant must be rl, rl-aware or rl-baseline, got '\(variant)'.")
        }
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes).") }
        guard episodeRequests >= 10 else { throw ValidationError("--episode-requests must be at least 10.") }
        guard benchRequests >= 0 else {
            throw ValidationError("--bench-requests must be 0 (the whole workload) or more, got \(benchRequests).")
        }
        _ = try rows
        if trainRows != nil, case .mix = try WorkloadSpec(parsing: cluster.workload).kind {
            // A mix draws as many rows as asked, starting a source again past its end, so its rows past the first
            // pass repeat rows a bench measures.
            throw ValidationError("--train-rows needs a trace, not a mix: a mix repeats its sources past their ends.")
        }
        if cluster.tailSlack != nil, variant != RLPolicy.Variant.guided.rawValue {
            throw ValidationError(
                "--tail-slack trains within the tail guard only for --variant rl (route the result with rl-guarded --rl-model FILE)."
            )
        }
        guard RLPolicy.Reward(rawValue: reward) != nil else {
            throw ValidationError("--reward must be per-request or paper, got '\(reward)'.")
        }
        guard learningRate > 0, learningRate < 1 else {
            throw ValidationError("--learning-rate must be in (0, 1), got \(learningRate).")
        }
        guard gamma >= 0, gamma < 1 else { throw ValidationError("--gamma must be in [0, 1), got \(gamma).") }
        guard targetSync >= 1 else { throw ValidationError("--target-sync must be at least 1, got \(targetSync).") }
        _ = try sizes
        if trainLoads != nil {
            _ = try loads
            guard cluster.rate == nil else { throw ValidationError("--train-loads and --rate cannot be combined.") }
        }
    }

    func run() throws {
        guard let kind = RLPolicy.Variant(rawValue: variant) else { return }
        let sizes = try sizes
        let loads: [Double?] = try trainLoads.map { _ in try self.loads.map { Optional($0) } } ?? [nil]
        // One plan per setting: the same training part, at the rate the load asks of that cluster size.
        var plans: [WorkloadPlan] = []
        var settings: [RouterTrainer.Setting] = []
        for n in sizes {
            for load in loads {
                var options = cluster
                options.instances = n
                if let load { options.load = load }
                let plan = try WorkloadPlan.make(options, requests: benchRequests > 0 ? benchRequests : nil, seed: seed)
                plans.append(plan)
                let label = load.map { String(format: "%d@%.2g", n, $0) } ?? "\(n)"
                settings.append(RouterTrainer.Setting(instances: n, label: label))
            }
        }
        guard let reference = plans.first else { return }
        var pool = reference.training
        if let rows = try rows {
            let loaded: LoadedWorkload
            do {
                loaded = try WorkloadLoader.load(
                    spec: try WorkloadSpec(parsing: cluster.workload),
                    dataDirectory: cluster.dataDir,
                    seed: seed,
                    limit: rows.upperBound
                )
            } catch { throw ValidationError("\(error)") }
            guard loaded.requests.count >= rows.upperBound else {
                throw ValidationError(
                    "--train-rows \(trainRows ?? ""): \(reference.name) has only \(loaded.requests.count) rows."
                )
            }
            pool = Array(loaded.requests[rows])
        }
        let count = min(episodeRequests, pool.count)
        let windows = plans.map { plan in
            (pool: pool, rate: plan.rate, process: plan.process, timed: plan.hasArrivalTimes)
        }
        let seed = seed
        var trainer = RouterTrainer(
            config: try cluster.simulationConfig(seed: seed),
            settings: settings,
            variant: kind,
            episodes: episodes,
            predictor: try reference.predictor(cluster.predictor),
            workload: { episode, setting in
                let w = windows[setting]
                var rng = SeededGenerator(seed: seed &+ UInt64(bitPattern: Int64(episode)) &* 7919)
                let start = w.pool.count > count ? Int(rng.next() % UInt64(w.pool.count - count + 1)) : 0
                var window = Array(w.pool[start..<(start + count)])
                let origin = window.first?.arrival ?? 0
                window = window.enumerated().map { index, request in
                    var r = request
                    r.id = RequestID(index)
                    r.arrival = w.timed ? request.arrival - origin : 0
                    return r
                }
                return w.timed
                    ? ArrivalProcess.rescale(window, toMeanRate: w.rate)
                    : w.process.assigningArrivals(to: window, using: &rng)
            }
        )

        trainer.completionBonus = completionBonus
        trainer.learningRate = learningRate
        trainer.reward = RLPolicy.Reward(rawValue: reward) ?? .perRequest
        trainer.gamma = gamma
        trainer.targetSync = targetSync
        // Given, --tail-slack trains the router within that tail guard, as `rl-guarded` routes; not given, none.
        trainer.tailSlack = cluster.tailSlack?.value
        for (index, setting) in settings.enumerated() {
            let heuristic = try trainer.validate(WorkloadAwarePolicy(), setting: index)
            let roundRobin = try trainer.validate(RoundRobinPolicy(), setting: index)
            print(
                String(
                    format:
                        "validation window %@ (%d instances at %.2f req/s): round-robin %.3f s, workload-aware %.3f s mean E2E",
                    setting.label,
                    setting.instances,
                    windows[index].rate,
                    roundRobin,
                    heuristic
                )
            )
        }
        print(
            "training \(variant) on \(reference.name) ("
                + (trainRows.map { "rows \($0)" } ?? "training part") + ": \(pool.count) requests), "
                + "\(episodes) episodes x \(count) requests, cycling through \(settings.map(\.label).joined(separator: ", "))"
                + (trainer.tailSlack.map { ", within the tail guard at slack \($0)" } ?? "")
        )
        let command = (["switchyard"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        func model(_ network: DenseNetwork, episodes: Int) -> RLModelFile {
            RLModelFile(
                variant: variant,
                trainedInstances: sizes,
                profile: cluster.profile,
                workload: reference.name,
                episodes: episodes,
                seed: seed,
                command: command,
                network: network
            )
        }
        if let checkpoints {
            try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        }
        let (policy, kept) = try trainer.train { report, network in
            if let checkpoints {
                let path = "\(checkpoints)/\(variant)-episode-\(report.episode).json"
                do { try model(network, episodes: report.episode).save(to: path) } catch {
                    print("cannot write \(path): \(error.localizedDescription)")
                }
            }
            let width = 20
            let filled = width * report.episode / episodes
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let greedy = zip(settings, report.validationE2E).map { String(format: "%@: %.3f s", $0.label, $1) }
            print(
                String(
                    format:
                        "[%@] %3d/%d  %@  reward %10.1f  E2E %7.3f s  eps %.2f  lambda %.3f  loss %.4f  greedy E2E %@%@",
                    bar,
                    report.episode,
                    episodes,
                    settings[report.setting].label,
                    report.reward,
                    report.meanE2E,
                    report.epsilon,
                    report.heuristicWeight,
                    report.meanLoss,
                    greedy.joined(separator: ", "),
                    report.best ? "  (best so far)" : ""
                )
            )
        }
        let path = out ?? "\(variant).json"
        try model(policy.agent.online, episodes: kept).save(to: path)
        print("saved \(path): the network after episode \(kept), the best on the validation window")
    }
}

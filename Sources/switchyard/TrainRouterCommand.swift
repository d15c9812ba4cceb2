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
            Episodes replay windows of the workload's training part (its first 25%, which `bench` never \
            measures), each at the offered rate with a different seed. ε falls linearly over the first 20 episodes \
            from 1 (from 0.2 for `rl`, which starts from the heuristic's choices) to a floor of 0.02; for `rl` the \
            heuristic's weight in episode k is exp(-0.5 k).
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Variant: rl (workload-guided), rl-aware or rl-baseline.")
    var variant = "rl"

    @Option(help: "Training episodes.")
    var episodes = 30

    @Option(help: "Requests per episode.")
    var episodeRequests = 2000

    @Option(help: "Seed of the network and the episodes.")
    var seed: UInt64 = 1

    @Option(help: "Reward per completed request (the paper uses 60).")
    var completionBonus = 60.0

    @Option(help: "Where to write the weights (default: <variant>-<instances>.json).")
    var out: String?

    func validate() throws {
        guard RLPolicy.Variant(rawValue: variant) != nil else {
            throw ValidationError("--variant must be rl, rl-aware or rl-baseline, got '\(variant)'.")
        }
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes).") }
        guard episodeRequests >= 10 else { throw ValidationError("--episode-requests must be at least 10.") }
    }

    func run() throws {
        guard let kind = RLPolicy.Variant(rawValue: variant) else { return }
        let plan = try WorkloadPlan.make(cluster, requests: nil, seed: seed)
        let pool = plan.training
        let rate = plan.rate
        let process = plan.process
        let timed = plan.hasArrivalTimes
        let count = min(episodeRequests, pool.count)
        var trainer = RouterTrainer(
            config: try cluster.simulationConfig(seed: seed),
            variant: kind,
            episodes: episodes,
            predictor: try plan.predictor(cluster.predictor),
            workload: { episode in
                var rng = SeededGenerator(seed: seed &+ UInt64(bitPattern: Int64(episode)) &* 7919)
                let start = pool.count > count ? Int(rng.next() % UInt64(pool.count - count + 1)) : 0
                var window = Array(pool[start..<(start + count)])
                let origin = window.first?.arrival ?? 0
                window = window.enumerated().map { index, request in
                    var r = request
                    r.id = RequestID(index)
                    r.arrival = timed ? request.arrival - origin : 0
                    return r
                }
                return timed
                    ? ArrivalProcess.rescale(window, toMeanRate: rate)
                    : process.assigningArrivals(to: window, using: &rng)
            }
        )

        trainer.completionBonus = completionBonus
        let heuristic = try trainer.validate(WorkloadAwarePolicy())
        let roundRobin = try trainer.validate(RoundRobinPolicy())
        print(
            String(
                format: "validation window: round-robin %.3f s, workload-aware %.3f s mean E2E",
                roundRobin,
                heuristic
            )
        )
        print(
            "training \(variant) on \(plan.name) (training part: \(pool.count) requests), \(cluster.instances) instances, "
                + String(format: "%.2f req/s, %d episodes x %d requests", rate, episodes, count)
        )
        let policy = try trainer.train { report in
            let width = 30
            let filled = width * report.episode / episodes
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            print(
                String(
                    format:
                        "[%@] %3d/%d  reward %10.1f  E2E %7.3f s  greedy E2E %7.3f s  eps %.2f  lambda %.3f  loss %.4f",
                    bar,
                    report.episode,
                    episodes,
                    report.reward,
                    report.meanE2E,
                    report.validationE2E,
                    report.epsilon,
                    report.heuristicWeight,
                    report.meanLoss
                )
            )
        }
        let path = out ?? "\(variant)-\(cluster.instances).json"
        let command = (["switchyard"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        try RLModelFile(
            variant: variant,
            instances: cluster.instances,
            profile: cluster.profile,
            workload: plan.name,
            episodes: episodes,
            seed: seed,
            command: command,
            network: policy.agent.online
        ).save(to: path)
        print("saved \(path)")
    }
}

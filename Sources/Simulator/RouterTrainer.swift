import Engine
import Foundation
import Routing
import SwitchyardCore

/// Trains a DQN router in the simulator, episode by episode.
///
/// Exploration ε falls linearly over the first `explorationEpisodes` episodes from 1 (from 0.2 for `rl`, which starts
/// from the heuristic's choices) to a floor of 0.02 (the paper explores until episode 20). For `rl`, the heuristic's weight in episode k is λ_k = exp(−0.5·k); for `rl-aware` it is 1;
/// for `rl-baseline` 0.
public struct RouterTrainer: Sendable {
    public var config: SimulationConfig
    public var variant: RLPolicy.Variant
    public var episodes: Int
    public var explorationEpisodes: Int
    /// Builds episode k's timed workload.
    public var workload: @Sendable (Int) throws -> [Request]
    public var predictor: any LengthPredictor
    /// Reward per completed request (the paper's +60).
    public var completionBonus = 60.0

    public struct EpisodeReport: Sendable {
        public var episode: Int
        public var reward: Double
        public var meanE2E: Double
        public var epsilon: Double
        public var heuristicWeight: Double
        public var meanLoss: Double
        /// Mean E2E of the greedy policy (no exploration, no learning) on the fixed validation window.
        public var validationE2E: Double
    }

    /// Mean E2E of `policy` on the validation window (the workload of episode −1).
    public func validate(_ policy: any RoutingPolicy) throws -> Double {
        var simulation = Simulation(config: config, policy: policy, predictor: predictor, workload: try workload(-1))
        simulation.runToCompletion()
        return simulation.metrics.e2e.mean
    }

    public init(
        config: SimulationConfig,
        variant: RLPolicy.Variant,
        episodes: Int,
        explorationEpisodes: Int = 20,
        predictor: any LengthPredictor,
        workload: @escaping @Sendable (Int) throws -> [Request]
    ) {
        self.config = config
        self.variant = variant
        self.episodes = episodes
        self.explorationEpisodes = explorationEpisodes
        self.predictor = predictor
        self.workload = workload
    }

    /// Runs every episode, calling `progress` after each. - Returns: the trained (greedy) policy.
    public func train(progress: (EpisodeReport) -> Void) throws -> RLPolicy {
        var policy = RLPolicy(variant: variant, instances: config.instances, seed: config.seed)
        for k in 0..<episodes {
            // The guided router starts from the heuristic's choices (its prior), so it explores around them.
            let start = variant == .guided ? 0.2 : 1.0
            let epsilon = max(0.02, start * (1 - Double(k) / Double(max(1, explorationEpisodes))))
            let weight: Double =
                switch variant {
                case .baseline: 0
                case .aware: 1
                case .guided: exp(-0.5 * Double(k))
                }
            policy.learning = RLPolicy.Learning(epsilon: epsilon, heuristicWeight: weight)
            policy.learning?.completionBonus = completionBonus
            var episodeConfig = config
            episodeConfig.seed = config.seed &+ UInt64(k)
            var simulation = Simulation(
                config: episodeConfig,
                policy: policy,
                predictor: predictor,
                workload: try workload(k)
            )
            simulation.runToCompletion()
            guard let trained = simulation.policy as? RLPolicy else { break }
            policy = trained
            var greedy = policy
            greedy.learning = nil
            let learning = policy.learning
            let losses = learning?.losses ?? []
            progress(
                EpisodeReport(
                    episode: k + 1,
                    reward: learning?.episodeReward ?? 0,
                    meanE2E: simulation.metrics.e2e.mean,
                    epsilon: epsilon,
                    heuristicWeight: weight,
                    meanLoss: losses.isEmpty ? 0 : Double(losses.reduce(0, +)) / Double(losses.count),
                    validationE2E: try validate(greedy)
                )
            )
        }
        policy.learning = nil
        return policy
    }
}

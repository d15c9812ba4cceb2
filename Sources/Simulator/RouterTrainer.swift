import Engine
import Foundation
import Routing
import SwitchyardCore

/// Trains a DQN router in the simulator, episode by episode. One network serves any cluster size, so episodes
/// cycle through `settings` (episode k runs `settings[k % count]`: a cluster size and the workload's rate for it).
///
/// Exploration ε falls linearly over the first `explorationEpisodes` episodes from 1 (from 0.2 for `rl`, which starts
/// from the heuristic's choices) to a floor of 0.02 (the paper explores until episode 20). For `rl`, the heuristic's weight in episode k is λ_k = exp(−0.5·k); for `rl-aware` it is 1;
/// for `rl-baseline` 0.
public struct RouterTrainer: Sendable {
    /// The simulation's settings; its `instances` is replaced by each episode's cluster size.
    public var config: SimulationConfig
    /// What the episodes cycle through: a cluster size, and a label for the workload's rate (`workload` builds it).
    public struct Setting: Sendable, Equatable {
        public var instances: Int
        public var label: String
        public init(instances: Int, label: String) {
            self.instances = instances
            self.label = label
        }
    }
    public var settings: [Setting]
    public var variant: RLPolicy.Variant
    public var episodes: Int
    public var explorationEpisodes: Int
    /// Builds the timed workload of episode k (−1: the validation window) for setting s.
    public var workload: @Sendable (_ episode: Int, _ setting: Int) throws -> [Request]
    public var predictor: any LengthPredictor
    /// Reward per completed request (the paper's +60).
    public var completionBonus = 60.0
    /// How the environment part of the reward is counted.
    public var reward = RLPolicy.Reward.perRequest
    /// The agent's Adam learning rate, discount per decision and train steps between target-network copies.
    public var learningRate: Float = 1e-4
    public var gamma: Float = 0.9
    public var targetSync = 1000
    /// Trains (and validates) the router within `least-impact`'s tail guard at this slack (``TailGuard``), as
    /// `rl-guarded` routes; nil: no guard.
    public var tailSlack: Double?

    public struct EpisodeReport: Sendable {
        public var episode: Int
        public var reward: Double
        public var meanE2E: Double
        public var epsilon: Double
        public var heuristicWeight: Double
        public var meanLoss: Double
        /// The episode's setting (an index into `settings`).
        public var setting: Int
        /// Mean E2E of the greedy policy (no exploration, no learning) on the fixed validation window, per setting
        /// in `settings`' order.
        public var validationE2E: [Double]
        /// Whether this episode's network is the best so far on the validation window (the one `train` returns).
        public var best: Bool
    }

    /// Mean E2E of `policy` on the validation window (the workload of episode −1) in setting `setting`.
    public func validate(_ policy: any RoutingPolicy, setting: Int) throws -> Double {
        var validationConfig = config
        validationConfig.instances = settings[setting].instances
        var simulation = Simulation(
            config: validationConfig,
            policy: policy,
            predictor: predictor,
            workload: try workload(-1, setting)
        )
        simulation.runToCompletion()
        return simulation.metrics.e2e.mean
    }

    public init(
        config: SimulationConfig,
        settings: [Setting],
        variant: RLPolicy.Variant,
        episodes: Int,
        explorationEpisodes: Int = 20,
        predictor: any LengthPredictor,
        workload: @escaping @Sendable (_ episode: Int, _ setting: Int) throws -> [Request]
    ) {
        precondition(!settings.isEmpty && settings.allSatisfy { $0.instances > 0 })
        self.config = config
        self.settings = settings
        self.variant = variant
        self.episodes = episodes
        self.explorationEpisodes = explorationEpisodes
        self.predictor = predictor
        self.workload = workload
    }

    /// Runs every episode, calling `progress` after each with its report and its greedy network.
    /// - Returns: the greedy policy of the episode that did best on the validation window, and that episode (the mean over the
    ///   settings of its mean E2E relative to round-robin's): DQN training is not monotone, and the last
    ///   episode's network may be worse than an earlier one.
    public func train(progress: (EpisodeReport, DenseNetwork) -> Void) throws -> (policy: RLPolicy, episode: Int) {
        var policy = RLPolicy(
            variant: variant,
            seed: config.seed,
            learningRate: learningRate,
            gamma: gamma,
            targetSync: targetSync
        )
        policy.tailSlack = tailSlack
        let reference = try settings.indices.map { try validate(RoundRobinPolicy(), setting: $0) }
        var best: (score: Double, network: DenseNetwork, episode: Int)?
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
            policy.learning?.reward = reward
            let setting = k % settings.count
            var episodeConfig = config
            episodeConfig.seed = config.seed &+ UInt64(k)
            episodeConfig.instances = settings[setting].instances
            var simulation = Simulation(
                config: episodeConfig,
                policy: policy,
                predictor: predictor,
                workload: try workload(k, setting)
            )
            simulation.runToCompletion()
            guard let trained = simulation.policy as? RLPolicy else { break }
            policy = trained
            var greedy = policy
            greedy.learning = nil
            let learning = policy.learning
            let losses = learning?.losses ?? []
            let validation = try settings.indices.map { try validate(greedy, setting: $0) }
            let score = zip(validation, reference).map { $0 / max($1, 1e-9) }.reduce(0, +) / Double(validation.count)
            let improved = best.map { score < $0.score } ?? true
            if improved { best = (score, greedy.agent.online, k + 1) }
            progress(
                EpisodeReport(
                    episode: k + 1,
                    reward: learning?.episodeReward ?? 0,
                    meanE2E: simulation.metrics.e2e.mean,
                    epsilon: epsilon,
                    heuristicWeight: weight,
                    meanLoss: losses.isEmpty ? 0 : Double(losses.reduce(0, +)) / Double(losses.count),
                    setting: setting,
                    validationE2E: validation,
                    best: improved
                ),
                greedy.agent.online
            )
        }
        guard let best else {
            policy.learning = nil
            return (policy, episodes)
        }
        return (RLPolicy(variant: variant, network: best.network, tailSlack: tailSlack), best.episode)
    }
}

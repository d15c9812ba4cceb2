import SwitchyardCore

/// The paper's Double-DQN router, in its three variants; it may hold a request in the router queue.
///
/// - `rl-baseline`: reward without a heuristic;
/// - `rl-aware`: the mixing penalty in the reward (the chosen instance's mixing impact above the least one);
/// - `rl`: workload-guided: the same heuristic term as HuRL-style guidance weighted by λ_k = exp(−0.5·k) in
///   episode k, so it steers early learning and fades.
///
/// Reward between two decisions (request-seconds, divided by 60 for the network): minus the time-integrated
/// count of requests in the system, each weighted by the share of its predicted decode still ahead (router-queued
/// ones count fully), plus 60 per completed request, plus the heuristic term. Holding is allowed only while every
/// healthy instance is saturated (has a waiting queue or a cache at least 90% full), and never for a request that
/// has waited `maxHold` seconds, so no request starves.
public struct RLPolicy: RoutingPolicy {
    public enum Variant: String, Sendable, CaseIterable {
        case baseline = "rl-baseline"
        case aware = "rl-aware"
        case guided = "rl"
    }

    public let variant: Variant
    public var name: String { variant.rawValue }
    /// The workload-guided router adds the heuristic's estimate as a fixed prior to its Q-values, so it starts
    /// from the heuristic's choices and learns corrections (residual Q-learning).
    public var usesPrior: Bool { variant == .guided }
    public var agent: DoubleDQN
    public var impact = MixingImpact()
    /// Longest a request may be held, in seconds.
    public var maxHold = 1.0
    /// Training state; nil when the policy only routes.
    public var learning: Learning?

    public struct Learning: Sendable {
        public var epsilon: Double
        /// Weight of the heuristic term in this episode (λ_k for `rl`, 1 for `rl-aware`, 0 for `rl-baseline`).
        public var heuristicWeight: Double
        public var trainEvery = 2
        /// Reward per completed request (the paper's +60).
        public var completionBonus = 60.0
        var decisions = 0
        var last: (state: [Float], action: Int, heuristic: Double, prior: [Float])?
        var lastTime = 0.0
        var lastCompleted = 0
        public internal(set) var episodeReward = 0.0
        public internal(set) var losses: [Float] = []

        public init(epsilon: Double, heuristicWeight: Double) {
            self.epsilon = epsilon
            self.heuristicWeight = heuristicWeight
        }
    }

    public init(variant: Variant, agent: DoubleDQN) {
        self.variant = variant
        self.agent = agent
    }

    /// A router that acts greedily with a trained network.
    public init(variant: Variant, network: DenseNetwork) {
        var agent = DoubleDQN(sizes: network.sizes, seed: 0)
        agent.online = network
        agent.target = network
        self.init(variant: variant, agent: agent)
    }

    /// A fresh, untrained agent sized for `instances`. The guided variant's output layer starts at zero, so its
    /// first choices are the prior's.
    public init(variant: Variant, instances: Int, seed: UInt64) {
        let inputs = RLState.size(instances: instances)
        let agent = DoubleDQN(
            sizes: [inputs, 64, 64, instances + (variant == .guided ? 2 : 1)],
            seed: seed,
            outputScale: variant == .guided ? 0 : 1
        )
        self.init(variant: variant, agent: agent)
    }

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let n = view.instances.count
        guard agent.online.inputSize == RLState.size(instances: n) else {
            var fallback = WorkloadAwarePolicy(impact: impact)
            var decision = fallback.route(request, in: view)
            decision.reason = "network sized for another cluster; heuristic fallback"
            return decision
        }
        let state = RLState.encode(request, view)
        var mask = view.instances.map(\.healthy)
        // Holding is late binding: it can only pay when every instance is already saturated (a queue or a full
        // cache), and never past `maxHold`.
        let saturated = view.instances.allSatisfy { !$0.healthy || $0.waiting > 0 || $0.kvUsage >= 0.9 }
        mask.append(saturated && view.now - request.arrival < maxHold)
        let impacts = view.instances.map {
            impact.estimate(
                prompt: request.promptTokens,
                decode: request.predictedOutputTokens,
                on: $0,
                cost: view.cost
            )
            .combined
        }
        let bestImpact = zip(impacts, mask).filter { $0.1 }.map(\.0).min() ?? 0
        let prior = usesPrior ? Self.prior(impacts: impacts, best: bestImpact) : []

        let action: Int
        var q: [Float]
        if var learning {
            if let last = learning.last {
                let reward =
                    Self.reward(
                        view: view,
                        since: learning.lastTime,
                        completedBefore: learning.lastCompleted,
                        bonus: learning.completionBonus
                    )
                    + learning.heuristicWeight * last.heuristic
                learning.episodeReward += reward
                agent.remember(
                    Transition(
                        state: last.state,
                        action: last.action,
                        reward: Float(reward / 60),
                        next: state,
                        nextMask: mask,
                        prior: last.prior,
                        nextPrior: prior
                    )
                )
            }
            action = agent.act(state, mask: mask, epsilon: learning.epsilon, prior: prior)
            let heuristic = action < n ? -(impacts[action] - bestImpact) : 0
            learning.last = (state, action, heuristic, prior)
            learning.lastTime = view.now
            learning.lastCompleted = view.completedRequests
            learning.decisions += 1
            if learning.decisions % learning.trainEvery == 0, let loss = agent.train() { learning.losses.append(loss) }
            self.learning = learning
            q = agent.qValues(state, prior: prior)
        } else {
            q = agent.qValues(state, prior: prior)
            action = DoubleDQN.greedy(q, mask: mask)
        }
        let scores = (0..<n).map { Double(-q[$0]) }
        if action >= n {
            return RoutingDecision(target: .hold, scores: scores, reason: "DQN holds: waiting beats every instance")
        }
        return .pick(view.instances[action].id, scores: scores, reason: "highest Q (\(variant.rawValue))")
    }

    /// The workload-guided router's prior on its Q-values, in reward units (request-seconds / 60): minus each
    /// instance's mixing impact, and for holding, minus the best impact plus one router tick of waiting.
    static func prior(impacts: [Double], best: Double) -> [Float] {
        impacts.map { Float(-$0 / 60) } + [Float(-(best + 0.02) / 60)]
    }

    /// The environment reward accrued between two decisions, in request-seconds (before the /60 scaling).
    static func reward(view: ClusterView, since: Double, completedBefore: Int, bonus: Double) -> Double {
        let dt = max(0, view.now - since)
        var waiting = Double(view.routerQueueLength)
        for instance in view.instances where instance.outstanding > 0 {
            let progress =
                instance.predictedDecodeTokens > 0
                ? min(1, Double(instance.streamedTokens) / instance.predictedDecodeTokens) : 0
            waiting += Double(instance.outstanding) * (1 - progress)
        }
        return -waiting * dt + bonus * Double(view.completedRequests - completedBefore)
    }
}

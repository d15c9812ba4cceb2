import SwitchyardCore

/// The paper's Double-DQN router, in its three variants; it may hold a request in the router queue. One network
/// scores every instance from its own row (``RLState``), so a trained router serves any cluster size.
///
/// - `rl-baseline`: reward without a heuristic;
/// - `rl-aware`: the mixing penalty in the reward (the chosen instance's mixing impact above the least one);
/// - `rl`: workload-guided: the same heuristic term as HuRL-style guidance weighted by λ_k = exp(−0.5·k) in
///   episode k, so it steers early learning and fades, and the heuristic as a prior on its Q-values.
///
/// The heuristic is `least-impact`'s estimate without its guard (``MixingImpact/cacheAwareEstimate(prompt:cached:decode:on:cost:evictionReuse:)``):
/// on workloads without prefix hashes, below the batch limit, that is the paper's mixing impact exactly. With
/// `tailSlack` set (`rl-guarded`), the router only picks among the instances `least-impact`'s tail guard allows
/// (``TailGuard``): the same Q-values, masked.
///
/// The environment part of the reward is ``Reward``: by default each request's own latency, charged to the
/// decision that routed it; or the paper's, minus the time-integrated count of requests in the system between two
/// decisions plus a bonus per completion. Rewards are in request-minutes. Holding is allowed only while every
/// healthy instance is saturated (has a waiting queue or a cache at least 90% full), and never for a request that
/// has waited `maxHold` seconds, so no request starves.
public struct RLPolicy: RoutingPolicy {
    public enum Variant: String, Sendable, CaseIterable {
        case baseline = "rl-baseline"
        case aware = "rl-aware"
        case guided = "rl"
    }

    public let variant: Variant
    /// The variant's name, or `rl-guarded` for `rl` with a tail guard from the catalog.
    public var name: String
    /// The tail guard's slack (``TailGuard``): the router picks only among the instances where the request's own
    /// expected wait for its first token is within this of the best; nil: no guard (the paper's router).
    public var tailSlack: Double?
    /// The chance an evicted cached token would have been used again, for the heuristic's eviction charge (as
    /// `least-impact`'s).
    public var evictionReuse = LeastImpactPolicy.defaultEvictionReuse
    /// The workload-guided router adds the heuristic's estimate as a fixed prior to its Q-values, so it starts
    /// from the heuristic's choices and learns corrections (residual Q-learning).
    public var usesPrior: Bool { variant == .guided }
    public var agent: DoubleDQN
    public var impact = MixingImpact()
    /// Longest a request may be held, in seconds.
    public var maxHold = 1.0
    /// Training state; nil when the policy only routes.
    public var learning: Learning?

    /// How the environment part of the reward is counted.
    public enum Reward: String, Sendable, CaseIterable {
        /// The paper's: between two decisions, minus the time-integrated count of requests in the system, each
        /// weighted by the share of its predicted decode still ahead, plus the completion bonus per request that
        /// finished. Every decision is charged for every request, whoever routed it.
        case paper
        /// Each request's own end-to-end latency from the decision that routed it, charged to that decision when
        /// the request finishes; a hold is charged the time until the next decision. Summed over a run it is about
        /// the paper's unweighted penalty (Little's law), but each decision is charged for what it sent.
        case perRequest = "per-request"
    }

    public struct Learning: Sendable {
        public var epsilon: Double
        /// Weight of the heuristic term in this episode (λ_k for `rl`, 1 for `rl-aware`, 0 for `rl-baseline`).
        public var heuristicWeight: Double
        public var trainEvery = 2
        /// Reward per completed request (the paper's +60; `paper` reward only).
        public var completionBonus = 60.0
        public var reward = Reward.perRequest
        var decisions = 0
        /// The last decision: its request, how long the request had waited in the router queue when it was made,
        /// the state's rows, the action, the heuristic term and the prior.
        var last: (request: RequestID, held: Double, state: [[Float]], action: Int, heuristic: Double, prior: [Float])?
        var lastTime = 0.0
        var lastCompleted = 0
        /// `per-request`: transitions whose request has not finished yet (their reward holds the heuristic term),
        /// with how long the request had been held before the decision (charged already, to the holds).
        var awaiting: [RequestID: (transition: Transition, held: Double)] = [:]
        /// `per-request`: the latency of the last decision's request, when it finished before the next decision.
        var lastFinished: Double?
        public internal(set) var episodeReward = 0.0
        public internal(set) var losses: [Float] = []

        public init(epsilon: Double, heuristicWeight: Double) {
            self.epsilon = epsilon
            self.heuristicWeight = heuristicWeight
        }

        /// Stores a finished transition in the agent's replay buffer and counts its reward (in request-seconds).
        mutating func remember(_ transition: Transition, into agent: inout DoubleDQN) {
            episodeReward += Double(transition.reward) * 60
            agent.remember(transition)
        }
    }

    public init(variant: Variant, agent: DoubleDQN) {
        self.variant = variant
        self.name = variant.rawValue
        self.agent = agent
    }

    /// A router that acts greedily with a trained network; with `tailSlack`, within `least-impact`'s tail guard.
    public init(variant: Variant, network: DenseNetwork, tailSlack: Double? = nil, name: String? = nil) {
        var agent = DoubleDQN(sizes: network.sizes, seed: 0)
        agent.online = network
        agent.target = network
        self.init(variant: variant, agent: agent)
        self.tailSlack = tailSlack
        if let name { self.name = name }
    }

    /// A fresh, untrained agent (its hyperparameters come from `RouterTrainer`). It scores each instance from that
    /// instance's row (``RLState``), so it serves any number of instances. The guided variant's output layer starts
    /// at zero, so its first choices are the prior's.
    public init(
        variant: Variant,
        seed: UInt64,
        learningRate: Float,
        gamma: Float,
        targetSync: Int
    ) {
        let agent = DoubleDQN(
            sizes: Self.layerSizes,
            seed: seed,
            learningRate: learningRate,
            gamma: gamma,
            targetSync: targetSync,
            outputScale: variant == .guided ? 0 : 1
        )
        self.init(variant: variant, agent: agent)
    }

    /// The network's layers: a row in, two hidden layers of 32, `v` and `a` out.
    public static let layerSizes = [RLState.rowSize, 32, 32, 2]

    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let n = view.instances.count
        let healthy = view.instances.map(\.healthy)
        var mask = healthy
        if let tailSlack { mask = TailGuard.allowed(request, in: view, slack: tailSlack, impact: impact) }
        // Holding is late binding: it can only pay when every instance is already saturated (a queue or a full
        // cache), and never past `maxHold`.
        let saturated = view.instances.allSatisfy { !$0.healthy || $0.waiting > 0 || $0.kvUsage >= 0.9 }
        mask.append(saturated && view.now - request.arrival < maxHold)
        // The heuristic is needed for the prior and, in training, the reward's heuristic term.
        let impacts =
            !usesPrior && learning == nil
            ? []
            : view.instances.map {
                impact.cacheAwareEstimate(
                    prompt: request.promptTokens,
                    cached: $0.expectedCachedTokens,
                    decode: request.predictedOutputTokens,
                    on: $0,
                    cost: view.cost,
                    evictionReuse: evictionReuse
                )
                .combined
            }
        // Over the healthy instances, guard or not, so that the guard only masks the Q-values `rl` would have.
        let bestImpact = zip(impacts, healthy).filter { $0.1 }.map(\.0).min() ?? 0
        let prior = usesPrior ? Self.prior(impacts: impacts, best: bestImpact) : []

        let action: Int
        var q: [Float]
        if var learning {
            self.learning = nil  // so that the copy below is mutated in place, not copied
            let state = RLState.rows(request, view)
            if let last = learning.last {
                var transition = Transition(
                    state: last.state,
                    action: last.action,
                    reward: Float(learning.heuristicWeight * last.heuristic / 60),
                    next: state,
                    nextMask: mask,
                    prior: last.prior,
                    nextPrior: prior
                )
                switch learning.reward {
                case .paper:
                    transition.reward += Float(
                        Self.reward(
                            view: view,
                            since: learning.lastTime,
                            completedBefore: learning.lastCompleted,
                            bonus: learning.completionBonus
                        ) / 60
                    )
                    learning.remember(transition, into: &agent)
                case .perRequest:
                    if last.action >= n {
                        transition.reward -= Float((view.now - learning.lastTime) / 60)
                        learning.remember(transition, into: &agent)
                    } else if let e2e = learning.lastFinished {
                        transition.reward -= Float((e2e - last.held) / 60)
                        learning.remember(transition, into: &agent)
                    } else {
                        learning.awaiting[last.request] = (transition, last.held)
                    }
                }
                learning.lastFinished = nil
            }
            action = agent.act(state, mask: mask, epsilon: learning.epsilon, prior: prior)
            let heuristic = action < n ? -(impacts[action] - bestImpact) : 0
            learning.last = (request.id, max(0, view.now - request.arrival), state, action, heuristic, prior)
            learning.lastTime = view.now
            learning.lastCompleted = view.completedRequests
            learning.decisions += 1
            if learning.decisions % learning.trainEvery == 0, let loss = agent.train() { learning.losses.append(loss) }
            self.learning = learning
            q = agent.qValues(state, prior: prior)
        } else {
            let folded = RLState.folded(request, view, for: agent.online)
            q = agent.qValues(matrix: folded.rows, rows: n + 1, prior: prior, firstLayer: folded.firstLayer)
            // Instances that look the same (idle ones) score the same: ties go by rotation, as for the other
            // policies, so that an idle cluster's requests spread out instead of all landing on the first.
            action = DoubleDQN.greedy(q, mask: mask, start: view.tieBreak % max(1, n))
        }
        let scores = (0..<n).map { Double(-q[$0]) }
        if action >= n {
            return RoutingDecision(target: .hold, scores: scores, reason: "DQN holds: waiting beats every instance")
        }
        guard tailSlack != nil else {
            return .pick(view.instances[action].id, scores: scores, reason: "highest Q (\(variant.rawValue))")
        }
        var unguarded = healthy
        unguarded.append(mask[n])
        let changed = DoubleDQN.greedy(q, mask: unguarded, start: view.tieBreak % max(1, n)) != action
        let reason =
            changed
            ? "tail guard: first token sooner here; highest Q (\(variant.rawValue)) within it"
            : "highest Q (\(variant.rawValue)) within the tail guard"
        return .pick(view.instances[action].id, scores: scores, reason: reason)
    }

    public mutating func observeCompletion(of request: RequestID, e2e: Double) {
        guard var learning, learning.reward == .perRequest else { return }
        self.learning = nil  // so that the copy below is mutated in place, not copied
        if let (transition, held) = learning.awaiting.removeValue(forKey: request) {
            var finished = transition
            // The time it was held was charged to the holds; this decision is charged the rest.
            finished.reward -= Float((e2e - held) / 60)
            learning.remember(finished, into: &agent)
        } else if learning.last?.request == request {
            learning.lastFinished = e2e
        }
        self.learning = learning
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

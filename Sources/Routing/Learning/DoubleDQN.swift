/// A Double DQN agent (van Hasselt et al., 2016): an online and a target network, Huber loss, Adam, replay.
///
/// The target of a transition is `r + γ · Q_target(s', argmax_a Q_online(s', a))` over the allowed actions of `s'`.
public struct DoubleDQN: Sendable {
    public var online: DenseNetwork
    public var target: DenseNetwork
    var optimizer: AdamOptimizer
    public var replay: ReplayBuffer
    public var gamma: Float
    public var batchSize: Int
    /// Train steps between copies of the online network into the target network.
    public var targetSync: Int
    public private(set) var trainSteps = 0
    var rng: SplitMix64

    public init(
        sizes: [Int],
        seed: UInt64,
        learningRate: Float = 5e-4,
        gamma: Float = 0.95,
        batchSize: Int = 64,
        replayCapacity: Int = 50_000,
        targetSync: Int = 250,
        outputScale: Float = 1
    ) {
        online = DenseNetwork(sizes: sizes, seed: seed, outputScale: outputScale)
        target = online
        optimizer = AdamOptimizer(for: online, learningRate: learningRate)
        replay = ReplayBuffer(capacity: replayCapacity)
        self.gamma = gamma
        self.batchSize = batchSize
        self.targetSync = targetSync
        rng = SplitMix64(seed: seed ^ 0xD0D0)
    }

    /// The greedy action among the allowed ones.
    public static func greedy(_ q: [Float], mask: [Bool]) -> Int {
        var best = -1
        for a in q.indices where mask[a] {
            if best < 0 || q[a] > q[best] { best = a }
        }
        return max(0, best)
    }

    /// Q-values: the network's output plus the prior, if any.
    public func qValues(_ state: [Float], prior: [Float] = [], network: DenseNetwork? = nil) -> [Float] {
        var q = (network ?? online).forward(state)
        if prior.count == q.count { for i in q.indices { q[i] += prior[i] } }
        return q
    }

    /// ε-greedy over the allowed actions.
    public mutating func act(_ state: [Float], mask: [Bool], epsilon: Double, prior: [Float] = []) -> Int {
        if Double(rng.next() >> 11) / Double(1 << 53) < epsilon {
            let allowed = mask.indices.filter { mask[$0] }
            if !allowed.isEmpty { return allowed[Int(rng.next() % UInt64(allowed.count))] }
        }
        return Self.greedy(qValues(state, prior: prior), mask: mask)
    }

    public mutating func remember(_ transition: Transition) { replay.append(transition) }

    /// One gradient step on a sampled batch. - Returns: the mean Huber loss, or nil when the buffer is too small.
    @discardableResult
    public mutating func train() -> Float? {
        guard replay.count >= batchSize else { return nil }
        let batch = replay.sample(batchSize, using: &rng)
        let targets: [Float] = batch.map { t in
            let a = Self.greedy(qValues(t.next, prior: t.nextPrior), mask: t.nextMask)
            return t.reward + gamma * qValues(t.next, prior: t.nextPrior, network: target)[a]
        }
        let (gradients, loss) = online.gradients(inputs: batch.map(\.state)) { index, output in
            var g = [Float](repeating: 0, count: output.count)
            let t = batch[index]
            let prior = t.prior.count == output.count ? t.prior[t.action] : 0
            let error = output[t.action] + prior - targets[index]
            // Huber loss with δ = 1: quadratic inside, linear outside.
            let clipped = max(-1, min(1, error))
            g[t.action] = clipped
            let loss = abs(error) <= 1 ? 0.5 * error * error : abs(error) - 0.5
            return (g, loss)
        }
        optimizer.apply(gradients, to: &online)
        trainSteps += 1
        if trainSteps % targetSync == 0 { target = online }
        return loss
    }
}

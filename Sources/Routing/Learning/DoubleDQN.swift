import Foundation
import SwitchyardCore

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
    /// With a prior the network is dueling (Wang et al., 2016): its first output is the state value V and the
    /// rest are advantages A, and `Q_a = V + prior_a + residualScale·tanh(A_a − mean A)`, so the learned correction
    /// to the heuristic is bounded (±0.02 reward units, about 1.2 request-seconds of impact) while V absorbs the
    /// state's value.
    public var residualScale: Float = 0.02
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

    /// Q-values: the network's output, or with a prior the dueling combination (see ``residualScale``).
    public func qValues(_ state: [Float], prior: [Float] = [], network: DenseNetwork? = nil) -> [Float] {
        let out = (network ?? online).forward(state)
        return Self.combine(out, prior: prior, scale: residualScale)
    }

    static func combine(_ out: [Float], prior: [Float], scale: Float) -> [Float] {
        guard !prior.isEmpty, out.count == prior.count + 1 else { return out }
        let value = out[0]
        var mean: Float = 0
        for i in 1..<out.count { mean += out[i] }
        mean /= Float(prior.count)
        return prior.indices.map { value + prior[$0] + scale * tanh(out[$0 + 1] - mean) }
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
            let t = batch[index]
            let dueling = !t.prior.isEmpty && output.count == t.prior.count + 1
            let q = Self.combine(output, prior: t.prior, scale: residualScale)
            let error = q[t.action] - targets[index]
            // Huber loss with δ = 1: quadratic inside, linear outside.
            let clipped = max(-1, min(1, error))
            var g = [Float](repeating: 0, count: output.count)
            if dueling {
                // Q_a = V + prior_a + s·tanh(A_a − mean A): dQ_a/dV = 1, dQ_a/dA_j = s·(1 − tanh²)·(1[j = a] − 1/n).
                let n = Float(t.prior.count)
                var mean: Float = 0
                for j in 1..<output.count { mean += output[j] }
                mean /= n
                let th = tanh(output[t.action + 1] - mean)
                let slope = clipped * residualScale * (1 - th * th)
                g[0] = clipped
                for j in 1..<output.count { g[j] = -slope / n }
                g[t.action + 1] += slope
            } else {
                g[t.action] = clipped
            }
            let loss = abs(error) <= 1 ? 0.5 * error * error : abs(error) - 0.5
            return (g, loss)
        }
        optimizer.apply(gradients, to: &online)
        trainSteps += 1
        if trainSteps % targetSync == 0 { target = online }
        return loss
    }
}

import Foundation
import SwitchyardCore

/// A Double DQN agent (van Hasselt et al., 2016): an online and a target network, Huber loss, Adam, replay.
///
/// A state is a list of rows, one per action, each scored by the same network (``RLState``), so the agent is not
/// tied to a number of actions. The network gives each row two numbers, `v` and `a`; the state's value is the mean
/// `v` over the rows, and the actions' Q-values are dueling (Wang et al., 2016): `Q_a = V + a_a − mean a`, or with a
/// prior `Q_a = V + prior_a + residualScale·tanh(a_a − mean a)`, so that the learned correction to the prior is
/// bounded while V absorbs the state's value.
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
    /// Bound of the learned correction to a prior (±0.02 reward units, about 1.2 request-seconds of impact).
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
        precondition(sizes.last == 2, "each row is scored with two outputs, v and a")
        online = DenseNetwork(sizes: sizes, seed: seed, outputScale: outputScale)
        target = online
        optimizer = AdamOptimizer(for: online, learningRate: learningRate)
        replay = ReplayBuffer(capacity: replayCapacity)
        self.gamma = gamma
        self.batchSize = batchSize
        self.targetSync = targetSync
        rng = SplitMix64(seed: seed ^ 0xD0D0)
    }

    /// The greedy action among the allowed ones. Ties go to the first in scan order, which starts at action
    /// `start` (modulo the count) and wraps around.
    public static func greedy(_ q: [Float], mask: [Bool], start: Int = 0) -> Int {
        let count = q.count
        guard count > 0 else { return 0 }
        let first = ((start % count) + count) % count
        var best = -1
        for step in 0..<count {
            let a = (first + step) % count
            guard mask[a] else { continue }
            if best < 0 || q[a] > q[best] { best = a }
        }
        return max(0, best)
    }

    /// The Q-value of each row's action.
    public func qValues(_ rows: [[Float]], prior: [Float] = [], network: DenseNetwork? = nil) -> [Float] {
        let net = network ?? online
        return Self.combine(rows.flatMap { net.forward($0) }, prior: prior, scale: residualScale)
    }

    /// The Q-values of a decision's rows laid out in one buffer (``RLState/matrix(_:_:)``), with the online network:
    /// the same as ``qValues(_:prior:network:)``, faster.
    public func qValues(
        matrix: [Float],
        rows: Int,
        prior: [Float] = [],
        firstLayer: DenseNetwork.FirstLayer? = nil
    ) -> [Float] {
        Self.combine(
            online.forward(batch: matrix, count: rows, firstLayer: firstLayer),
            prior: prior,
            scale: residualScale
        )
    }

    /// The Q-values from the network's outputs for every row, `v` and `a` of each in turn.
    static func combine(_ outputs: [Float], prior: [Float], scale: Float) -> [Float] {
        let rows = outputs.count / 2
        guard rows > 0 else { return [] }
        let count = Float(rows)
        var value: Float = 0
        var mean: Float = 0
        for row in 0..<rows {
            value += outputs[2 * row]
            mean += outputs[2 * row + 1]
        }
        value /= count
        mean /= count
        guard prior.count == rows else { return (0..<rows).map { value + outputs[2 * $0 + 1] - mean } }
        return (0..<rows).map { value + prior[$0] + scale * tanh(outputs[2 * $0 + 1] - mean) }
    }

    /// ε-greedy over the allowed actions.
    public mutating func act(_ rows: [[Float]], mask: [Bool], epsilon: Double, prior: [Float] = []) -> Int {
        if Double(rng.next() >> 11) / Double(1 << 53) < epsilon {
            let allowed = mask.indices.filter { mask[$0] }
            if !allowed.isEmpty { return allowed[Int(rng.next() % UInt64(allowed.count))] }
        }
        return Self.greedy(qValues(rows, prior: prior), mask: mask)
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
        let scale = residualScale
        let (gradients, loss) = online.groupGradients(groups: batch.map(\.state)) { index, outputs in
            let t = batch[index]
            let q = Self.combine(outputs.flatMap { $0 }, prior: t.prior, scale: scale)
            let error = q[t.action] - targets[index]
            // Huber loss with δ = 1: quadratic inside, linear outside.
            let clipped = max(-1, min(1, error))
            let rows = Float(outputs.count)
            // dQ_a/dv_j = 1/R; dQ_a/da_j = (1[j = a] − 1/R), times s·(1 − tanh²) with a prior.
            var slope = clipped
            if t.prior.count == outputs.count {
                var mean: Float = 0
                for out in outputs { mean += out[1] }
                mean /= rows
                let th = tanh(outputs[t.action][1] - mean)
                slope *= scale * (1 - th * th)
            }
            let g = outputs.indices.map { j -> [Float] in
                [clipped / rows, slope * ((j == t.action ? 1 : 0) - 1 / rows)]
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

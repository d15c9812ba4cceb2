import CDenseKernel
import Foundation
import SwitchyardCore

/// A small fully connected network: ReLU hidden layers and a linear output, in Float32.
///
/// Weights of layer `l` are stored row-major as `sizes[l+1] × sizes[l]`. It is a value type, so copying it (for a
/// DQN's target network) is a copy of the weights.
public struct DenseNetwork: Sendable, Equatable, Codable {
    public private(set) var sizes: [Int]
    var weights: [[Float]]
    var biases: [[Float]]

    /// He-initialised weights from a seeded generator; `outputScale` scales the last layer's (0 starts the
    /// network at an all-zero output, so a prior alone decides at first).
    public init(sizes: [Int], seed: UInt64, outputScale: Float = 1) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "bad layer sizes \(sizes)")
        self.sizes = sizes
        var rng = SplitMix64(seed: seed)
        weights = []
        biases = []
        for l in 0..<(sizes.count - 1) {
            let fanIn = sizes[l]
            let scale = (2.0 / Float(fanIn)).squareRoot() * (l == sizes.count - 2 ? outputScale : 1)
            var w = [Float](repeating: 0, count: sizes[l + 1] * fanIn)
            for i in w.indices { w[i] = rng.nextGaussian() * scale }
            weights.append(w)
            biases.append([Float](repeating: 0, count: sizes[l + 1]))
        }
    }

    init(sizes: [Int], weights: [[Float]], biases: [[Float]]) {
        self.sizes = sizes
        self.weights = weights
        self.biases = biases
    }

    public var inputSize: Int { sizes[0] }
    public var outputSize: Int { sizes[sizes.count - 1] }
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } + biases.reduce(0) { $0 + $1.count } }

    /// The network's output for one input.
    public func forward(_ input: [Float]) -> [Float] {
        var activation = input
        var next: [Float] = []
        for l in 0..<weights.count {
            layer(l, input: activation, output: &next)
            if l < weights.count - 1 { for i in next.indices where next[i] < 0 { next[i] = 0 } }
            swap(&activation, &next)
        }
        return activation
    }

    /// The outputs for `count` inputs laid out in one buffer, row after row: `count × outputSize` numbers. The
    /// same as ``forward(_:)`` on each row, computed eight rows at a time: each layer multiplies every weight into
    /// eight rows' activations at once, with no sum across lanes (`CDenseKernel`, with AVX where the processor has it).
    public func forward(batch inputs: [Float], count: Int) -> [Float] {
        forward(batch: inputs, count: count, firstLayer: nil)
    }

    /// A first layer that stands in for the network's own: `weights` row-major, `outputs × inputs`, and `biases`.
    /// (A caller whose inputs repeat across the batch folds them into the biases, and feeds fewer columns.)
    public struct FirstLayer: Sendable {
        public var inputs: Int
        public var weights: [Float]
        public var biases: [Float]
        public init(inputs: Int, weights: [Float], biases: [Float]) {
            self.inputs = inputs
            self.weights = weights
            self.biases = biases
        }
    }

    /// ``forward(batch:count:)`` with the first layer replaced by `firstLayer` (same number of outputs).
    public func forward(batch inputs: [Float], count: Int, firstLayer: FirstLayer?) -> [Float] {
        let width = firstLayer?.inputs ?? inputSize
        precondition(inputs.count == count * width, "a batch of \(count) rows of \(width) numbers")
        precondition(firstLayer.map { $0.weights.count == $0.inputs * sizes[1] && $0.biases.count == sizes[1] } ?? true)
        let blocks = (count + 7) / 8
        // Activations, feature-major in blocks of eight rows: unit j of row 8k + i is activation[(j * blocks + k) * 8 + i].
        var activation = [Float](repeating: 0, count: width * blocks * 8)
        for row in 0..<count {
            for c in 0..<width { activation[(c * blocks + row / 8) * 8 + row % 8] = inputs[row * width + c] }
        }
        for l in 0..<weights.count {
            let rows = sizes[l + 1]
            let cols = l == 0 ? width : sizes[l]
            var next = [Float](repeating: 0, count: rows * blocks * 8)
            let layerWeights = l == 0 ? firstLayer?.weights ?? weights[0] : weights[l]
            let layerBiases = l == 0 ? firstLayer?.biases ?? biases[0] : biases[l]
            layerWeights.withUnsafeBufferPointer { w in
                layerBiases.withUnsafeBufferPointer { bias in
                    activation.withUnsafeBufferPointer { x in
                        next.withUnsafeMutableBufferPointer { y in
                            guard let w = w.baseAddress, let bias = bias.baseAddress, let x = x.baseAddress,
                                let y = y.baseAddress
                            else { return }
                            switchyard_dense_layer(w, bias, x, y, rows, cols, blocks, l < weights.count - 1 ? 1 : 0)
                        }
                    }
                }
            }
            activation = next
        }
        var output = [Float](repeating: 0, count: count * outputSize)
        for row in 0..<count {
            for o in 0..<outputSize { output[row * outputSize + o] = activation[(o * blocks + row / 8) * 8 + row % 8] }
        }
        return output
    }

    /// `output = W_l · input + b_l` (no activation), eight lanes at a time.
    func layer(_ l: Int, input: [Float], output: inout [Float]) {
        let rows = sizes[l + 1]
        let cols = sizes[l]
        if output.count != rows { output = [Float](repeating: 0, count: rows) }
        let vectorCols = cols & ~7
        weights[l].withUnsafeBufferPointer { w in
            input.withUnsafeBufferPointer { x in
                biases[l].withUnsafeBufferPointer { b in
                    output.withUnsafeMutableBufferPointer { out in
                        for r in 0..<rows {
                            let base = r * cols
                            var lanes = SIMD8<Float>()
                            var c = 0
                            while c < vectorCols {
                                let wv = SIMD8<Float>(w[base + c..<base + c + 8])
                                let xv = SIMD8<Float>(x[c..<c + 8])
                                lanes += wv * xv
                                c += 8
                            }
                            var sum = b[r] + lanes.sum()
                            while c < cols {
                                sum += w[base + c] * x[c]
                                c += 1
                            }
                            out[r] = sum
                        }
                    }
                }
            }
        }
    }

    /// Gradients of a loss with respect to every weight and bias, laid out like the parameters.
    public struct Gradients: Sendable {
        var weights: [[Float]]
        var biases: [[Float]]
    }

    /// Backpropagates a batch. `outputGradient(sampleIndex, output)` returns dLoss/dOutput for that sample.
    /// - Returns: gradients averaged over the batch, and the mean loss the closure reported.
    public func gradients(
        inputs: [[Float]],
        outputGradient: (Int, [Float]) -> (gradient: [Float], loss: Float)
    ) -> (Gradients, Float) {
        groupGradients(groups: inputs.map { [$0] }) { index, outputs in
            let (gradient, loss) = outputGradient(index, outputs[0])
            return ([gradient], loss)
        }
    }

    /// Backpropagates a batch of groups of inputs whose loss couples the outputs of a group (the rows of one
    /// state, one per action, for a network that scores each action from its own features).
    /// `outputGradient(groupIndex, outputs)` returns dLoss/dOutput for every row of that group.
    /// - Returns: gradients averaged over the groups, and the mean loss the closure reported.
    public func groupGradients(
        groups: [[[Float]]],
        outputGradient: (Int, [[Float]]) -> (gradients: [[Float]], loss: Float)
    ) -> (Gradients, Float) {
        var gw = weights.map { [Float](repeating: 0, count: $0.count) }
        var gb = biases.map { [Float](repeating: 0, count: $0.count) }
        var totalLoss: Float = 0
        for (index, rows) in groups.enumerated() {
            let activations = rows.map(activationsOf)
            let (outputGradients, loss) = outputGradient(index, activations.map { $0[weights.count] })
            totalLoss += loss
            for (row, gradient) in zip(activations, outputGradients) {
                backpropagate(gradient, through: row, into: &gw, &gb)
            }
        }
        let scale = 1 / Float(max(1, groups.count))
        for l in gw.indices {
            for i in gw[l].indices { gw[l][i] *= scale }
            for i in gb[l].indices { gb[l][i] *= scale }
        }
        return (Gradients(weights: gw, biases: gb), totalLoss * scale)
    }

    /// Every layer's activation for `input`, the input first and the output last.
    private func activationsOf(_ input: [Float]) -> [[Float]] {
        var activations: [[Float]] = [input]
        activations.reserveCapacity(weights.count + 1)
        for l in 0..<weights.count {
            var out: [Float] = []
            layer(l, input: activations[l], output: &out)
            if l < weights.count - 1 { for i in out.indices where out[i] < 0 { out[i] = 0 } }
            activations.append(out)
        }
        return activations
    }

    /// Adds the gradients of one sample (its activations and dLoss/dOutput) to `gw` and `gb`.
    private func backpropagate(
        _ outputGradient: [Float],
        through activations: [[Float]],
        into gw: inout [[Float]],
        _ gb: inout [[Float]]
    ) {
        var delta = outputGradient
        for l in stride(from: weights.count - 1, through: 0, by: -1) {
            let rows = sizes[l + 1]
            let cols = sizes[l]
            let a = activations[l]
            var previous = [Float](repeating: 0, count: cols)
            for r in 0..<rows where delta[r] != 0 {
                let d = delta[r]
                gb[l][r] += d
                let base = r * cols
                for c in 0..<cols {
                    gw[l][base + c] += d * a[c]
                    previous[c] += d * weights[l][base + c]
                }
            }
            if l > 0 { for c in 0..<cols where a[c] <= 0 { previous[c] = 0 } }
            delta = previous
        }
    }
}

/// Adam (Kingma and Ba, 2015) over a ``DenseNetwork``'s parameters.
public struct AdamOptimizer: Sendable {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    var step = 0
    var m: DenseNetwork.Gradients
    var v: DenseNetwork.Gradients

    public init(for network: DenseNetwork, learningRate: Float = 1e-3) {
        self.learningRate = learningRate
        let zeroW = network.weights.map { [Float](repeating: 0, count: $0.count) }
        let zeroB = network.biases.map { [Float](repeating: 0, count: $0.count) }
        m = .init(weights: zeroW, biases: zeroB)
        v = .init(weights: zeroW, biases: zeroB)
    }

    public mutating func apply(_ g: DenseNetwork.Gradients, to network: inout DenseNetwork) {
        step += 1
        let c1 = 1 - pow(beta1, Float(step))
        let c2 = 1 - pow(beta2, Float(step))
        for l in network.weights.indices {
            update(&network.weights[l], &m.weights[l], &v.weights[l], g.weights[l], c1, c2)
            update(&network.biases[l], &m.biases[l], &v.biases[l], g.biases[l], c1, c2)
        }
    }

    func update(_ p: inout [Float], _ m: inout [Float], _ v: inout [Float], _ g: [Float], _ c1: Float, _ c2: Float) {
        for i in p.indices {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            p[i] -= learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }

    func pow(_ base: Float, _ exponent: Float) -> Float {
        var result: Float = 1
        var n = Int(exponent)
        var b = base
        while n > 0 {
            if n & 1 == 1 { result *= b }
            b *= b
            n >>= 1
        }
        return result
    }
}

extension SplitMix64 {
    /// A standard normal draw (Box–Muller).
    mutating func nextGaussian() -> Float {
        let u1 = Double(next() >> 11) / Double(1 << 53) + 1e-12
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}

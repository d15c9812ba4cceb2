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
        var gw = weights.map { [Float](repeating: 0, count: $0.count) }
        var gb = biases.map { [Float](repeating: 0, count: $0.count) }
        var totalLoss: Float = 0
        var activations: [[Float]] = Array(repeating: [], count: weights.count + 1)
        for (index, input) in inputs.enumerated() {
            activations[0] = input
            for l in 0..<weights.count {
                var out: [Float] = []
                layer(l, input: activations[l], output: &out)
                if l < weights.count - 1 { for i in out.indices where out[i] < 0 { out[i] = 0 } }
                activations[l + 1] = out
            }
            let (outputGradient, loss) = outputGradient(index, activations[weights.count])
            totalLoss += loss
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
        let scale = 1 / Float(max(1, inputs.count))
        for l in gw.indices {
            for i in gw[l].indices { gw[l][i] *= scale }
            for i in gb[l].indices { gb[l][i] *= scale }
        }
        return (Gradients(weights: gw, biases: gb), totalLoss * scale)
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

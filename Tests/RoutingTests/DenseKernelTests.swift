import CDenseKernel
import SwitchyardCore
import Testing

/// The layer kernel's fast path (AVX, where the processor has it) gives the same bits as the portable one, so a
/// router's decisions do not depend on the machine it runs on.
@Test func denseKernelPathsAgreeToTheBit() {
    var rng = SplitMix64(seed: 5)
    func random() -> Float { Float(Double(rng.next() >> 11) / Double(1 << 53) * 2 - 1) }
    for (rows, cols, blocks) in [(32, 9, 9), (32, 32, 9), (2, 32, 1), (5, 3, 6)] {
        let w = (0..<(rows * cols)).map { _ in random() }
        let bias = (0..<rows).map { _ in random() }
        let x = (0..<(cols * blocks * 8)).map { i in i % 7 == 0 ? 0 : random() }
        for relu: Int32 in [0, 1] {
            var fast = [Float](repeating: .nan, count: rows * blocks * 8)
            var portable = fast
            switchyard_dense_layer(w, bias, x, &fast, rows, cols, blocks, relu)
            switchyard_dense_layer_portable(w, bias, x, &portable, rows, cols, blocks, relu)
            #expect(fast.map(\.bitPattern) == portable.map(\.bitPattern), "\(rows)×\(cols), \(blocks) blocks")
            // And it is the layer: lane 0 of block 0, output 0, summed by hand in the same order.
            var sum = bias[0]
            for c in 0..<cols { sum = sum + w[c] * x[c * blocks * 8] }
            #expect(portable[0] == (relu == 1 && sum < 0 ? 0 : sum))
            if relu == 1 { #expect(portable.allSatisfy { $0 >= 0 }) }
        }
    }
    print("dense kernel: AVX path \(switchyard_dense_kernel_uses_avx() == 1 ? "used" : "not available here")")
}

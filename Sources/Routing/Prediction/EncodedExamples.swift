import SwitchyardCore

/// Training examples with their features extracted once, in flat arrays, so each epoch only sums weights.
///
/// Rows are indices into the trainer's one weight table: explicit rows first, then the hashed rows shifted by
/// ``FeatureConfig/explicitRows``.
struct EncodedExamples {
    private(set) var labels: [Int] = []
    private var explicitStart: [Int] = [0]
    private var explicitRows: [Int32] = []
    private var explicitValues: [Float] = []
    private var textStart: [Int] = [0]
    private var textRows: [Int32] = []
    /// 1/√n for the n text features of each example.
    private var textScale: [Float] = []

    init(_ examples: [TrainingExample], extractor: FeatureExtractor, buckets: BucketScheme) {
        let offset = Int32(extractor.config.explicitRows)
        for example in examples {
            var sink = CollectingSink(offset: offset)
            extractor.extract(example.features, into: &sink)
            labels.append(buckets.bucket(of: example.outputTokens))
            explicitRows += sink.explicitRows
            explicitValues += sink.explicitValues
            explicitStart.append(explicitRows.count)
            textRows += sink.textRows
            textStart.append(textRows.count)
            textScale.append(sink.textRows.isEmpty ? 0 : 1 / Float(sink.textRows.count).squareRoot())
        }
    }

    /// The class scores of one example under `weights` (row-major, `classes` per row).
    func scores(_ index: Int, weights: [Float], classes: Int, into scores: inout [Float]) {
        for k in 0..<classes { scores[k] = 0 }
        forEachFeature(index) { row, value in
            let base = row * classes
            for k in 0..<classes { scores[k] += value * weights[base + k] }
        }
    }

    /// Calls `body` with each feature row of one example and its value.
    func forEachFeature(_ index: Int, _ body: (Int, Float) -> Void) {
        for i in explicitStart[index]..<explicitStart[index + 1] { body(Int(explicitRows[i]), explicitValues[i]) }
        let scale = textScale[index]
        for i in textStart[index]..<textStart[index + 1] { body(Int(textRows[i]), scale) }
    }
}

/// Records features as table rows, hashed rows shifted past the explicit ones.
private struct CollectingSink: FeatureSink {
    let offset: Int32
    var explicitRows: [Int32] = []
    var explicitValues: [Float] = []
    var textRows: [Int32] = []

    init(offset: Int32) { self.offset = offset }

    mutating func explicit(_ row: Int, _ value: Float) {
        explicitRows.append(Int32(row))
        explicitValues.append(value)
    }

    mutating func text(_ row: Int) { textRows.append(offset + Int32(row)) }
}

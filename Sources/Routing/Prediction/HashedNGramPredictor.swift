import Foundation
import SwitchyardCore

/// `ngram-logreg`: multinomial logistic regression over the prompt length, the hint and hashed word and byte
/// n-grams of the prompt text, predicting the response-length bucket.
///
/// It stands in for the paper's DistilBERT classifier (and its Random Forest on prompt length and application for the
/// production trace) with a model that trains in seconds in Swift and predicts in microseconds without a model hub.
/// The point estimate is the expected length under the predicted class distribution, Σₖ pₖ·meanₖ, where meanₖ is
/// the training split's mean response length in bucket k: an unsure prediction gives a length between the buckets'
/// means rather than committing to one, and summed over requests it estimates the decode work a router adds. It may
/// fall outside the predicted bucket.
///
/// Hashed weights are kept as 8-bit codes with one scale per class, exactly as the model file stores them, so a
/// model predicts the same before and after a save and load. With up to 4 buckets each row is padded to 4 bytes and
/// summed as one SIMD load into registers; the table (2^18 rows × 4 bytes = 1 MiB) stays in a 2 MiB L2 cache.
public struct HashedNGramPredictor: LengthPredictor {
    public let name = "ngram-logreg"
    public let buckets: BucketScheme
    public let features: FeatureConfig
    /// The training split's mean response length per bucket, in tokens, shrunk toward each bucket's nominal middle
    /// (see `PredictorTrainer.meanPrior`).
    public let bucketMeans: [Double]
    /// How the model was made; saved with it, never read by `predict`.
    public var provenance: PredictorProvenance?
    /// Explicit weights, row-major: `explicitRows × buckets.count`.
    let explicitWeights: [Float]
    /// Hashed text weights as codes, row-major with `hashedStride` codes per row (the classes, then zero padding);
    /// weight = code × `hashedScales[class]`.
    let hashedTable: [Int8]
    /// 4 for up to 4 buckets (the SIMD path), else the bucket count.
    let hashedStride: Int
    /// One dequantisation scale per class.
    let hashedScales: [Float]
    let extractor: FeatureExtractor

    /// Makes a predictor from its parts; ``PredictorTrainer`` and ``PredictorStore`` call it.
    ///
    /// `hashedCodes` holds `hashedRows × buckets.count` codes, row-major, as the model file stores them; they are
    /// copied into the padded lookup table here, once.
    /// - Precondition: the arrays have the sizes that `features` and `buckets` imply.
    init(
        buckets: BucketScheme,
        features: FeatureConfig,
        bucketMeans: [Double],
        explicitWeights: [Float],
        hashedCodes: [Int8],
        hashedScales: [Float],
        provenance: PredictorProvenance? = nil
    ) {
        let classes = buckets.count
        precondition(bucketMeans.count == classes, "bucket means: \(bucketMeans.count), classes: \(classes)")
        precondition(
            explicitWeights.count == features.explicitRows * classes,
            "explicit weights: \(explicitWeights.count), expected \(features.explicitRows * classes)"
        )
        precondition(
            hashedCodes.count == features.hashedRows * classes,
            "hashed codes: \(hashedCodes.count), expected \(features.hashedRows * classes)"
        )
        precondition(hashedScales.count == classes, "hashed scales: \(hashedScales.count), classes: \(classes)")
        self.buckets = buckets
        self.features = features
        self.bucketMeans = bucketMeans
        self.explicitWeights = explicitWeights
        let stride = classes <= 4 ? 4 : classes
        var table = [Int8](repeating: 0, count: features.hashedRows * stride)
        for row in 0..<features.hashedRows {
            for k in 0..<classes { table[row * stride + k] = hashedCodes[row * classes + k] }
        }
        self.hashedTable = table
        self.hashedStride = stride
        self.hashedScales = hashedScales
        self.provenance = provenance
        self.extractor = FeatureExtractor(config: features)
    }

    /// The predicted bucket (the most probable class) and the expected length in tokens.
    /// - Complexity: O(prompt bytes read, at most `max(wordBytes, charBytes)`); allocates nothing for native strings.
    public func predict(_ features: PromptFeatures) -> LengthPrediction {
        let classes = buckets.count
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: classes) { probabilities in
            fillProbabilities(features, into: probabilities)
            var best = 0
            var tokens = 0.0
            for k in 0..<classes {
                if probabilities[k] > probabilities[best] { best = k }
                tokens += Double(probabilities[k]) * bucketMeans[k]
            }
            return LengthPrediction(bucket: best, tokens: tokens)
        }
    }

    /// The predicted probability of each bucket; for reports and tests (it allocates the result).
    public func probabilities(_ features: PromptFeatures) -> [Double] {
        let classes = buckets.count
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: classes) { probabilities in
            fillProbabilities(features, into: probabilities)
            return probabilities.map(Double.init)
        }
    }

    /// Writes the softmax of the class scores into `probabilities` (one slot per class).
    private func fillProbabilities(_ features: PromptFeatures, into probabilities: UnsafeMutableBufferPointer<Float>) {
        let classes = buckets.count
        for k in 0..<classes { probabilities[k] = 0 }
        explicitWeights.withUnsafeBufferPointer { explicit in
            hashedTable.withUnsafeBufferPointer { table in
                if classes <= 4 {
                    var sink = NarrowScoreSink(
                        classes: classes,
                        explicit: explicit,
                        table: table,
                        scores: probabilities
                    )
                    extractor.extract(features, into: &sink)
                    addText(sums: { sink.sums[$0] }, count: sink.textCount, into: probabilities)
                } else {
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: classes) { sums in
                        sums.initialize(repeating: 0)
                        var sink = WideScoreSink(
                            classes: classes,
                            explicit: explicit,
                            table: table,
                            scores: probabilities,
                            sums: sums
                        )
                        extractor.extract(features, into: &sink)
                        addText(sums: { sums[$0] }, count: sink.textCount, into: probabilities)
                    }
                }
            }
        }
        softmax(probabilities)
    }

    /// Adds the text part of the scores: code sums times each class's scale, times 1/√n.
    @inline(__always)
    private func addText(sums: (Int) -> Int32, count: Int, into scores: UnsafeMutableBufferPointer<Float>) {
        guard count > 0 else { return }
        let norm = 1 / Float(count).squareRoot()
        for k in 0..<buckets.count { scores[k] += hashedScales[k] * Float(sums(k)) * norm }
    }

    /// The codes in the file's layout: `buckets.count` per row, no padding.
    var hashedCodes: [Int8] {
        let classes = buckets.count
        var codes = [Int8](repeating: 0, count: features.hashedRows * classes)
        for row in 0..<features.hashedRows {
            for k in 0..<classes { codes[row * classes + k] = hashedTable[row * hashedStride + k] }
        }
        return codes
    }

    /// Turns scores into probabilities in place, shifted by the maximum so `exp` cannot overflow.
    private func softmax(_ probabilities: UnsafeMutableBufferPointer<Float>) {
        let classes = probabilities.count
        var maximum = probabilities[0]
        for k in 1..<classes { maximum = max(maximum, probabilities[k]) }
        var total: Float = 0
        for k in 0..<classes {
            probabilities[k] = exp(probabilities[k] - maximum)
            total += probabilities[k]
        }
        for k in 0..<classes { probabilities[k] /= total }
    }
}

/// Sums a prompt's weights into class scores for up to 4 classes: Float32 for explicit rows, and for text rows one
/// 4-byte SIMD load per feature added into integer sums that stay in a register (scaled once at the end).
private struct NarrowScoreSink: FeatureSink {
    let classes: Int
    let explicit: UnsafeBufferPointer<Float>
    let table: UnsafeBufferPointer<Int8>
    let scores: UnsafeMutableBufferPointer<Float>
    var sums = SIMD4<Int32>()
    var textCount = 0

    init(
        classes: Int,
        explicit: UnsafeBufferPointer<Float>,
        table: UnsafeBufferPointer<Int8>,
        scores: UnsafeMutableBufferPointer<Float>
    ) {
        self.classes = classes
        self.explicit = explicit
        self.table = table
        self.scores = scores
    }

    mutating func explicit(_ row: Int, _ value: Float) {
        let base = row * classes
        for k in 0..<classes { scores[k] += value * explicit[base + k] }
    }

    @inline(__always)
    mutating func text(_ row: Int) {
        let codes = UnsafeRawBufferPointer(table).loadUnaligned(fromByteOffset: row * 4, as: SIMD4<Int8>.self)
        sums &+= SIMD4<Int32>(truncatingIfNeeded: codes)
        textCount += 1
    }
}

/// The general case of ``NarrowScoreSink`` for more than 4 classes, with the sums in memory.
private struct WideScoreSink: FeatureSink {
    let classes: Int
    let explicit: UnsafeBufferPointer<Float>
    let table: UnsafeBufferPointer<Int8>
    let scores: UnsafeMutableBufferPointer<Float>
    let sums: UnsafeMutableBufferPointer<Int32>
    var textCount = 0

    mutating func explicit(_ row: Int, _ value: Float) {
        let base = row * classes
        for k in 0..<classes { scores[k] += value * explicit[base + k] }
    }

    mutating func text(_ row: Int) {
        let base = row * classes
        for k in 0..<classes { sums[k] &+= Int32(table[base + k]) }
        textCount += 1
    }
}

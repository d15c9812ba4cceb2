import SwitchyardCore

/// `majority`: the baseline that always predicts the training split's most common bucket, with that bucket's mean
/// length as the estimate.
///
/// Any predictor worth its cost must beat it; on ShareGPT with the paper's buckets it scores about 51%, since
/// responses split almost evenly at 256 tokens.
public struct MajorityClassPredictor: LengthPredictor {
    public let name = "majority"
    public let buckets: BucketScheme
    /// The most common training bucket (the lowest on a tie).
    public let bucket: Int
    /// The mean training length in that bucket.
    public let tokens: Double

    public init(training: [TrainingExample], buckets: BucketScheme = .paper) {
        var counts = [Int](repeating: 0, count: buckets.count)
        for example in training { counts[buckets.bucket(of: example.outputTokens)] += 1 }
        var best = 0
        for k in counts.indices where counts[k] > counts[best] { best = k }
        self.buckets = buckets
        self.bucket = best
        self.tokens = PredictorTrainer.bucketMeans(training, buckets: buckets)[best]
    }

    public func predict(_ features: PromptFeatures) -> LengthPrediction {
        LengthPrediction(bucket: bucket, tokens: tokens)
    }
}

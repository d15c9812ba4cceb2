import SwitchyardCore

/// How a length predictor does on labelled examples: its confusion matrix and the error of its token estimate.
public struct PredictorEvaluation: Sendable, Equatable {
    public var confusion: ConfusionMatrix
    /// The mean of |estimated − true| response tokens; 0 for no examples.
    public var meanAbsoluteError: Double

    public init(confusion: ConfusionMatrix, meanAbsoluteError: Double) {
        self.confusion = confusion
        self.meanAbsoluteError = meanAbsoluteError
    }

    public var count: Int { confusion.total }
    public var accuracy: Double { confusion.accuracy }
    public var macroF1: Double { confusion.macroF1 }

    /// Runs `predictor` on every example and scores it against the examples' true lengths, bucketed by the
    /// predictor's own scheme.
    /// - Complexity: O(n) predictions.
    public static func evaluate(_ predictor: any LengthPredictor, on examples: [TrainingExample]) -> PredictorEvaluation
    {
        let buckets = predictor.buckets
        var confusion = ConfusionMatrix(classes: buckets.count)
        var absoluteError = 0.0
        for example in examples {
            let prediction = predictor.predict(example.features)
            confusion.add(truth: buckets.bucket(of: example.outputTokens), predicted: prediction.bucket)
            absoluteError += abs(prediction.tokens - Double(example.outputTokens))
        }
        return PredictorEvaluation(
            confusion: confusion,
            meanAbsoluteError: examples.isEmpty ? 0 : absoluteError / Double(examples.count)
        )
    }
}

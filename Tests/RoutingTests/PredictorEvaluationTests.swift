import SwitchyardCore
import Testing

@testable import Routing

@Test func confusionMatrixScoresMatchHandComputation() {
    // Rows are true buckets, columns predicted ones; bucket 2 never occurs but is predicted once.
    let confusion = ConfusionMatrix(counts: [[5, 2, 0], [1, 3, 1], [0, 0, 0]])
    #expect(confusion.total == 12)
    #expect(abs(confusion.accuracy - 8.0 / 12) < 1e-12)
    #expect(abs(confusion.precision(0) - 5.0 / 6) < 1e-12)
    #expect(abs(confusion.recall(0) - 5.0 / 7) < 1e-12)
    #expect(abs(confusion.f1(0) - 10.0 / 13) < 1e-12)
    #expect(abs(confusion.f1(1) - 3.0 / 5) < 1e-12)
    #expect(confusion.f1(2) == 0)
    #expect(abs(confusion.macroF1 - 89.0 / 195) < 1e-12, "(10/13 + 3/5 + 0) / 3")
}

@Test func macroF1LeavesOutClassesThatNeverOccur() {
    let confusion = ConfusionMatrix(counts: [[5, 2, 0], [1, 3, 0], [0, 0, 0]])
    let f0 = 2 * (5.0 / 6) * (5.0 / 7) / (5.0 / 6 + 5.0 / 7)
    let f1 = 2 * (3.0 / 5) * (3.0 / 4) / (3.0 / 5 + 3.0 / 4)
    #expect(abs(confusion.macroF1 - (f0 + f1) / 2) < 1e-12)
    #expect(ConfusionMatrix(classes: 3).accuracy == 0 && ConfusionMatrix(classes: 3).macroF1 == 0)
}

/// Predicts bucket 0 and 100 tokens for every prompt.
private struct ConstantPredictor: LengthPredictor {
    let name = "constant"
    let buckets = BucketScheme.paper
    func predict(_ features: PromptFeatures) -> LengthPrediction { LengthPrediction(bucket: 0, tokens: 100) }
}

private func example(_ output: Int, group: String = "g") -> TrainingExample {
    TrainingExample(features: PromptFeatures(promptTokens: 10), outputTokens: output, group: group)
}

@Test func evaluationCountsBucketsAndMeanAbsoluteError() {
    let evaluation = PredictorEvaluation.evaluate(ConstantPredictor(), on: [example(50), example(300), example(3000)])
    #expect(evaluation.confusion.counts == [[1, 0, 0], [1, 0, 0], [1, 0, 0]])
    #expect(abs(evaluation.accuracy - 1.0 / 3) < 1e-12)
    #expect(abs(evaluation.meanAbsoluteError - (50.0 + 200 + 2900) / 3) < 1e-9)
    #expect(PredictorEvaluation.evaluate(ConstantPredictor(), on: []).meanAbsoluteError == 0)
}

@Test func majorityBaselinePredictsTheCommonestBucketAndItsMean() {
    let baseline = MajorityClassPredictor(training: [example(300), example(500), example(10)])
    #expect(baseline.name == "majority")
    // The mean of 300 and 500, shrunk by 20 pseudo-examples at the middle of 256-2048.
    let mean = (300.0 + 500 + 20 * 1152) / 22
    #expect(baseline.predict(PromptFeatures(promptTokens: 1)) == LengthPrediction(bucket: 1, tokens: mean))
}

@Test func groupSplitKeepsEachGroupOnOneSideAndIsStable() {
    let examples = (0..<2000).map { example($0, group: "conversation-\($0 / 3)") }
    let (train, test) = GroupSplit.split(examples, testFraction: 0.2, seed: 1)
    #expect(train.count + test.count == examples.count)
    #expect(Set(train.map(\.group)).isDisjoint(with: Set(test.map(\.group))))
    #expect((0.15...0.25).contains(Double(test.count) / Double(examples.count)), "test share \(test.count)")
    #expect(GroupSplit.split(examples, testFraction: 0.2, seed: 1).test == test)
    #expect(GroupSplit.split(examples, testFraction: 0.2, seed: 2).test != test)
}

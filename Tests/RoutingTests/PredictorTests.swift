import Foundation
import SwitchyardCore
import Testing

@testable import Routing

/// A toy task that text separates and length cannot: "translate" prompts get short answers, "essay" prompts long
/// ones, and every prompt has the same token count.
private func toyExamples(topics: [String]) -> [TrainingExample] {
    topics.flatMap { topic in
        [
            TrainingExample(
                features: PromptFeatures(promptTokens: 12, text: "Please translate the word \(topic) into French."),
                outputTokens: 40,
                group: "t-\(topic)"
            ),
            TrainingExample(
                features: PromptFeatures(promptTokens: 12, text: "Write an essay about \(topic) and its history."),
                outputTokens: 900,
                group: "e-\(topic)"
            ),
        ]
    }
}

private let trainingTopics = [
    "apple", "river", "castle", "engine", "violin", "desert", "planet", "garden", "bridge", "winter",
    "harbor", "pencil", "forest", "rocket", "candle", "island", "market", "thunder", "mirror", "tunnel",
]
private let unseenTopics = ["glacier", "lantern", "meadow", "compass", "falcon", "quartz"]

/// Small enough to train in a debug build in well under a second.
private let toyFeatures = FeatureConfig(hashBits: 12)

@Test func learnsASeparableToyProblem() {
    let trainer = PredictorTrainer(features: toyFeatures, epochs: 20, learningRate: 0.05)
    let model = trainer.train(toyExamples(topics: trainingTopics))
    let test = toyExamples(topics: unseenTopics)
    let evaluation = PredictorEvaluation.evaluate(model, on: test)
    #expect(evaluation.accuracy == 1)
    #expect(evaluation.confusion.counts == [[6, 0, 0], [0, 6, 0], [0, 0, 0]])
    let short = model.predict(test[0].features)
    let long = model.predict(test[1].features)
    #expect(short.bucket == 0 && long.bucket == 1)
    #expect(short.tokens < 256 && long.tokens > 256, "estimates \(short.tokens) and \(long.tokens)")
}

@Test func promptLengthAloneCannotSeparateTheToyProblem() {
    let trainer = PredictorTrainer(features: .promptLengthOnly, epochs: 20, learningRate: 0.05)
    let model = trainer.train(toyExamples(topics: trainingTopics))
    let evaluation = PredictorEvaluation.evaluate(model, on: toyExamples(topics: unseenTopics))
    #expect(evaluation.accuracy == 0.5)
}

@Test func learnsAServiceHintWithoutText() {
    let examples = (0..<200).map { i in
        let hint = i.isMultiple(of: 2) ? "code" : "conv"
        return TrainingExample(
            features: PromptFeatures(promptTokens: 500 + i % 7 * 100, hint: hint),
            outputTokens: hint == "code" ? 20 : 600,
            group: "\(i)"
        )
    }
    let model = PredictorTrainer(features: .promptLengthAndHint, epochs: 30, learningRate: 0.05).train(examples)
    #expect(model.predict(PromptFeatures(promptTokens: 800, hint: "code")).bucket == 0)
    #expect(model.predict(PromptFeatures(promptTokens: 800, hint: "conv")).bucket == 1)
}

@Test func trainingIsDeterministicForASeed() {
    let examples = toyExamples(topics: trainingTopics)
    let first = PredictorTrainer(features: toyFeatures, epochs: 3, seed: 7).train(examples)
    let second = PredictorTrainer(features: toyFeatures, epochs: 3, seed: 7).train(examples)
    #expect(first.explicitWeights == second.explicitWeights)
    #expect(first.hashedCodes == second.hashedCodes)
    #expect(first.hashedScales == second.hashedScales)
}

@Test func probabilitiesSumToOneAndTheEstimateIsTheirExpectation() {
    let model = PredictorTrainer(features: toyFeatures, epochs: 5).train(toyExamples(topics: trainingTopics))
    let features = PromptFeatures(promptTokens: 12, text: "Write an essay about glaciers, please translate it.")
    let probabilities = model.probabilities(features)
    #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5)
    let expected = zip(probabilities, model.bucketMeans).reduce(0) { $0 + $1.0 * $1.1 }
    #expect(abs(model.predict(features).tokens - expected) < 1e-3)
    // 20 examples per bucket, shrunk by 20 pseudo-examples at the bucket's nominal middle.
    #expect(model.bucketMeans[0] == (20 * 40 + 20 * 128) / 40)
    #expect(model.bucketMeans[1] == (20 * 900 + 20 * 1152) / 40)
    #expect(model.bucketMeans[2] == Double(2048 + 4096) / 2, "an empty bucket gets its nominal middle")
}

@Test func predictsForEmptyOddAndLongPrompts() {
    let model = PredictorTrainer(features: toyFeatures, epochs: 2).train(toyExamples(topics: trainingTopics))
    let prompts = [
        PromptFeatures(promptTokens: 0),
        PromptFeatures(promptTokens: 1, text: ""),
        PromptFeatures(promptTokens: 5, text: "日本語のテキストを翻訳してください"),
        PromptFeatures(promptTokens: 5, text: "\u{0}\u{7F}\n\t émoji 🚀 café"),
        PromptFeatures(promptTokens: 1_000_000, text: String(repeating: "token ", count: 5000), hint: "conv"),
    ]
    for prompt in prompts {
        let prediction = model.predict(prompt)
        #expect((0..<3).contains(prediction.bucket))
        #expect(prediction.tokens.isFinite && prediction.tokens > 0)
    }
}

@Test func hashingIsStableAcrossProcesses() {
    // FNV-1a reference values (http://www.isthe.com/chongo/tech/comp/fnv/).
    #expect(StableHash.fnv1a("".utf8) == 0xCBF2_9CE4_8422_2325)
    #expect(StableHash.fnv1a("a".utf8) == 0xAF63_DC4C_8601_EC8C)
    #expect(StableHash.fnv1a("foobar".utf8) == 0x8594_4171_F739_67E8)
    #expect(StableHash.combine(1, 2) != StableHash.combine(2, 1))
}

@Test func featuresLowercaseAndSplitWordsFromPunctuation() {
    let extractor = FeatureExtractor(config: FeatureConfig(hashBits: 16, charNGram: 0))
    #expect(textRows(extractor, "Hello, World") == textRows(extractor, "hello , world"))
    #expect(textRows(extractor, "hello world") != textRows(extractor, "world hello"), "bigrams keep word order")
    // 3 words and 2 bigrams for "hello , world".
    #expect(textRows(extractor, "Hello, World").count == 5)
    #expect(extractor.lengthBand(0) == 0 && extractor.lengthBand(2) == 2 && extractor.lengthBand(3) == 3)
    #expect(extractor.lengthBand(1 << 30) == 39, "very long prompts share the last band")
}

/// The hashed rows a text yields, in order.
private func textRows(_ extractor: FeatureExtractor, _ text: String) -> [Int] {
    struct Rows: FeatureSink {
        var rows: [Int] = []
        mutating func explicit(_ row: Int, _ value: Float) {}
        mutating func text(_ row: Int) { rows.append(row) }
    }
    var sink = Rows()
    extractor.extract(PromptFeatures(promptTokens: 3, text: text), into: &sink)
    return sink.rows
}

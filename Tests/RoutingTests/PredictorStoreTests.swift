import Foundation
import SwitchyardCore
import Testing

@testable import Routing

/// A small trained model: words "short" and "long" decide the bucket.
private func smallModel() -> HashedNGramPredictor {
    let examples = (0..<40).map { i in
        TrainingExample(
            features: PromptFeatures(
                promptTokens: 10 + i,
                text: i.isMultiple(of: 2) ? "short reply \(i)" : "long reply \(i)"
            ),
            outputTokens: i.isMultiple(of: 2) ? 50 : 700,
            group: "\(i)"
        )
    }
    return PredictorTrainer(features: FeatureConfig(hashBits: 10), epochs: 5, learningRate: 0.05).train(examples)
}

private let probes = [
    PromptFeatures(promptTokens: 3, text: "short please"),
    PromptFeatures(promptTokens: 3000, text: "a long one", hint: "conv"),
    PromptFeatures(promptTokens: 0),
]

private func temporaryPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("predictor-\(UUID().uuidString).json").path
}

/// The model file as a JSON object, changed by `edit`, re-encoded.
private func edited(_ predictor: HashedNGramPredictor, _ edit: (inout [String: Any]) -> Void) throws -> Data {
    var object = try #require(
        try JSONSerialization.jsonObject(with: PredictorStore.encode(predictor)) as? [String: Any]
    )
    edit(&object)
    return try JSONSerialization.data(withJSONObject: object)
}

/// The error that decoding `data` throws.
private func decodingError(_ data: Data) -> PredictorFileError? {
    do {
        _ = try PredictorStore.decode(data, fileName: "model.json")
        return nil
    } catch let error as PredictorFileError {
        return error
    } catch {
        return nil
    }
}

@Test func roundTripsThroughItsFileWithIdenticalPredictions() throws {
    var model = smallModel()
    model.provenance = PredictorProvenance(
        command: "switchyard train predictor",
        data: "toy",
        trainExamples: 40,
        testExamples: 0,
        seed: 1,
        epochs: 5,
        heldOutAccuracy: 1,
        heldOutMacroF1: 1,
        heldOutMAE: 0
    )
    let path = temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    try PredictorStore.save(model, to: path)
    let loaded = try PredictorStore.load(from: path)
    for probe in probes {
        #expect(loaded.predict(probe) == model.predict(probe))
        #expect(loaded.probabilities(probe) == model.probabilities(probe))
    }
    #expect(loaded.buckets == model.buckets)
    #expect(loaded.features == model.features)
    #expect(loaded.bucketMeans == model.bucketMeans)
    #expect(loaded.provenance == model.provenance)
    #expect(try PredictorStore.encode(loaded) == PredictorStore.encode(model), "the same model makes the same file")
}

@Test func roundTripsWithMoreBucketsThanTheSIMDPath() throws {
    let examples = (0..<60).map { i in
        TrainingExample(
            features: PromptFeatures(promptTokens: 10, text: "kind\(i % 6)"),
            outputTokens: [10, 100, 300, 700, 1500, 5000][i % 6],
            group: "\(i)"
        )
    }
    let buckets = BucketScheme(bounds: [50, 200, 500, 1000, 3000])
    let model = PredictorTrainer(
        features: FeatureConfig(hashBits: 10),
        buckets: buckets,
        epochs: 40,
        learningRate: 0.05
    )
    .train(examples)
    #expect(PredictorEvaluation.evaluate(model, on: examples).accuracy == 1)
    let loaded = try PredictorStore.decode(PredictorStore.encode(model), fileName: "wide.json")
    for probe in probes + examples.prefix(6).map(\.features) { #expect(loaded.predict(probe) == model.predict(probe)) }
}

@Test func malformedModelFilesNameTheField() throws {
    let model = smallModel()
    let missing = decodingError(try edited(model) { $0["bucket_means"] = nil })
    #expect(missing?.field == "bucket_means")
    #expect(missing?.description == "Length-predictor model file model.json: field 'bucket_means' is missing.")

    let nested = decodingError(
        try edited(model) { object in
            var features = object["features"] as? [String: Any] ?? [:]
            features["hash_bits"] = 40
            object["features"] = features
        }
    )
    #expect(nested?.field == "features.hash_bits")
    #expect(nested?.description.contains("must be in 8...24, got 40") == true)

    let wrongType = decodingError(try edited(model) { $0["bucket_bounds"] = "256" })
    #expect(wrongType?.field == "bucket_bounds")

    let unsorted = decodingError(try edited(model) { $0["bucket_bounds"] = [2048, 256] })
    #expect(unsorted?.field == "bucket_bounds")

    let truncated = decodingError(try edited(model) { $0["hashed_weights"] = "AAAA" })
    #expect(truncated?.field == "hashed_weights")
    #expect(truncated?.description.contains("model.json") == true)

    let notBase64 = decodingError(try edited(model) { $0["explicit_weights"] = "%%%" })
    #expect(notBase64?.field == "explicit_weights")

    let otherModel = decodingError(try edited(model) { $0["model"] = "rl" })
    #expect(otherModel?.field == "model")

    let notJSON = decodingError(Data("{ not json".utf8))
    #expect(notJSON?.field == nil)
    #expect(notJSON?.description.hasPrefix("Length-predictor model file model.json is not valid JSON") == true)
}

@Test func unreadableAndMissingShippedFilesSayWhich() {
    #expect(throws: PredictorFileError.self) { try PredictorStore.load(from: "/nonexistent/model.json") }
    do {
        _ = try PredictorStore.loadShipped("no-such-model")
        Issue.record("loading a missing shipped model should throw")
    } catch {
        #expect("\(error)".contains("no-such-model"))
    }
}

@Test func shippedShareGPTModelLoadsAndPredicts() throws {
    let model = try PredictorStore.loadShipped()
    #expect(model.name == "ngram-logreg")
    #expect(model.buckets == .paper)
    #expect(model.features.usesText)
    let essay = model.predict(
        PromptFeatures(promptTokens: 20, text: "Write a detailed 2000-word essay on the history of the Roman Empire.")
    )
    let translation = model.predict(PromptFeatures(promptTokens: 8, text: "Translate 'good morning' into French."))
    for prediction in [essay, translation] {
        #expect((0..<model.buckets.count).contains(prediction.bucket))
        #expect(prediction.tokens.isFinite && prediction.tokens > 0)
    }
    #expect(essay.tokens > translation.tokens)
}

@Test func shippedAzureModelLoadsAndPredictsByService() throws {
    let model = try PredictorStore.loadShipped(PredictorStore.azureModel)
    #expect(!model.features.usesText)
    let code = model.predict(PromptFeatures(promptTokens: 2000, hint: "code"))
    let conv = model.predict(PromptFeatures(promptTokens: 1000, hint: "conv"))
    #expect((0..<model.buckets.count).contains(code.bucket) && (0..<model.buckets.count).contains(conv.bucket))
    #expect(code.tokens < conv.tokens, "code completions are short, conversations long")
}

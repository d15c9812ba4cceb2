import ArgumentParser
import Foundation
import Routing
import SwitchyardCore
import TrainingData
import Workload

/// `switchyard train predictor`: trains the `ngram-logreg` response-length predictor and prints its held-out
/// scores against the majority-class and prompt-length-only baselines.
struct TrainPredictorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictor",
        abstract: "Train the response-length predictor and report held-out accuracy against baselines.",
        discussion: """
            --data takes a ShareGPT first-turn JSONL file (fields id, prompt, prompt_tokens_gemma3, \
            response_tokens_gemma3), a directory that holds sharegpt_v3_first_turn_pairs.jsonl or sharegpt/, \
            an Azure trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens), or a directory of \
            AzureLLMInferenceTrace_*.csv files. ShareGPT is split by conversation id (the part before the last \
            '_'), so near-duplicates do not leak, and the model reads the prompt text. Azure traces have no text: \
            the model reads prompt tokens and the service (code or conv, from the file name), trains on the \
            first part of each trace by time and is tested on the rest. Baselines: the majority class, the same \
            model on prompt length alone, and prompt-band-mean (what `--predictor auto` uses for traces without text).
            """
    )

    @Option(
        help:
            "Training data: ShareGPT JSONL, an Azure CSV, or a directory holding either (see the overview); default $SWITCHYARD_DATA."
    )
    var data: String?

    /// `--data`, else the data folder `SWITCHYARD_DATA` names, as for every other command.
    var dataPath: String {
        get throws {
            if let data { return data }
            if let folder = ProcessInfo.processInfo.environment["SWITCHYARD_DATA"], !folder.isEmpty { return folder }
            throw ValidationError("--data: give the training data's path, or set SWITCHYARD_DATA to the data folder.")
        }
    }

    @Option(help: "Where to write the trained model (JSON); none by default.")
    var out: String?

    @Option(help: "Seed of the split and the training order.")
    var seed: UInt64 = 1

    @Option(help: "Training epochs.")
    var epochs = 8

    @Option(help: "Bucket upper bounds in tokens, comma-separated; the default is the paper's 0-256, 256-2048, 2048+.")
    var bounds = "256,2048"

    @Option(
        help: "Held-out share: of ShareGPT conversations (default 0.2) or of each Azure trace's last requests (0.3)."
    )
    var testFraction: Double?

    @Option(help: "log2 of the hashed text table's rows.")
    var hashBits = 18

    @Option(
        help: "AlpacaEval model-outputs JSONL, a second held-out test (instruction, output_tokens_gemma3, generator)."
    )
    var alpaca: String?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs).") }
        _ = try parsedBounds()
        if let testFraction, !(testFraction > 0 && testFraction < 1) {
            throw ValidationError("--test-fraction must be between 0 and 1, got \(testFraction).")
        }
        guard (8...24).contains(hashBits) else {
            throw ValidationError("--hash-bits must be in 8...24, got \(hashBits).")
        }
        _ = try PredictorDataSource.resolve(try dataPath)
    }

    func run() async throws {
        let bounds = try parsedBounds()
        let buckets = BucketScheme(bounds: bounds)
        let source = try PredictorDataSource.resolve(try dataPath)
        let split = try source.load(testFraction: testFraction, seed: seed)
        print(split.summary)
        print("buckets: \((0..<buckets.count).map(buckets.label(of:)).joined(separator: ", "))")
        printBucketShares(split.train, buckets: buckets, title: "training labels")

        var text = FeatureConfig.text
        text.hashBits = hashBits
        let features = source.hasText ? text : .promptLengthAndHint
        let clock = ContinuousClock()
        let start = clock.now
        var model = PredictorTrainer(features: features, buckets: buckets, epochs: epochs, seed: seed).train(
            split.train
        )
        let trained = clock.now
        let lengthOnly = PredictorTrainer(features: .promptLengthOnly, buckets: buckets, epochs: epochs, seed: seed)
            .train(split.train)
        let seconds = (trained - start).inSeconds
        print(
            String(
                format: "trained ngram-logreg (%d epochs) in %.2f s, and the prompt-length-only model",
                epochs,
                seconds
            )
        )

        let candidates: [(String, any LengthPredictor)] = [
            ("majority class", MajorityClassPredictor(training: split.train, buckets: buckets)),
            ("prompt length only (logreg)", lengthOnly),
            (
                "prompt-band-mean (auto, no text)",
                PromptBucketMeanPredictor(training: requests(split.train), buckets: buckets)
            ),
            ("ngram-logreg" + (source.hasText ? "" : " (length + service)"), model),
        ]
        print("\nheld-out: \(split.test.count) examples")
        let heldOut = report(candidates, on: split.test)
        // Rows 1 and 3 of `candidates`: the prompt-length-only model and the full one.
        if heldOut.count == 4 {
            let full = heldOut[3]
            let gain = (full.accuracy - heldOut[1].accuracy) * 100
            print(String(format: "accuracy over prompt length only: %+.1f points", gain))
            print("\nconfusion matrix of ngram-logreg (rows: true bucket, columns: predicted)")
            print(confusionTable(full.confusion, buckets: buckets))
        }

        if let alpaca {
            let rows = try AlpacaEvalFile.load(path: alpaca)
            let examples = rows.map(\.example)
            let instructions = Set(examples.map(\.group)).count
            print("\nalpaca_eval (second held-out test): \(examples.count) responses to \(instructions) instructions")
            printBucketShares(examples, buckets: buckets, title: "alpaca labels")
            _ = report(candidates, on: examples)
            print("\nper generator (ngram-logreg)")
            print(perGenerator(model, rows: rows))
        }

        print("\n" + predictionCost(model, prompts: split.test.map(\.features)))

        if let out {
            let evaluation = PredictorEvaluation.evaluate(model, on: split.test)
            model.provenance = PredictorProvenance(
                command: (["switchyard"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                data: try dataPath,
                trainExamples: split.train.count,
                testExamples: split.test.count,
                seed: seed,
                epochs: epochs,
                heldOutAccuracy: evaluation.accuracy,
                heldOutMacroF1: evaluation.macroF1,
                heldOutMAE: evaluation.meanAbsoluteError
            )
            try PredictorStore.save(model, to: out)
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            print("wrote \(out) (\(size) bytes)")
        }
    }

    private func parsedBounds() throws -> [Int] {
        let expected = "ascending positive integers such as 256,2048"
        let values = try CommaList.parse(bounds, option: "--bounds", expected: expected) {
            Int($0).flatMap { $0 > 0 ? $0 : nil }
        }
        guard zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ValidationError("--bounds must be \(expected), got '\(bounds)'.")
        }
        return values
    }

    /// Examples as requests, for the predictors that train on requests.
    private func requests(_ examples: [TrainingExample]) -> [Request] {
        examples.enumerated().map { index, example in
            Request(
                id: RequestID(index),
                arrival: 0,
                promptTokens: example.features.promptTokens,
                outputTokens: example.outputTokens,
                text: example.features.text,
                hint: example.features.hint
            )
        }
    }

    /// Prints one row per predictor and returns the evaluations in the same order.
    private func report(
        _ candidates: [(String, any LengthPredictor)],
        on examples: [TrainingExample]
    ) -> [PredictorEvaluation] {
        var table = TextTable(header: ["predictor", "accuracy", "macro-F1", "MAE (tokens)"])
        var results: [PredictorEvaluation] = []
        for (label, predictor) in candidates {
            let evaluation = PredictorEvaluation.evaluate(predictor, on: examples)
            results.append(evaluation)
            table.add([
                label, percent(evaluation.accuracy), String(format: "%.3f", evaluation.macroF1),
                String(format: "%.1f", evaluation.meanAbsoluteError),
            ])
        }
        print(table.render())
        return results
    }

    private func printBucketShares(_ examples: [TrainingExample], buckets: BucketScheme, title: String) {
        var counts = [Int](repeating: 0, count: buckets.count)
        for example in examples { counts[buckets.bucket(of: example.outputTokens)] += 1 }
        let shares = counts.indices.map { k in
            "\(buckets.label(of: k)) \(counts[k]) (\(percent(Double(counts[k]) / Double(max(1, examples.count)))))"
        }
        print("\(title): " + shares.joined(separator: ", "))
    }

    private func confusionTable(_ confusion: ConfusionMatrix, buckets: BucketScheme) -> String {
        let labels = (0..<buckets.count).map(buckets.label(of:))
        var table = TextTable(header: ["true \\ predicted"] + labels + ["recall"])
        for k in 0..<buckets.count {
            table.add([labels[k]] + confusion.counts[k].map(String.init) + [percent(confusion.recall(k))])
        }
        table.add(["precision"] + (0..<buckets.count).map { percent(confusion.precision($0)) } + [""])
        return table.render()
    }

    private func perGenerator(_ model: HashedNGramPredictor, rows: [AlpacaEvalFile.Row]) -> String {
        var byGenerator: [String: [TrainingExample]] = [:]
        for row in rows { byGenerator[row.generator, default: []].append(row.example) }
        var table = TextTable(header: ["generator", "accuracy", "MAE", "mean true", "mean estimate"])
        for (generator, examples) in byGenerator.sorted(by: { $0.key < $1.key }) {
            let evaluation = PredictorEvaluation.evaluate(model, on: examples)
            let meanTrue = Double(examples.reduce(0) { $0 + $1.outputTokens }) / Double(examples.count)
            let meanEstimate = examples.reduce(0.0) { $0 + model.predict($1.features).tokens } / Double(examples.count)
            table.add([
                generator, percent(evaluation.accuracy), String(format: "%.1f", evaluation.meanAbsoluteError),
                String(format: "%.1f", meanTrue), String(format: "%.1f", meanEstimate),
            ])
        }
        return table.render()
    }

    /// Times `predict` on the held-out prompts and on prompts of about 1,000 tokens (a release build gives the
    /// figures that matter; a debug build is many times slower).
    private func predictionCost(_ model: HashedNGramPredictor, prompts: [PromptFeatures]) -> String {
        let long = prompts.filter { (900...1100).contains($0.promptTokens) && $0.text != nil }
        func microseconds(_ sample: [PromptFeatures]) -> (Double, Double) {
            guard !sample.isEmpty else { return (0, 0) }
            let repeats = max(1, 20_000 / sample.count)
            var checksum = 0
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                for _ in 0..<repeats { for prompt in sample { checksum &+= model.predict(prompt).bucket } }
            }
            let seconds = elapsed.inSeconds
            let bytes = sample.reduce(0) { $0 + ($1.text?.utf8.count ?? 0) } / sample.count
            precondition(checksum >= 0, "unreachable: \(checksum)")
            return (seconds * 1e6 / Double(repeats * sample.count), Double(bytes))
        }
        #if DEBUG
        let build = "debug build"
        #else
        let build = "release build"
        #endif
        let all = microseconds(prompts)
        guard !long.isEmpty else {
            return String(format: "predict cost (%@): %.2f µs per held-out prompt (no text)", build, all.0)
        }
        let thousand = microseconds(long)
        return String(
            format: "predict cost (%@): %.2f µs per held-out prompt (mean %.0f bytes); "
                + "%.2f µs per prompt of 900-1,100 tokens (%d prompts, mean %.0f bytes)",
            build,
            all.0,
            all.1,
            thousand.0,
            long.count,
            thousand.1
        )
    }

    private func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}

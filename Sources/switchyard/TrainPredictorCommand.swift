import ArgumentParser
import Foundation
import Routing
import SwitchyardCore
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

    @Option(help: "Training data: ShareGPT JSONL, an Azure CSV, or a directory holding either (see the overview).")
    var data = "../shared/data"

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
        guard parsedBounds() != nil else {
            throw ValidationError("--bounds must be ascending positive integers such as 256,2048, got '\(bounds)'.")
        }
        if let testFraction, !(testFraction > 0 && testFraction < 1) {
            throw ValidationError("--test-fraction must be between 0 and 1, got \(testFraction).")
        }
        guard (8...24).contains(hashBits) else {
            throw ValidationError("--hash-bits must be in 8...24, got \(hashBits).")
        }
        _ = try PredictorDataSource.resolve(data)
    }

    func run() async throws {
        guard let bounds = parsedBounds() else { return }
        let buckets = BucketScheme(bounds: bounds)
        let source = try PredictorDataSource.resolve(data)
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
                data: data,
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

    private func parsedBounds() -> [Int]? {
        let values = bounds.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        let ints = values.compactMap { $0 }
        return zip(ints, ints.dropFirst()).allSatisfy { $0 < $1 } ? ints : nil
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

/// Where `train predictor` reads its examples, and how it splits them into training and test sets.
enum PredictorDataSource {
    case shareGPT(path: String)
    case azure(files: [(path: String, hint: String)])

    static let shareGPTFile = "sharegpt_v3_first_turn_pairs.jsonl"

    var hasText: Bool {
        if case .shareGPT = self { return true }
        return false
    }

    /// Resolves `--data`: a file by its extension, a directory by what it holds.
    static func resolve(_ path: String) throws -> PredictorDataSource {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("--data: no file or directory at \(path).")
        }
        if !isDirectory.boolValue {
            return path.lowercased().hasSuffix(".csv")
                ? .azure(files: [(path, hint(forAzureFile: path))]) : .shareGPT(path: path)
        }
        for candidate in ["\(path)/\(shareGPTFile)", "\(path)/sharegpt/\(shareGPTFile)"]
        where manager.fileExists(atPath: candidate) {
            return .shareGPT(path: candidate)
        }
        let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
        let traces = names.filter { $0.hasPrefix("AzureLLMInferenceTrace_") && $0.hasSuffix(".csv") }.sorted()
        guard !traces.isEmpty else {
            throw ValidationError(
                "--data: \(path) holds neither \(shareGPTFile) (or sharegpt/) nor AzureLLMInferenceTrace_*.csv files."
            )
        }
        return .azure(files: traces.map { ("\(path)/\($0)", hint(forAzureFile: $0)) })
    }

    /// The service of an Azure trace from its file name: `code`, `conv`, or the name's last `_` part.
    static func hint(forAzureFile path: String) -> String {
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent.lowercased()
        if name.contains("code") { return "code" }
        if name.contains("conv") { return "conv" }
        return name.split(separator: "_").last.map(String.init) ?? name
    }

    /// Loads and splits the examples.
    func load(testFraction: Double?, seed: UInt64) throws -> PredictorSplit {
        switch self {
        case .shareGPT(let path):
            let records = try ShareGPTReader.loadRecords(path: path)
            let examples = records.map { record in
                TrainingExample(
                    features: PromptFeatures(promptTokens: max(1, record.promptTokens), text: record.prompt),
                    outputTokens: record.responseTokens,
                    group: Self.conversation(record.id)
                )
            }
            let fraction = testFraction ?? 0.2
            let (train, test) = GroupSplit.split(examples, testFraction: fraction, seed: seed)
            let groups = Set(examples.map(\.group)).count
            return PredictorSplit(
                train: train,
                test: test,
                summary: "data: \(path): \(examples.count) prompts in \(groups) conversations; split by conversation "
                    + "(\(percent(fraction)) held out, seed \(seed)): \(train.count) train, \(test.count) test"
            )
        case .azure(let files):
            let fraction = testFraction ?? 0.3
            var train: [TrainingExample] = []
            var test: [TrainingExample] = []
            var parts: [String] = []
            for (path, hint) in files {
                let requests = try AzureTraceReader.load(path: path, hint: hint)
                let cut = Int((Double(requests.count) * (1 - fraction)).rounded())
                for (index, request) in requests.enumerated() {
                    let example = TrainingExample(
                        features: PromptFeatures(promptTokens: request.promptTokens, hint: hint),
                        outputTokens: request.outputTokens,
                        group: "\(hint)-\(request.id)"
                    )
                    if index < cut { train.append(example) } else { test.append(example) }
                }
                parts.append("\(path) (\(hint)): \(requests.count) requests, first \(cut) by time train")
            }
            return PredictorSplit(
                train: train,
                test: test,
                summary: "data: " + parts.joined(separator: "; ")
                    + "\nsplit by time (last \(percent(fraction)) of each trace held out): "
                    + "\(train.count) train, \(test.count) test"
            )
        }
    }

    /// The conversation of a ShareGPT id: ShareGPT V3 cuts long conversations into parts `<id>_0`, `<id>_1`, ...,
    /// and the parts of one conversation must stay on one side of the split.
    static func conversation(_ id: String) -> String {
        guard let underscore = id.lastIndex(of: "_") else { return id }
        return String(id[..<underscore])
    }

    private func percent(_ value: Double) -> String { String(format: "%.0f%%", value * 100) }
}

/// Training and test examples, and a line that says where they came from.
struct PredictorSplit {
    var train: [TrainingExample]
    var test: [TrainingExample]
    var summary: String
}

/// Reads the AlpacaEval model-outputs JSONL: one response per line, labelled by its Gemma 3 token count.
///
/// The generator is kept beside each example for the per-generator table, not as its hint: the ShareGPT model never
/// saw generators, and every generator answers the same instruction, so the examples carry no hint.
enum AlpacaEvalFile {
    /// One response: the example and the model that wrote it.
    struct Row {
        var generator: String
        var example: TrainingExample
    }

    private struct Line: Decodable {
        var instruction: String
        var generator: String
        var instructionTokens: Int?
        var outputTokens: Int

        enum CodingKeys: String, CodingKey {
            case instruction, generator
            case instructionTokens = "instruction_tokens_gemma3"
            case outputTokens = "output_tokens_gemma3"
        }
    }

    /// The rows of the file; each example's group is its instruction.
    static func load(path: String) throws -> [Row] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("--alpaca: cannot read \(path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        var rows: [Row] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            let row: Line
            do { row = try decoder.decode(Line.self, from: Data(line)) } catch {
                throw ValidationError("--alpaca: \(path) line \(number + 1) is not an AlpacaEval row: \(error)")
            }
            let example = TrainingExample(
                features: PromptFeatures(
                    promptTokens: max(1, row.instructionTokens ?? TokenEstimator.estimate(row.instruction)),
                    text: row.instruction
                ),
                outputTokens: row.outputTokens,
                group: row.instruction
            )
            rows.append(Row(generator: row.generator, example: example))
        }
        return rows
    }
}

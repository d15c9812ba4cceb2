import Foundation
import Routing
import SwitchyardCore
import Workload

/// Where `train predictor` reads its examples, and how it splits them into training and test sets.
public enum PredictorDataSource: Sendable {
    case shareGPT(path: String)
    case azure(files: [AzureFile])

    /// An Azure trace file and its service hint.
    public struct AzureFile: Sendable, Equatable {
        public var path: String
        public var hint: String
        public init(path: String, hint: String) {
            self.path = path
            self.hint = hint
        }
    }

    public static let shareGPTFile = "sharegpt_v3_first_turn_pairs.jsonl"

    /// True when the examples carry prompt text (ShareGPT), not only token counts (Azure).
    public var hasText: Bool {
        if case .shareGPT = self { return true }
        return false
    }

    /// Resolves `--data`: a file by its extension, a directory by what it holds.
    /// - Throws: ``TrainingDataError`` naming the path when it holds neither.
    public static func resolve(_ path: String) throws -> PredictorDataSource {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TrainingDataError("--data: no file or directory at \(path).")
        }
        if !isDirectory.boolValue {
            return path.lowercased().hasSuffix(".csv")
                ? .azure(files: [AzureFile(path: path, hint: hint(forAzureFile: path))]) : .shareGPT(path: path)
        }
        for candidate in ["\(path)/\(shareGPTFile)", "\(path)/sharegpt/\(shareGPTFile)"]
        where manager.fileExists(atPath: candidate) {
            return .shareGPT(path: candidate)
        }
        let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
        let traces = names.filter { $0.hasPrefix("AzureLLMInferenceTrace_") && $0.hasSuffix(".csv") }.sorted()
        guard !traces.isEmpty else {
            throw TrainingDataError(
                "--data: \(path) holds neither \(shareGPTFile) (or sharegpt/) nor AzureLLMInferenceTrace_*.csv files."
            )
        }
        return .azure(files: traces.map { AzureFile(path: "\(path)/\($0)", hint: hint(forAzureFile: $0)) })
    }

    /// The service of an Azure trace from its file name: `code`, `conv`, or the name's last `_` part.
    public static func hint(forAzureFile path: String) -> String {
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent.lowercased()
        if name.contains("code") { return "code" }
        if name.contains("conv") { return "conv" }
        return name.split(separator: "_").last.map(String.init) ?? name
    }

    /// Loads and splits the examples.
    /// - Throws: what the trace and ShareGPT readers throw, naming the file and line.
    public func load(testFraction: Double?, seed: UInt64) throws -> PredictorSplit {
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
            for file in files {
                let (path, hint) = (file.path, file.hint)
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
    public static func conversation(_ id: String) -> String {
        guard let underscore = id.lastIndex(of: "_") else { return id }
        return String(id[..<underscore])
    }

    private func percent(_ value: Double) -> String { String(format: "%.0f%%", value * 100) }
}

/// Training and test examples, and a line that says where they came from.
public struct PredictorSplit: Sendable {
    public var train: [TrainingExample]
    public var test: [TrainingExample]
    public var summary: String
}

/// Training data that cannot be used, in one sentence naming the flag, the file and the line.
public struct TrainingDataError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

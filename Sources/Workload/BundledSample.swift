import Foundation

/// The small trace samples shipped in the Workload module's `Samples` resource folder (see `Samples/NOTICE.md` for
/// their sources and licenses), and the names of the full files that replace them when a data directory has them.
enum BundledSample: String, CaseIterable {
    case azureConv = "azure_conv_sample.csv"
    case azureCode = "azure_code_sample.csv"
    case sharegpt = "sharegpt_sample.jsonl"
    case vidur = "vidur_arxiv_sample.csv"
    case mooncake = "mooncake_conversation_sample.jsonl"

    /// Paths, relative to a data directory, where the full file may be: directly inside it, or in the per-dataset
    /// subfolder used by the shared data folder (`azure/`, `sharegpt/`, `vidur/`, `mooncake/`).
    var fullFileCandidates: [String] {
        switch self {
        case .azureConv: ["AzureLLMInferenceTrace_conv.csv", "azure/AzureLLMInferenceTrace_conv.csv"]
        case .azureCode: ["AzureLLMInferenceTrace_code.csv", "azure/AzureLLMInferenceTrace_code.csv"]
        case .sharegpt: ["sharegpt_v3_first_turn_pairs.jsonl", "sharegpt/sharegpt_v3_first_turn_pairs.jsonl"]
        case .vidur: ["arxiv_summarization_llama2_tokens.csv", "vidur/arxiv_summarization_llama2_tokens.csv"]
        case .mooncake: ["conversation_trace.jsonl", "mooncake/conversation_trace.jsonl"]
        }
    }

    /// The first full file found in `directory`, if any.
    func fullFile(in directory: String) -> String? {
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        return
            fullFileCandidates
            .map { base.appendingPathComponent($0).path }
            .first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// The sample's location inside the module's resource bundle.
    var url: URL? {
        if let folder = Bundle.module.resourceURL?.appendingPathComponent("Samples", isDirectory: true) {
            let url = folder.appendingPathComponent(rawValue)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        let file = URL(fileURLWithPath: rawValue)
        return Bundle.module.url(
            forResource: file.deletingPathExtension().lastPathComponent,
            withExtension: file.pathExtension,
            subdirectory: "Samples"
        )
    }

    /// The sample's bytes.
    /// - Throws: ``WorkloadError`` when the resource is missing (a broken build or install).
    func data() throws -> Data {
        guard let url, let data = try? Data(contentsOf: url) else {
            throw WorkloadError.missingSample(rawValue)
        }
        return data
    }
}

/// The bundled ShareGPT sample's prompts, for the real-mode load generator.
public enum BundledPrompts {
    /// The sample's records (prompt text with token estimates).
    /// - Throws: ``WorkloadError`` when the bundled file is missing or unreadable.
    public static func load() throws -> [ShareGPTRecord] {
        guard let url = BundledSample.sharegpt.url else {
            throw WorkloadError.missingSample(BundledSample.sharegpt.rawValue)
        }
        return try ShareGPTReader.loadRecords(path: url.path)
    }

    /// The sample's prompts as words, read once; empty when the sample is missing (callers then use their own
    /// fallback text).
    public static let words: [String] = {
        let prompts = (try? load().map(\.prompt)) ?? []
        return prompts.joined(separator: "\n").split(whereSeparator: \.isWhitespace).map(String.init)
    }()
}

import Foundation

/// The shared data folder with the full traces, for tests that run only where it exists.
///
/// Its path comes from `SWITCHYARD_DATA` (the variable the CLI reads), defaulting to `../shared/data` beside the
/// package.
enum SharedData {
    static let directory =
        ProcessInfo.processInfo.environment["SWITCHYARD_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path

    static func path(_ relative: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(relative).path
    }

    static func has(_ relative: String) -> Bool {
        FileManager.default.isReadableFile(atPath: path(relative))
    }

    static let azureConv = "azure/AzureLLMInferenceTrace_conv.csv"
    static let azureCode = "azure/AzureLLMInferenceTrace_code.csv"
    static let sharegpt = "sharegpt/sharegpt_v3_first_turn_pairs.jsonl"
    static let vidur = "vidur/arxiv_summarization_llama2_tokens.csv"
}

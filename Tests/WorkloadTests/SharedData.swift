import Foundation

/// The shared data folder with the full traces, for tests that run only where it exists.
///
/// Its path comes from `SWITCHYARD_SHARED_DATA`, defaulting to `/work/shared/data`.
enum SharedData {
    static let directory =
        ProcessInfo.processInfo.environment["SWITCHYARD_SHARED_DATA"] ?? "/work/shared/data"

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

import Foundation
import SwitchyardCore

/// Reads Vidur's processed request traces (Agrawal et al., "Vidur: a large-scale simulation framework for LLM
/// inference", MLSys 2024), such as `arxiv_summarization_stats_llama2_tokenizer_filtered_v2.csv`.
///
/// The CSV needs the columns `num_prefill_tokens` and `num_decode_tokens`; others (`num_total_tokens`, `pd_ratio`)
/// are ignored. Sizes are clamped to at least 1 token. The file has no timestamps, so every request arrives at 0
/// and the caller assigns arrival times.
public enum VidurTraceReader {
    static let columns = ["num_prefill_tokens", "num_decode_tokens"]

    /// Parses a trace held in memory.
    /// - Parameters:
    ///   - data: the CSV file's bytes (UTF-8).
    ///   - fileName: the name used in error messages.
    ///   - hint: the hint given to every request.
    ///   - limit: read at most this many data rows, the first ones; nil reads all.
    /// - Returns: the requests in file order, ids 0..<n, all arriving at 0.
    /// - Throws: ``WorkloadError`` naming the line and field of the first malformed row.
    public static func parse(_ data: Data, fileName: String, hint: String?, limit: Int? = nil) throws -> [Request] {
        try LineScanner.withBytes(of: data) { try parse(bytes: $0, fileName: fileName, hint: hint, limit: limit) }
    }

    /// Parses a trace held in a string, exactly as the `Data` overload does.
    public static func parse(_ text: String, fileName: String, hint: String?, limit: Int? = nil) throws -> [Request] {
        try LineScanner.withBytes(of: text) { try parse(bytes: $0, fileName: fileName, hint: hint, limit: limit) }
    }

    /// Reads and parses a trace file.
    /// - Throws: ``WorkloadError`` when the file cannot be read or is malformed.
    public static func load(path: String, hint: String?, limit: Int? = nil) throws -> [Request] {
        try parse(TraceFile.read(path), fileName: path, hint: hint, limit: limit)
    }

    private static func parse(
        bytes: UnsafeBufferPointer<UInt8>,
        fileName: String,
        hint: String?,
        limit: Int?
    ) throws -> [Request] {
        var requests: [Request] = []
        try CSVScanner.scan(bytes, file: fileName, required: columns, limit: limit) { row in
            let prompt = try row.nonNegativeInteger(0)
            let output = try row.nonNegativeInteger(1)
            requests.append(
                Request(
                    id: RequestID(requests.count),
                    arrival: 0,
                    promptTokens: max(1, prompt),
                    outputTokens: max(1, output),
                    hint: hint
                )
            )
        }
        return requests
    }
}

import Foundation
import SwitchyardCore

/// Reads the Azure LLM inference traces 2023 (Patel et al., "Splitwise", ISCA 2024): CSV files with the header
/// `TIMESTAMP,ContextTokens,GeneratedTokens`.
///
/// `TIMESTAMP` is a naive wall clock such as `2023-11-16 18:17:03.9799600`; a request's arrival is its offset in
/// seconds from the earliest timestamp of the rows read (the first row, since the files are sorted). Prompt and
/// output sizes come from `ContextTokens` and `GeneratedTokens`; both are clamped to at least 1 token, because an
/// engine cannot serve an empty prompt or stop before the first token (the 2023 files hold no zeros; the clamp
/// guards other exports). Extra columns are ignored.
public enum AzureTraceReader {
    static let columns = ["TIMESTAMP", "ContextTokens", "GeneratedTokens"]

    /// Parses a trace held in memory.
    /// - Parameters:
    ///   - data: the CSV file's bytes (UTF-8).
    ///   - fileName: the name used in error messages.
    ///   - hint: the hint given to every request, for example `conv` or `code`.
    ///   - limit: read at most this many data rows, the first ones of the file; nil reads all.
    /// - Returns: the requests sorted by arrival (ties keep file order), with ids 0..<n in that order.
    /// - Throws: ``WorkloadError`` naming the line and field of the first malformed row.
    /// - Complexity: O(n) for a sorted file; one pass over the bytes.
    public static func parse(
        _ data: Data,
        fileName: String,
        hint: String?,
        limit: Int? = nil
    ) throws -> [Request] {
        try LineScanner.withBytes(of: data) { try parse(bytes: $0, fileName: fileName, hint: hint, limit: limit) }
    }

    /// Parses a trace held in a string, exactly as the `Data` overload does.
    public static func parse(
        _ text: String,
        fileName: String,
        hint: String?,
        limit: Int? = nil
    ) throws -> [Request] {
        try LineScanner.withBytes(of: text) { try parse(bytes: $0, fileName: fileName, hint: hint, limit: limit) }
    }

    /// Reads and parses a trace file.
    /// - Parameters:
    ///   - path: the file to read; error messages name it as given.
    ///   - hint: the hint given to every request.
    ///   - limit: read at most this many data rows.
    /// - Returns: the requests sorted by arrival, ids 0..<n.
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
        var stamps: [TraceTimestamp] = []
        var sizes: [(prompt: Int, output: Int)] = []
        try CSVScanner.scan(bytes, file: fileName, required: columns, limit: limit) { row in
            guard let stamp = TraceTimestamp.parse(row.scanner.bytes, row.range(0)) else {
                throw WorkloadError.notTimestamp(fileName, line: row.line, field: columns[0], value: row.text(0))
            }
            let prompt = try row.nonNegativeInteger(1)
            let output = try row.nonNegativeInteger(2)
            stamps.append(stamp)
            sizes.append((max(1, prompt), max(1, output)))
        }
        guard let origin = stamps.min() else { return [] }
        var order = Array(stamps.indices)
        if zip(stamps, stamps.dropFirst()).contains(where: { $1 < $0 }) {
            order.sort { (stamps[$0], $0) < (stamps[$1], $1) }
        }
        return order.enumerated().map { position, index in
            Request(
                id: RequestID(position),
                arrival: stamps[index].seconds(since: origin),
                promptTokens: sizes[index].prompt,
                outputTokens: sizes[index].output,
                hint: hint
            )
        }
    }
}

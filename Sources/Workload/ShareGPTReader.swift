import Foundation
import SwitchyardCore

/// Reads ShareGPT first-turn pairs from JSON Lines: one object per line with `id`, `prompt`, and optionally
/// `response`, `prompt_tokens_gemma3` and `response_tokens_gemma3` (other fields are ignored).
///
/// A missing or null token count is estimated with ``TokenEstimator`` from the prompt or response text; a reply
/// with neither a count nor a text is an error. The file has no timestamps, so every request arrives at 0 and the
/// caller assigns arrival times (for example with an ``ArrivalProcess``).
public enum ShareGPTReader {
    /// The records of a JSONL file held in memory, in file order. Blank lines are skipped.
    /// - Parameters:
    ///   - data: the file's bytes (UTF-8).
    ///   - fileName: the name used in error messages.
    ///   - limit: read at most this many records, the first ones; nil reads all.
    /// - Returns: one record per non-blank line.
    /// - Throws: ``WorkloadError`` naming the line (and field) of the first malformed line.
    public static func records(_ data: Data, fileName: String, limit: Int? = nil) throws -> [ShareGPTRecord] {
        try LineScanner.withBytes(of: data) { try records(bytes: $0, fileName: fileName, limit: limit) }
    }

    /// The records of a JSONL text, exactly as the `Data` overload reads them.
    public static func records(_ text: String, fileName: String, limit: Int? = nil) throws -> [ShareGPTRecord] {
        try LineScanner.withBytes(of: text) { try records(bytes: $0, fileName: fileName, limit: limit) }
    }

    /// Reads the records of a JSONL file.
    /// - Throws: ``WorkloadError`` when the file cannot be read or is malformed.
    public static func loadRecords(path: String, limit: Int? = nil) throws -> [ShareGPTRecord] {
        try records(TraceFile.read(path), fileName: path, limit: limit)
    }

    /// Turns records into requests: ids 0..<n in record order, arrival 0, the prompt as text, and token counts of at
    /// least 1.
    public static func requests(from records: [ShareGPTRecord], hint: String?) -> [Request] {
        records.enumerated().map { index, record in
            Request(
                id: RequestID(index),
                arrival: 0,
                promptTokens: max(1, record.promptTokens),
                outputTokens: max(1, record.responseTokens),
                text: record.prompt,
                hint: hint
            )
        }
    }

    /// The requests of a JSONL file held in memory; see ``records(_:fileName:limit:)`` and
    /// ``requests(from:hint:)``.
    public static func parse(_ data: Data, fileName: String, hint: String?, limit: Int? = nil) throws -> [Request] {
        requests(from: try records(data, fileName: fileName, limit: limit), hint: hint)
    }

    /// The requests of a JSONL text; see ``records(_:fileName:limit:)`` and ``requests(from:hint:)``.
    public static func parse(_ text: String, fileName: String, hint: String?, limit: Int? = nil) throws -> [Request] {
        requests(from: try records(text, fileName: fileName, limit: limit), hint: hint)
    }

    /// Reads the requests of a JSONL file.
    /// - Throws: ``WorkloadError`` when the file cannot be read or is malformed.
    public static func load(path: String, hint: String?, limit: Int? = nil) throws -> [Request] {
        requests(from: try loadRecords(path: path, limit: limit), hint: hint)
    }

    /// One line as it is stored.
    private struct Line: Decodable {
        var id: String
        var prompt: String
        var response: String?
        var promptTokens: Int?
        var responseTokens: Int?

        enum CodingKeys: String, CodingKey {
            case id, prompt, response
            case promptTokens = "prompt_tokens_gemma3"
            case responseTokens = "response_tokens_gemma3"
        }
    }

    private static func records(
        bytes: UnsafeBufferPointer<UInt8>,
        fileName: String,
        limit: Int?
    ) throws -> [ShareGPTRecord] {
        let decoder = JSONDecoder()
        var lines = LineScanner(bytes)
        var result: [ShareGPTRecord] = []
        var sawContent = false
        while let range = lines.next() {
            if let limit, result.count >= limit { break }
            if lines.isBlank(range) { continue }
            sawContent = true
            let line: Line
            do {
                line = try decoder.decode(Line.self, from: Data(UnsafeBufferPointer(rebasing: bytes[range])))
            } catch let error as DecodingError {
                throw describe(error, file: fileName, line: lines.lineNumber)
            }
            result.append(try record(line, file: fileName, lineNumber: lines.lineNumber))
        }
        if !sawContent, limit ?? 1 > 0 {
            throw WorkloadError.emptyFile(fileName, expected: "one JSON object per line")
        }
        return result
    }

    private static func record(_ line: Line, file: String, lineNumber: Int) throws -> ShareGPTRecord {
        func count(_ value: Int?, field: Line.CodingKeys, text: String?) throws -> Int {
            if let value {
                guard value >= 0 else {
                    throw WorkloadError.notNonNegativeInteger(
                        file,
                        line: lineNumber,
                        field: field.rawValue,
                        value: String(value)
                    )
                }
                return value
            }
            guard let text else {
                throw WorkloadError.missingField(file, line: lineNumber, field: field.rawValue)
            }
            return TokenEstimator.estimate(text)
        }
        return ShareGPTRecord(
            id: line.id,
            prompt: line.prompt,
            response: line.response,
            promptTokens: try count(line.promptTokens, field: .promptTokens, text: line.prompt),
            responseTokens: try count(line.responseTokens, field: .responseTokens, text: line.response)
        )
    }

    /// Maps a decoding failure to an error that names the line and, when known, the field.
    private static func describe(_ error: DecodingError, file: String, line: Int) -> WorkloadError {
        switch error {
        case .keyNotFound(let key, _):
            return WorkloadError.missingField(file, line: line, field: key.stringValue)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            guard let field = context.codingPath.first?.stringValue else {
                return WorkloadError.notJSONObject(file, line: line, detail: "the line is not an object")
            }
            let expected = type == String.self ? "a string" : "a non-negative integer"
            return WorkloadError.wrongType(file, line: line, field: field, expected: expected)
        case .dataCorrupted(let context):
            guard let field = context.codingPath.first?.stringValue else {
                return WorkloadError.notJSONObject(file, line: line, detail: "the line is not valid JSON")
            }
            return WorkloadError.wrongType(file, line: line, field: field, expected: "a non-negative integer")
        @unknown default:
            return WorkloadError.notJSONObject(file, line: line, detail: "the line could not be decoded")
        }
    }
}

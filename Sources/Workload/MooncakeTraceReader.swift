import Foundation
import SwitchyardCore

/// Reads the Mooncake FAST'25 trace format: JSON Lines with `timestamp` (milliseconds from the start),
/// `input_length` and `output_length` (tokens) and `hash_ids` (the prompt's prefix block hashes, one per 512 tokens,
/// the last block possibly partial). Two requests whose `hash_ids` share a leading run can reuse that many blocks of
/// KV cache; the ids become each request's ``PrefixHashes``. Arrivals are the timestamps in seconds.
public enum MooncakeTraceReader {
    /// Tokens per hashed block in the Mooncake traces.
    public static let blockTokens = 512

    /// The requests of a JSONL file held in memory, sorted by arrival (ties in file order), ids 0..<n in that
    /// order. Blank lines are skipped.
    /// - Parameters:
    ///   - data: the file's bytes (UTF-8).
    ///   - fileName: the name used in error messages.
    ///   - hint: the requests' hint.
    ///   - limit: read at most this many lines' requests, the first ones; nil reads all.
    /// - Returns: the requests.
    /// - Throws: ``WorkloadError`` naming the line and field of the first malformed line.
    public static func parse(
        _ data: Data,
        fileName: String,
        hint: String? = nil,
        limit: Int? = nil
    ) throws
        -> [Request]
    {
        try LineScanner.withBytes(of: data) { try parse(bytes: $0, fileName: fileName, hint: hint, limit: limit) }
    }

    /// The requests of a JSONL text, exactly as the `Data` overload reads them.
    public static func parse(
        _ text: String,
        fileName: String,
        hint: String? = nil,
        limit: Int? = nil
    ) throws
        -> [Request]
    {
        try LineScanner.withBytes(of: text) { try parse(bytes: $0, fileName: fileName, hint: hint, limit: limit) }
    }

    /// Reads the requests of a trace file.
    /// - Throws: ``WorkloadError`` when the file cannot be read or is malformed.
    public static func load(path: String, hint: String? = nil, limit: Int? = nil) throws -> [Request] {
        try parse(TraceFile.read(path), fileName: path, hint: hint, limit: limit)
    }

    private struct Line: Decodable {
        var timestamp: Double
        var inputLength: Int
        var outputLength: Int
        var hashIDs: [Int]

        enum CodingKeys: String, CodingKey {
            case timestamp
            case inputLength = "input_length"
            case outputLength = "output_length"
            case hashIDs = "hash_ids"
        }
    }

    private static func parse(
        bytes: UnsafeBufferPointer<UInt8>,
        fileName: String,
        hint: String?,
        limit: Int?
    ) throws -> [Request] {
        let decoder = JSONDecoder()
        var lines = LineScanner(bytes)
        var requests: [Request] = []
        var sawContent = false
        while let range = lines.next() {
            if let limit, requests.count >= limit { break }
            if lines.isBlank(range) { continue }
            sawContent = true
            let number = lines.lineNumber
            let line: Line
            do {
                line = try decoder.decode(Line.self, from: Data(UnsafeBufferPointer(rebasing: bytes[range])))
            } catch let error as DecodingError {
                throw describe(error, file: fileName, line: number)
            }
            func bad(_ field: Line.CodingKeys, _ value: String) -> WorkloadError {
                WorkloadError.notNonNegativeInteger(fileName, line: number, field: field.rawValue, value: value)
            }
            guard line.timestamp.isFinite, line.timestamp >= 0 else { throw bad(.timestamp, "\(line.timestamp)") }
            guard line.inputLength >= 1 else { throw bad(.inputLength, "\(line.inputLength)") }
            guard line.outputLength >= 0 else { throw bad(.outputLength, "\(line.outputLength)") }
            if let negative = line.hashIDs.first(where: { $0 < 0 }) { throw bad(.hashIDs, "\(negative)") }
            let needed = (line.inputLength + blockTokens - 1) / blockTokens
            guard line.hashIDs.count >= needed || line.hashIDs.isEmpty else {
                throw WorkloadError.wrongType(
                    fileName,
                    line: number,
                    field: Line.CodingKeys.hashIDs.rawValue,
                    expected: "\(needed) block hashes for \(line.inputLength) input tokens, found \(line.hashIDs.count)"
                )
            }
            requests.append(
                Request(
                    id: RequestID(requests.count),
                    arrival: line.timestamp / 1000,
                    promptTokens: line.inputLength,
                    outputTokens: max(1, line.outputLength),
                    hint: hint,
                    prefix: line.hashIDs.isEmpty
                        ? nil
                        : PrefixHashes(blockTokens: blockTokens, hashes: line.hashIDs.map { UInt64($0) })
                )
            )
        }
        if !sawContent, limit ?? 1 > 0 {
            throw WorkloadError.emptyFile(fileName, expected: "one JSON object per line")
        }
        // The trace is in timestamp order; a stable sort keeps it so and fixes a file that is not.
        let sorted = requests.enumerated().sorted { ($0.element.arrival, $0.offset) < ($1.element.arrival, $1.offset) }
        return sorted.enumerated().map { index, element in
            var request = element.element
            request.id = RequestID(index)
            return request
        }
    }

    /// Maps a decoding failure to an error that names the line and, when known, the field.
    private static func describe(_ error: DecodingError, file: String, line: Int) -> WorkloadError {
        switch error {
        case .keyNotFound(let key, _):
            return WorkloadError.missingField(file, line: line, field: key.stringValue)
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            guard let field = context.codingPath.first?.stringValue else {
                return WorkloadError.notJSONObject(file, line: line, detail: "the line is not valid JSON")
            }
            let expected =
                field == Line.CodingKeys.hashIDs.rawValue
                ? "a list of non-negative integers" : "a non-negative number"
            return WorkloadError.wrongType(file, line: line, field: field, expected: expected)
        @unknown default:
            return WorkloadError.notJSONObject(file, line: line, detail: "the line could not be decoded")
        }
    }
}

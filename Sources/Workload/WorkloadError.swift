/// Why a trace, a sample or a workload spec could not be read.
///
/// The ``description`` is a full sentence for the user that names the file, the 1-based line and the field, or the
/// spec, for example `azure_conv.csv line 17, field ContextTokens: 'abc' is not a non-negative integer.`
public struct WorkloadError: Error, CustomStringConvertible, Equatable, Sendable {
    private enum Code: Equatable, Sendable {
        case emptyFile(expected: String)
        case noDataRows
        case missingColumn(String, found: String)
        case fieldCount(expected: Int, found: Int)
        case notNonNegativeInteger(String)
        case notTimestamp(String)
        case notJSONObject(String)
        case missingField
        case wrongType(expected: String)
        case unreadable(String)
        case missingSample
        case badSpec(String)
        case badArrivalParameter(Double)
    }

    private let code: Code
    /// The file (as named to the reader) or, for a spec error, the spec as typed.
    public let subject: String
    /// The 1-based line of the file, when the error is about one line.
    public let line: Int?
    /// The column or JSON field, when the error is about one field.
    public let field: String?

    private init(_ code: Code, subject: String, line: Int? = nil, field: String? = nil) {
        self.code = code
        self.subject = subject
        self.line = line
        self.field = field
    }

    public var description: String {
        var place = subject
        if let line { place += " line \(line)" }
        if let field { place += ", field \(field)" }
        switch code {
        case .emptyFile(let expected):
            return "\(subject) is empty; expected \(expected)."
        case .noDataRows:
            return "\(subject) has a header but no data rows."
        case .missingColumn(let column, let found):
            return "\(place): the header has no column '\(column)' (found '\(Self.clip(found))')."
        case .fieldCount(let expected, let found):
            return "\(place): expected \(expected) comma-separated fields as in the header, found \(found)."
        case .notNonNegativeInteger(let value):
            return "\(place): '\(Self.clip(value))' is not a non-negative integer."
        case .notTimestamp(let value):
            return "\(place): '\(Self.clip(value))' is not a timestamp like '2023-11-16 18:17:03.9799600'."
        case .notJSONObject(let detail):
            return "\(place): not a valid JSON object (\(detail))."
        case .missingField:
            return "\(place): the field is missing."
        case .wrongType(let expected):
            return "\(place): expected \(expected)."
        case .unreadable(let reason):
            // A system reason may end in its own full stop.
            let reason = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
            return "Cannot read '\(subject)': \(reason)."
        case .missingSample:
            return "The bundled sample '\(subject)' is missing from the Workload resources; the build is incomplete."
        case .badSpec(let reason):
            return "Workload spec '\(subject)': \(reason)."
        case .badArrivalParameter(let value):
            return "Arrival process \(subject) must be a positive, finite number, not \(value)."
        }
    }

    /// Shortens a value quoted in a message so one bad line cannot flood the terminal.
    private static func clip(_ value: String) -> String {
        value.count <= 60 ? value : String(value.prefix(57)) + "..."
    }

    static func emptyFile(_ file: String, expected: String) -> WorkloadError {
        WorkloadError(.emptyFile(expected: expected), subject: file)
    }

    static func noDataRows(_ file: String) -> WorkloadError {
        WorkloadError(.noDataRows, subject: file)
    }

    static func missingColumn(_ file: String, line: Int, column: String, found: String) -> WorkloadError {
        WorkloadError(.missingColumn(column, found: found), subject: file, line: line)
    }

    static func fieldCount(_ file: String, line: Int, expected: Int, found: Int) -> WorkloadError {
        WorkloadError(.fieldCount(expected: expected, found: found), subject: file, line: line)
    }

    static func notNonNegativeInteger(_ file: String, line: Int, field: String, value: String) -> WorkloadError {
        WorkloadError(.notNonNegativeInteger(value), subject: file, line: line, field: field)
    }

    static func notTimestamp(_ file: String, line: Int, field: String, value: String) -> WorkloadError {
        WorkloadError(.notTimestamp(value), subject: file, line: line, field: field)
    }

    static func notJSONObject(_ file: String, line: Int, detail: String) -> WorkloadError {
        WorkloadError(.notJSONObject(detail), subject: file, line: line)
    }

    static func missingField(_ file: String, line: Int, field: String) -> WorkloadError {
        WorkloadError(.missingField, subject: file, line: line, field: field)
    }

    static func wrongType(_ file: String, line: Int, field: String, expected: String) -> WorkloadError {
        WorkloadError(.wrongType(expected: expected), subject: file, line: line, field: field)
    }

    static func unreadable(_ path: String, reason: String) -> WorkloadError {
        WorkloadError(.unreadable(reason), subject: path)
    }

    static func missingSample(_ name: String) -> WorkloadError {
        WorkloadError(.missingSample, subject: name)
    }

    static func badArrivalParameter(_ name: String, value: Double) -> WorkloadError {
        WorkloadError(.badArrivalParameter(value), subject: name)
    }

    static func badSpec(_ spec: String, _ reason: String) -> WorkloadError {
        WorkloadError(.badSpec(reason), subject: spec)
    }
}

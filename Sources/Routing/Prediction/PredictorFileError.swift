/// An error reading or writing a length-predictor model file; its description names the file and, when one is at
/// fault, the field.
public struct PredictorFileError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case unreadable(detail: String)
        case unwritable(detail: String)
        case notJSON(detail: String)
        case missingField(String)
        case invalidField(String, reason: String)
        case missingShipped
    }

    private let code: Code
    /// The file, as given by the caller (or the shipped model's name).
    public let file: String

    private init(_ code: Code, file: String) {
        self.code = code
        self.file = file
    }

    static func unreadable(_ file: String, detail: String) -> Self { Self(.unreadable(detail: detail), file: file) }
    static func unwritable(_ file: String, detail: String) -> Self { Self(.unwritable(detail: detail), file: file) }
    static func notJSON(_ file: String, detail: String) -> Self { Self(.notJSON(detail: detail), file: file) }
    static func missingField(_ file: String, field: String) -> Self { Self(.missingField(field), file: file) }
    static func invalidField(_ file: String, field: String, reason: String) -> Self {
        Self(.invalidField(field, reason: reason), file: file)
    }
    static func missingShipped(_ name: String) -> Self { Self(.missingShipped, file: name) }

    /// The field at fault, when there is one (`features.hash_bits`, `hashed_weights`, ...).
    public var field: String? {
        switch code {
        case .missingField(let field), .invalidField(let field, _): field
        default: nil
        }
    }

    public var description: String {
        switch code {
        case .unreadable(let detail): "Cannot read length-predictor model file \(file): \(detail)."
        case .unwritable(let detail): "Cannot write length-predictor model file \(file): \(detail)."
        case .notJSON(let detail): "Length-predictor model file \(file) is not valid JSON: \(detail)."
        case .missingField(let field): "Length-predictor model file \(file): field '\(field)' is missing."
        case .invalidField(let field, let reason):
            "Length-predictor model file \(file): field '\(field)' \(reason)."
        case .missingShipped: "The shipped length-predictor model \(file) is not in the Routing bundle."
        }
    }
}

/// A request body rejected with 400, in words that name the field, as OpenAI's `param`.
public struct OpenAIRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A full sentence.
    public var message: String
    /// The offending field (a path such as `messages[1].content`), or nil when the body as a whole is at fault.
    public var field: String?

    public init(message: String, field: String?) {
        self.message = message
        self.field = field
    }

    public var description: String { message }

    public static func missing(_ field: String) -> Self {
        Self(message: "The request body is missing the required field '\(field)'.", field: field)
    }

    public static func invalid(_ field: String, _ problem: String) -> Self {
        Self(message: "The field '\(field)' \(problem).", field: field)
    }

    /// The error for a body that failed to decode, naming the field when the decoder knows it.
    public init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .missing(path(context.codingPath + [key]))
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            guard !context.codingPath.isEmpty else {
                self.init(message: "The request body must be a JSON object.", field: nil)
                return
            }
            let expected =
                type == CompletionRequestBody.Prompt.self || context.debugDescription.hasPrefix("a ")
                ? context.debugDescription : Self.describe(type)
            self = .invalid(path(context.codingPath), "must be \(expected)")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = context.underlyingError.map { "\($0)" } ?? context.debugDescription
                self.init(message: "The request body is not valid JSON: \(detail).", field: nil)
            } else {
                // A number that is not a whole one where an integer is wanted, for instance.
                let problem =
                    context.debugDescription.contains("number")
                    ? "must be \(Self.describe(Int.self))" : "is malformed: \(context.debugDescription)"
                self = .invalid(path(context.codingPath), problem)
            }
        @unknown default:
            self.init(message: "The request body could not be read: \(error).", field: nil)
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type: "an integer"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}

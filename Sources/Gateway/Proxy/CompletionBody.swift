import Foundation

/// What the gateway reads from an OpenAI-style completion or chat request body. The body itself is forwarded
/// unchanged; only these fields are looked at.
public struct CompletionBody: Sendable, Equatable {
    public enum Endpoint: String, Sendable {
        case completions = "/v1/completions"
        case chat = "/v1/chat/completions"
    }

    /// The `model` field; nil when the client left it out (vLLM and llama.cpp then use their only model).
    public var model: String?
    public var stream: Bool
    /// `stream_options.include_usage`.
    public var includeUsage: Bool
    /// `max_tokens`, or `max_completion_tokens` for chat.
    public var maxTokens: Int?
    /// The prompt text (for chat, the messages' text joined), for the length predictor.
    public var promptText: String
    /// The prompt's token count: given directly for a token-id prompt, else estimated from the text.
    public var promptTokens: Int

    /// Reads `data` as the body of a request to `endpoint`.
    /// - Throws: ``CompletionBodyError`` naming the field that is missing or of the wrong type, or saying the body
    ///   is not a JSON object.
    public static func parse(
        _ data: Data,
        endpoint: Endpoint,
        estimateTokens: (String) -> Int
    ) throws(CompletionBodyError) -> CompletionBody {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw CompletionBodyError(message: "The request body must be a JSON object.", field: nil)
            }
            object = parsed
        } catch let error as CompletionBodyError {
            throw error
        } catch {
            let detail = Self.reason(error)
            throw CompletionBodyError(
                message: "The request body is not valid JSON: \(detail)\(detail.hasSuffix(".") ? "" : ".")",
                field: nil
            )
        }
        var body = CompletionBody(
            model: nil,
            stream: false,
            includeUsage: false,
            maxTokens: nil,
            promptText: "",
            promptTokens: 0
        )
        if let model = object["model"], !(model is NSNull) {
            guard let name = model as? String else { throw .wrongType("model", expected: "a string") }
            body.model = name
        }
        body.stream = try bool(object, "stream") ?? false
        if let options = object["stream_options"], !(options is NSNull) {
            guard let options = options as? [String: Any] else {
                throw .wrongType("stream_options", expected: "an object")
            }
            body.includeUsage = try bool(options, "include_usage", path: "stream_options.include_usage") ?? false
        }
        body.maxTokens = try int(object, "max_tokens")
        if body.maxTokens == nil { body.maxTokens = try int(object, "max_completion_tokens") }
        if let max = body.maxTokens, max < 0 {
            throw CompletionBodyError(message: "max_tokens must not be negative, got \(max).", field: "max_tokens")
        }
        switch endpoint {
        case .completions:
            guard let prompt = object["prompt"], !(prompt is NSNull) else { throw .missing("prompt") }
            if let text = prompt as? String {
                body.promptText = text
                body.promptTokens = estimateTokens(text)
            } else if let texts = prompt as? [String] {
                body.promptText = texts.joined(separator: "\n")
                body.promptTokens = estimateTokens(body.promptText)
            } else if let ids = prompt as? [NSNumber] {
                body.promptTokens = ids.count
            } else {
                throw .wrongType("prompt", expected: "a string, a list of strings or a list of token ids")
            }
        case .chat:
            guard let messages = object["messages"], !(messages is NSNull) else { throw .missing("messages") }
            guard let list = messages as? [Any], !list.isEmpty else {
                throw .wrongType("messages", expected: "a non-empty list of messages")
            }
            var texts: [String] = []
            for (index, item) in list.enumerated() {
                guard let message = item as? [String: Any] else {
                    throw .wrongType("messages[\(index)]", expected: "an object")
                }
                switch message["content"] {
                case let text as String: texts.append(text)
                case let parts as [Any]:
                    for part in parts {
                        if let part = part as? [String: Any], let text = part["text"] as? String { texts.append(text) }
                    }
                case nil, is NSNull: break
                default: throw .wrongType("messages[\(index)].content", expected: "a string or a list of parts")
                }
            }
            body.promptText = texts.joined(separator: "\n")
            // Chat templates add a few tokens per message.
            body.promptTokens = estimateTokens(body.promptText) + 4 * list.count
        }
        return body
    }

    private static func bool(
        _ object: [String: Any],
        _ key: String,
        path: String? = nil
    ) throws(CompletionBodyError)
        -> Bool?
    {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, isBool(number) else {
            throw .wrongType(path ?? key, expected: "true or false")
        }
        return number.boolValue
    }

    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    private static func int(_ object: [String: Any], _ key: String) throws(CompletionBodyError) -> Int? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !isBool(number), number.doubleValue == number.doubleValue.rounded(),
            abs(number.doubleValue) < 1e9
        else { throw .wrongType(key, expected: "an integer") }
        return number.intValue
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }
}

/// A request body the gateway rejects with 400, in OpenAI's error shape.
public struct CompletionBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The offending field, as OpenAI's `param`.
    public var field: String?

    public var description: String { message }

    static func missing(_ field: String) -> Self {
        Self(message: "The field '\(field)' is required.", field: field)
    }

    static func wrongType(_ field: String, expected: String) -> Self {
        Self(message: "The field '\(field)' must be \(expected).", field: field)
    }
}

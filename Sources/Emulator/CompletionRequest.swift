import Foundation
import Workload

/// The two OpenAI endpoints an instance serves.
public enum CompletionEndpoint: Sendable {
    /// `/v1/completions`: a `prompt`, answered with `choices[].text`.
    case completions
    /// `/v1/chat/completions`: `messages`, answered with `choices[].message` (or `delta` when streaming).
    case chat
}

/// The parts of an OpenAI completion or chat request body that the emulator reads.
struct CompletionRequest: Sendable, Equatable {
    var model: String
    /// Estimated prompt tokens (``TokenEstimator``), at least 1.
    var promptTokens: Int
    var maxTokens: Int?
    var stream: Bool
    var includeUsage: Bool

    /// Parses and checks a request body.
    /// - Parameters:
    ///   - data: the body bytes.
    ///   - endpoint: which endpoint it was sent to; decides whether `prompt` or `messages` is required.
    /// - Returns: the request.
    /// - Throws: ``EmulatorError`` naming the missing or malformed field, or saying the body is not JSON.
    static func parse(_ data: Data, endpoint: CompletionEndpoint) throws -> CompletionRequest {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw EmulatorError(decoding: error)
        }
        // vLLM serves its only model when the request names none.
        let model = body.model ?? ""
        let text: String
        var givenTokens: Int? = nil
        switch endpoint {
        case .completions:
            guard let prompt = body.prompt else { throw EmulatorError.missingField("prompt") }
            text = prompt.text
            givenTokens = prompt.tokenIDs
        case .chat:
            guard let messages = body.messages else { throw EmulatorError.missingField("messages") }
            if messages.isEmpty { throw EmulatorError.invalidField("messages", "must hold at least one message") }
            text = messages.map { "\($0.role ?? "user"): \($0.content?.text ?? "")" }.joined(separator: "\n")
        }
        let maxTokens = body.maxCompletionTokens ?? body.maxTokens
        if let maxTokens, maxTokens < 1 {
            throw EmulatorError.invalidField(
                body.maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens",
                "must be at least 1, got \(maxTokens)"
            )
        }
        return CompletionRequest(
            model: model,
            promptTokens: max(1, givenTokens ?? TokenEstimator.estimate(text)),
            maxTokens: maxTokens,
            stream: body.stream ?? false,
            includeUsage: body.streamOptions?.includeUsage ?? false
        )
    }

    private struct Body: Decodable {
        var model: String?
        var prompt: Prompt?
        var messages: [Message]?
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        var stream: Bool?
        var streamOptions: StreamOptions?

        enum CodingKeys: String, CodingKey {
            case model, prompt, messages, stream
            case maxTokens = "max_tokens"
            case maxCompletionTokens = "max_completion_tokens"
            case streamOptions = "stream_options"
        }
    }

    private struct StreamOptions: Decodable {
        var includeUsage: Bool?

        enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
        }
    }

    /// A prompt: one string or a list of strings (token-id prompts are not accepted).
    /// A completions prompt, in any of the forms vLLM accepts: a string, a list of strings, a list of token ids,
    /// or a list of such lists.
    private struct Prompt: Decodable {
        var text: String
        /// The token count when the prompt is given as token ids.
        var tokenIDs: Int?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(String.self) {
                text = single
            } else if let texts = try? container.decode([String].self) {
                text = texts.joined(separator: "\n")
            } else if let ids = try? container.decode([Int].self) {
                text = ""
                tokenIDs = ids.count
            } else {
                let batches = try container.decode([[Int]].self)
                text = ""
                tokenIDs = batches.reduce(0) { $0 + $1.count }
            }
        }
    }

    private struct Message: Decodable {
        var role: String?
        var content: Content?
    }

    /// Message content: a string or a list of parts, of which the `text` ones count.
    private struct Content: Decodable {
        var text: String

        struct Part: Decodable {
            var text: String?
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(String.self) {
                text = single
            } else {
                text = try container.decode([Part].self).compactMap(\.text).joined(separator: "\n")
            }
        }
    }
}

extension EmulatorError {
    /// The 400 for a body that failed to decode, naming the field when the decoder knows it.
    init(decoding error: DecodingError) {
        func path(_ context: DecodingError.Context, appending key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .missingField(path(context, appending: key))
        case .typeMismatch(let type, let context):
            self = .invalidField(path(context), "has the wrong type: expected \(type)")
        case .valueNotFound(let type, let context):
            self = .invalidField(path(context), "is null: expected \(type)")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = context.underlyingError.map { " (\(String(describing: $0)))" } ?? ""
                self = .invalidJSON(context.debugDescription + underlying)
            } else {
                self = .invalidField(path(context), "is malformed: \(context.debugDescription)")
            }
        @unknown default:
            self = .invalidJSON("\(error)")
        }
    }
}

import Foundation
import SwitchyardCore

/// What the gateway and the emulator read from a completion or chat request, checked by the same rules:
/// the body decodes as ``CompletionRequestBody``, the endpoint's `prompt` or `messages` is present, and the token
/// limit is at least 1 (`max_completion_tokens` first, then `max_tokens`, as vLLM reads them).
public struct CompletionRequest: Sendable, Equatable {
    /// The `model` field; nil when the client left it out.
    public var model: String?
    public var stream: Bool
    /// `stream_options.include_usage`.
    public var includeUsage: Bool
    /// The token limit: `max_completion_tokens`, else `max_tokens`; nil when neither is given.
    public var maxTokens: Int?
    /// The prompt text (for chat, the messages' contents joined by newlines), for the length predictor.
    public var promptText: String
    /// The prompt's token count, at least 1: counted for a token-id prompt, else estimated from the text (for
    /// chat, plus 4 per message for the chat template's tokens).
    public var promptTokens: Int
    /// The prompt's chained block hashes (``PromptBlockHasher``) for prefix-cache routing and emulation: of the
    /// prompt text, of its token ids, or for chat of the messages rendered in order, role and content; nil for an
    /// empty prompt.
    public var prefix: PrefixHashes?

    public init(
        model: String?,
        stream: Bool,
        includeUsage: Bool,
        maxTokens: Int?,
        promptText: String,
        promptTokens: Int,
        prefix: PrefixHashes? = nil
    ) {
        self.model = model
        self.stream = stream
        self.includeUsage = includeUsage
        self.maxTokens = maxTokens
        self.promptText = promptText
        self.promptTokens = promptTokens
        self.prefix = prefix
    }

    /// Tokens a chat template adds per message (role markers and separators), on top of the content's.
    public static let chatTokensPerMessage = 4

    /// Reads `data` as the body of a request to `endpoint`.
    /// - Parameters:
    ///   - data: the body bytes.
    ///   - endpoint: decides whether `prompt` or `messages` is required.
    ///   - estimateTokens: the token count of a text.
    /// - Returns: what the request asks for.
    /// - Throws: ``OpenAIRequestError`` naming the field that is missing, of the wrong type or out of range, or
    ///   saying the body is not a JSON object.
    public static func parse(
        _ data: Data,
        endpoint: CompletionEndpoint,
        estimateTokens: (String) -> Int
    ) throws(OpenAIRequestError) -> CompletionRequest {
        let body: CompletionRequestBody
        do {
            body = try JSONDecoder().decode(CompletionRequestBody.self, from: data)
        } catch let error as DecodingError {
            throw OpenAIRequestError(decoding: error)
        } catch {
            throw OpenAIRequestError(message: "The request body is not valid JSON: \(error).", field: nil)
        }
        return try summarize(body, endpoint: endpoint, estimateTokens: estimateTokens)
    }

    /// Checks a decoded body against `endpoint` and sums it up.
    /// - Returns: what the request asks for.
    /// - Throws: ``OpenAIRequestError`` naming the missing or out-of-range field.
    public static func summarize(
        _ body: CompletionRequestBody,
        endpoint: CompletionEndpoint,
        estimateTokens: (String) -> Int
    ) throws(OpenAIRequestError) -> CompletionRequest {
        let text: String
        let tokens: Int
        let prefix: PrefixHashes?
        switch endpoint {
        case .completions:
            guard let prompt = body.prompt else { throw .missing("prompt") }
            text = prompt.text
            tokens = prompt.tokenCount ?? estimateTokens(text)
            switch prompt {
            case .tokenIDs(let ids): prefix = PromptBlockHasher.hashes(tokenIDs: ids)
            case .batches(let batches): prefix = PromptBlockHasher.hashes(tokenIDs: batches.first ?? [])
            case .text, .texts: prefix = PromptBlockHasher.hashes(text: text)
            }
        case .chat:
            guard let messages = body.messages else { throw .missing("messages") }
            guard !messages.isEmpty else { throw .invalid("messages", "must hold at least one message") }
            text = messages.compactMap(\.content).joined(separator: "\n")
            tokens = estimateTokens(text) + chatTokensPerMessage * messages.count
            // Rendered in order as a chat template would, so a conversation's later turns extend its earlier ones.
            prefix = PromptBlockHasher.hashes(
                text: ChatRendering.render(
                    messages.map { ChatTurn(role: $0.role ?? "user", content: $0.content ?? "") }
                )
            )
        }
        let field = body.maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens"
        let maxTokens = body.maxCompletionTokens ?? body.maxTokens
        if let maxTokens, maxTokens < 1 { throw .invalid(field, "must be at least 1, got \(maxTokens)") }
        return CompletionRequest(
            model: body.model,
            stream: body.stream ?? false,
            includeUsage: body.streamOptions?.includeUsage ?? false,
            maxTokens: maxTokens,
            promptText: text,
            promptTokens: max(1, tokens),
            prefix: prefix
        )
    }
}

import Foundation

/// OpenAI-shaped response bodies: whole completions, stream chunks and the usage block.
enum CompletionResponse {
    struct Usage: Encodable {
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int

        init(prompt: Int, completion: Int) {
            promptTokens = prompt
            completionTokens = completion
            totalTokens = prompt + completion
        }

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
        }
    }

    struct Message: Encodable {
        var role: String?
        var content: String
    }

    /// One entry of `choices`: `text` for completions, `message` or `delta` for chat.
    struct Choice: Encodable {
        var text: String?
        var message: Message?
        var delta: Message?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, text, message, delta, logprobs
            case finishReason = "finish_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(0, forKey: .index)
            try container.encodeIfPresent(text, forKey: .text)
            try container.encodeIfPresent(message, forKey: .message)
            try container.encodeIfPresent(delta, forKey: .delta)
            try container.encodeNil(forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    struct Body: Encodable {
        var id: String
        var object: String
        var created: Int
        var model: String
        var choices: [Choice]
        var usage: Usage?
    }

    /// The text of one placeholder token.
    static let token = " tok"

    /// A whole (non-streaming) completion.
    static func whole(
        endpoint: CompletionEndpoint,
        id: String,
        model: String,
        generation: Generation
    ) -> Body {
        let text = String(repeating: token, count: generation.outputTokens)
        let reason = generation.finishReason.rawValue
        let choice =
            switch endpoint {
            case .completions: Choice(text: text, finishReason: reason)
            case .chat: Choice(message: Message(role: "assistant", content: text), finishReason: reason)
            }
        return Body(
            id: id,
            object: endpoint == .completions ? "text_completion" : "chat.completion",
            created: created(),
            model: model,
            choices: [choice],
            usage: Usage(prompt: generation.promptTokens, completion: generation.outputTokens)
        )
    }

    /// The stream chunk carrying token `index` (1-based) of `generation`.
    static func chunk(
        endpoint: CompletionEndpoint,
        id: String,
        model: String,
        generation: Generation,
        index: Int
    ) -> Body {
        let reason = index >= generation.outputTokens ? generation.finishReason.rawValue : nil
        let choice =
            switch endpoint {
            case .completions: Choice(text: token, finishReason: reason)
            case .chat:
                Choice(delta: Message(role: index == 1 ? "assistant" : nil, content: token), finishReason: reason)
            }
        return Body(
            id: id,
            object: endpoint == .completions ? "text_completion" : "chat.completion.chunk",
            created: created(),
            model: model,
            choices: [choice]
        )
    }

    /// The final stream chunk with `usage` and no choices (`stream_options.include_usage`).
    static func usageChunk(
        endpoint: CompletionEndpoint,
        id: String,
        model: String,
        generation: Generation,
        completionTokens: Int
    ) -> Body {
        Body(
            id: id,
            object: endpoint == .completions ? "text_completion" : "chat.completion.chunk",
            created: created(),
            model: model,
            choices: [],
            usage: Usage(prompt: generation.promptTokens, completion: completionTokens)
        )
    }

    /// Seconds since the Unix epoch, as OpenAI's `created`.
    private static func created() -> Int { Int(Date().timeIntervalSince1970) }
}

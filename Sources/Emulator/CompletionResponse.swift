import Foundation
import OpenAIWire

/// The emulator's OpenAI-shaped replies (the shared ``CompletionReply`` types): whole completions, stream chunks
/// and the usage block.
enum CompletionResponse {
    typealias Body = CompletionReply
    typealias Choice = CompletionReply.Choice
    typealias Message = CompletionReply.Message
    typealias Usage = CompletionReply.Usage

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
            object: endpoint.object,
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
            object: endpoint.chunkObject,
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
            object: endpoint.chunkObject,
            created: created(),
            model: model,
            choices: [],
            usage: Usage(prompt: generation.promptTokens, completion: completionTokens)
        )
    }

    /// Seconds since the Unix epoch, as OpenAI's `created`.
    private static func created() -> Int { Int(Date().timeIntervalSince1970) }
}

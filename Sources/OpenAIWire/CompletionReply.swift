/// OpenAI-shaped reply bodies: whole completions, stream chunks and the usage block. The emulator writes them;
/// the gateway reads `usage` from them.
public struct CompletionReply: Codable, Sendable, Equatable {
    public var id: String
    public var object: String
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?

    public init(id: String, object: String, created: Int, model: String, choices: [Choice], usage: Usage? = nil) {
        self.id = id
        self.object = object
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }

    public struct Usage: Codable, Sendable, Equatable {
        public var promptTokens: Int
        public var completionTokens: Int
        public var totalTokens: Int

        public init(prompt: Int, completion: Int) {
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

    public struct Message: Codable, Sendable, Equatable {
        public var role: String?
        public var content: String?

        public init(role: String?, content: String?) {
            self.role = role
            self.content = content
        }
    }

    /// One entry of `choices`: `text` for completions, `message` or `delta` for chat.
    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var text: String?
        public var message: Message?
        public var delta: Message?
        public var finishReason: String?

        public init(
            index: Int = 0,
            text: String? = nil,
            message: Message? = nil,
            delta: Message? = nil,
            finishReason: String? = nil
        ) {
            self.index = index
            self.text = text
            self.message = message
            self.delta = delta
            self.finishReason = finishReason
        }

        enum CodingKeys: String, CodingKey {
            case index, text, message, delta, logprobs
            case finishReason = "finish_reason"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = try container.decodeIfPresent(Int.self, forKey: .index) ?? 0
            text = try container.decodeIfPresent(String.self, forKey: .text)
            message = try container.decodeIfPresent(Message.self, forKey: .message)
            delta = try container.decodeIfPresent(Message.self, forKey: .delta)
            finishReason = try container.decodeIfPresent(String.self, forKey: .finishReason)
        }

        /// As vLLM writes it: `logprobs` and `finish_reason` always present (null when there are none).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encodeIfPresent(text, forKey: .text)
            try container.encodeIfPresent(message, forKey: .message)
            try container.encodeIfPresent(delta, forKey: .delta)
            try container.encodeNil(forKey: .logprobs)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }
}

/// The part of a reply the gateway reads: its `usage`, when there is one.
public struct CompletionReplyUsage: Decodable, Sendable {
    public var usage: CompletionReply.Usage?
}

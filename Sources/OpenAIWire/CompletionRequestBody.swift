/// An OpenAI completion or chat request body, as far as a router or an engine emulator reads it. Unknown fields
/// are ignored (the gateway forwards the body unchanged). Every field is checked for its type as vLLM does.
public struct CompletionRequestBody: Decodable, Sendable, Equatable {
    /// The model; nil when left out or null (vLLM and llama.cpp then serve their only model).
    public var model: String?
    public var prompt: Prompt?
    public var messages: [ChatMessage]?
    public var maxTokens: Int?
    public var maxCompletionTokens: Int?
    public var stream: Bool?
    public var streamOptions: StreamOptions?

    public init(
        model: String? = nil,
        prompt: Prompt? = nil,
        messages: [ChatMessage]? = nil,
        maxTokens: Int? = nil,
        maxCompletionTokens: Int? = nil,
        stream: Bool? = nil,
        streamOptions: StreamOptions? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.messages = messages
        self.maxTokens = maxTokens
        self.maxCompletionTokens = maxCompletionTokens
        self.stream = stream
        self.streamOptions = streamOptions
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, messages, stream
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case streamOptions = "stream_options"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        prompt = try container.decodeIfPresent(Prompt.self, forKey: .prompt)
        messages = try container.decodeIfPresent([ChatMessage].self, forKey: .messages)
        maxTokens = try Self.wholeNumber(in: container, .maxTokens)
        maxCompletionTokens = try Self.wholeNumber(in: container, .maxCompletionTokens)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
        streamOptions = try container.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)
    }

    /// An integer field, or nil when absent or null. A number with a fraction, or one too large for an `Int`, is
    /// reported as a wrong type at the field (the decoder itself would report it as malformed JSON).
    private static func wholeNumber(
        in container: KeyedDecodingContainer<CodingKeys>,
        _ key: CodingKeys
    ) throws -> Int? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        if let value = try? container.decode(Int.self, forKey: key) { return value }
        throw DecodingError.typeMismatch(
            Int.self,
            .init(codingPath: container.codingPath + [key], debugDescription: "an integer")
        )
    }

    public struct StreamOptions: Decodable, Sendable, Equatable {
        public var includeUsage: Bool?

        public init(includeUsage: Bool?) { self.includeUsage = includeUsage }

        enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
        }
    }

    /// A completions prompt in any of the forms vLLM accepts.
    public enum Prompt: Decodable, Sendable, Equatable {
        case text(String)
        case texts([String])
        case tokenIDs([Int])
        case batches([[Int]])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let texts = try? container.decode([String].self) {
                self = .texts(texts)
            } else if let ids = try? container.decode([Int].self) {
                self = .tokenIDs(ids)
            } else if let batches = try? container.decode([[Int]].self) {
                self = .batches(batches)
            } else {
                throw DecodingError.typeMismatch(
                    Prompt.self,
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "a string, a list of strings, a list of token ids or a list of such lists"
                    )
                )
            }
        }

        /// The prompt's text (strings joined by newlines; empty for token ids).
        public var text: String {
            switch self {
            case .text(let text): text
            case .texts(let texts): texts.joined(separator: "\n")
            case .tokenIDs, .batches: ""
            }
        }

        /// The number of tokens, when the prompt is given as token ids.
        public var tokenCount: Int? {
            switch self {
            case .text, .texts: nil
            case .tokenIDs(let ids): ids.count
            case .batches(let batches): batches.reduce(0) { $0 + $1.count }
            }
        }
    }

    /// One chat message: its role and its content (a string, a list of parts, or null).
    public struct ChatMessage: Decodable, Sendable, Equatable {
        public var role: String?
        /// The text of the content: the string, or the `text` parts joined by newlines; nil when null or absent.
        public var content: String?

        public init(role: String?, content: String?) {
            self.role = role
            self.content = content
        }

        enum CodingKeys: String, CodingKey {
            case role, content
        }

        struct Part: Decodable {
            var text: String?
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decodeIfPresent(String.self, forKey: .role)
            if try !container.contains(.content) || container.decodeNil(forKey: .content) {
                content = nil
            } else if let text = try? container.decode(String.self, forKey: .content) {
                content = text
            } else if let parts = try? container.decode([Part].self, forKey: .content) {
                content = parts.compactMap(\.text).joined(separator: "\n")
            } else {
                throw DecodingError.typeMismatch(
                    String.self,
                    .init(
                        codingPath: container.codingPath + [CodingKeys.content],
                        debugDescription: "a string or a list of parts"
                    )
                )
            }
        }
    }
}

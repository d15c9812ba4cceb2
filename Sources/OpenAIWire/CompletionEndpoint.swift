/// The two OpenAI endpoints the gateway routes and the emulator serves.
public enum CompletionEndpoint: String, Sendable, CaseIterable {
    /// `/v1/completions`: a `prompt`, answered with `choices[].text`.
    case completions = "/v1/completions"
    /// `/v1/chat/completions`: `messages`, answered with `choices[].message` (or `delta` when streaming).
    case chat = "/v1/chat/completions"

    /// The `object` of a whole reply.
    public var object: String { self == .completions ? "text_completion" : "chat.completion" }
    /// The `object` of a stream chunk.
    public var chunkObject: String { self == .completions ? "text_completion" : "chat.completion.chunk" }
}

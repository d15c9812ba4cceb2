/// One ShareGPT first-turn pair: a user's first prompt in a conversation and the size of ChatGPT's reply.
///
/// The conversation ``id`` is kept so that a length predictor can split train and test sets by conversation, as the
/// data's README advises (near-duplicate prompts would otherwise leak between them).
public struct ShareGPTRecord: Sendable, Equatable {
    /// The conversation id, for example `QWJhYvA_0`.
    public var id: String
    /// The prompt text (possibly cut short in the bundled sample; the token count is the full prompt's).
    public var prompt: String
    /// The reply text, when the file has it (the bundled sample does not).
    public var response: String?
    /// Prompt tokens: the Gemma 3 count from the file, or ``TokenEstimator`` on the prompt when it has none.
    public var promptTokens: Int
    /// Reply tokens: the Gemma 3 count from the file, or ``TokenEstimator`` on the reply when it has none.
    public var responseTokens: Int

    public init(id: String, prompt: String, response: String?, promptTokens: Int, responseTokens: Int) {
        self.id = id
        self.prompt = prompt
        self.response = response
        self.promptTokens = promptTokens
        self.responseTokens = responseTokens
    }
}

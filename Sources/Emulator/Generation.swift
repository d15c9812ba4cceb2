import SwitchyardCore

/// One request accepted by an ``EmulatedInstance``: its size and the stream of its tokens.
public struct Generation: Sendable {
    /// Why a request stopped, as vLLM reports it in `finish_reason` and `vllm:request_success_total`.
    public enum FinishReason: String, Sendable {
        /// It reached `max_tokens`.
        case length
        /// It ended on its own (a trace-drawn length shorter than `max_tokens`).
        case stop
        /// Its client went away and the engine dropped it.
        case abort
    }

    public var id: RequestID
    public var promptTokens: Int
    /// Tokens the request will generate.
    public var outputTokens: Int
    public var finishReason: FinishReason
    /// Yields the 1-based index of each token at the end of the engine iteration that produced it, and finishes
    /// after the last one.
    public var tokens: AsyncStream<Int>
}

/// The serving engine behind a backend, which decides the metric names to read.
public enum EngineKind: String, Sendable, Equatable, CaseIterable {
    /// vLLM (V0 and V1 engines): `vllm:` names.
    case vllm
    /// SGLang: `sglang:` names.
    case sglang
    /// llama.cpp's `llama-server --metrics`: `llamacpp:` names.
    case llamacpp
    /// None of the above was recognised.
    case unknown

    /// The metric-name prefix the engine publishes under, or nil for ``unknown``.
    public var metricPrefix: String? {
        switch self {
        case .vllm: "vllm:"
        case .sglang: "sglang:"
        case .llamacpp: "llamacpp:"
        case .unknown: nil
        }
    }
}

import RouterCore

extension EngineKind {
    /// Detects the engine from the metric names in a scrape: the known prefix with the most samples wins, ties going
    /// to vLLM, then SGLang, then llama.cpp; ``unknown`` when no sample has a known prefix.
    ///
    /// A vLLM-compatible server (the Emulator, llm-d-inference-sim) is detected as vLLM, which is what it claims to be.
    /// - Complexity: O(*n*) in the number of samples.
    public static func detect(in scrape: PrometheusScrape) -> EngineKind {
        var counts: [EngineKind: Int] = [:]
        let known: [EngineKind] = [.vllm, .sglang, .llamacpp]
        for sample in scrape.samples {
            for kind in known where sample.name.hasPrefix(kind.metricPrefix ?? "") {
                counts[kind, default: 0] += 1
                break
            }
        }
        var best = EngineKind.unknown
        var bestCount = 0
        for kind in known where counts[kind, default: 0] > bestCount {
            best = kind
            bestCount = counts[kind, default: 0]
        }
        return best
    }
}

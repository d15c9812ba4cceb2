import Foundation

extension InstanceStats {
    /// The stats in Prometheus text format, with vLLM V1's metric names, help texts, label sets and number format.
    ///
    /// Labels follow vLLM: `engine="0"` and `model_name`, sorted by name; `vllm:cache_config_info` carries the
    /// cache configuration as labels and no model name. Values print as floats (`0.0`), as prometheus_client does.
    /// - Parameter modelName: the served model name.
    /// - Returns: the exposition text, ending in a newline.
    public func prometheusText(modelName: String) -> String {
        let labels = #"engine="0",model_name="\#(escapeLabel(modelName))""#
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples {
                lines.append("\(name){\(sample.labels)} \(format(sample.value))")
            }
        }
        metric(
            "vllm:num_requests_running",
            "gauge",
            "Number of requests in model execution batches.",
            [(labels, Double(running))]
        )
        metric(
            "vllm:num_requests_waiting",
            "gauge",
            "Number of requests waiting to be processed.",
            [(labels, Double(waiting))]
        )
        metric(
            "vllm:kv_cache_usage_perc",
            "gauge",
            "KV-cache usage. 1 means 100 percent usage.",
            [(labels, kvUsage)]
        )
        metric(
            "vllm:num_preemptions_total",
            "counter",
            "Cumulative number of preemption from the engine.",
            [(labels, Double(preemptions))]
        )
        metric(
            "vllm:prompt_tokens_total",
            "counter",
            "Number of prefill tokens processed.",
            [(labels, Double(promptTokens))]
        )
        metric(
            "vllm:generation_tokens_total",
            "counter",
            "Number of generation tokens processed.",
            [(labels, Double(generationTokens))]
        )
        metric(
            "vllm:prefix_cache_queries_total",
            "counter",
            "Prefix cache queries, in terms of number of queried tokens.",
            [(labels, Double(prefixCacheQueries))]
        )
        metric(
            "vllm:prefix_cache_hits_total",
            "counter",
            "Prefix cache hits, in terms of number of cached tokens.",
            [(labels, Double(prefixCacheHits))]
        )
        let reasons: [(String, Int)] = [
            ("stop", finishedByReason[.stop] ?? 0),
            ("length", finishedByReason[.length] ?? 0),
            ("abort", finishedByReason[.abort] ?? 0),
        ]
        metric(
            "vllm:request_success_total",
            "counter",
            "Count of successfully processed requests.",
            reasons.map { reason, count in
                (#"engine="0",finished_reason="\#(reason)",model_name="\#(escapeLabel(modelName))""#, Double(count))
            }
        )
        metric(
            "vllm:cache_config_info",
            "gauge",
            "Information of the LLMEngine CacheConfig",
            [
                (
                    #"block_size="\#(blockSize)",cache_dtype="auto",enable_prefix_caching="True",engine="0","#
                        + #"num_gpu_blocks="\#(kvBlocks)""#,
                    1
                )
            ]
        )
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A label value escaped as the exposition format requires (backslash, quote, newline).
private func escapeLabel(_ value: String) -> String {
    value.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "\"", with: "\\\"")
        .replacingOccurrences(of: "\n", with: "\\n")
}

/// A sample value as prometheus_client prints it: Python's `repr(float)`, which Swift's description matches for
/// finite values (`0.0`, `1.0`, `1.3798051715085968e-05`).
private func format(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    return "\(value)"
}

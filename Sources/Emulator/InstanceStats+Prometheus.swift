import Foundation

extension InstanceStats {
    /// The stats in Prometheus text format, as a vLLM V1 server publishes them: the same metric names, help texts,
    /// types, label sets, histogram buckets and number format (checked against a captured reply,
    /// ../shared/data/engine-samples/vllm/metrics_v1.txt), including the deprecated `vllm:gpu_*` aliases and the
    /// `_created` series prometheus_client adds beside each counter and histogram.
    ///
    /// Labels follow vLLM: `engine="0"` and `model_name`, sorted by name; `vllm:cache_config_info` carries the
    /// cache configuration as labels and no model name. Values print as floats (`0.0`), as prometheus_client does.
    /// - Parameter modelName: the served model name.
    /// - Returns: the exposition text, ending in a newline.
    public func prometheusText(modelName: String) -> String {
        let model = escapeLabel(modelName)
        let labels = #"engine="0",model_name="\#(model)""#
        var lines: [String] = []
        func series(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name){\(sample.labels)} \(format(sample.value))") }
        }
        /// A counter `base_total` and its `base_created` gauge, one sample per label set.
        func counter(_ base: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            series(base + "_total", "counter", help, samples)
            series(base + "_created", "gauge", help, samples.map { ($0.labels, startedAt) })
        }
        series(
            "vllm:num_requests_running",
            "gauge",
            "Number of requests in model execution batches.",
            [(labels, Double(running))]
        )
        series(
            "vllm:num_requests_waiting",
            "gauge",
            "Number of requests waiting to be processed.",
            [(labels, Double(waiting))]
        )
        series(
            "vllm:gpu_cache_usage_perc",
            "gauge",
            "GPU KV-cache usage. 1 means 100 percent usage.DEPRECATED: Use vllm:kv_cache_usage_perc instead.",
            [(labels, kvUsage)]
        )
        counter(
            "vllm:gpu_prefix_cache_queries",
            "GPU prefix cache queries, in terms of number of queriedtokens. DEPRECATED: Use vllm:prefix_cache_queries instead.",
            [(labels, Double(prefixCacheQueries))]
        )
        counter(
            "vllm:gpu_prefix_cache_hits",
            "GPU prefix cache hits, in terms of number of cached tokens. DEPRECATED: Use vllm:prefix_cache_hits instead.",
            [(labels, Double(prefixCacheHits))]
        )
        series("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", [(labels, kvUsage)])
        counter(
            "vllm:prefix_cache_queries",
            "Prefix cache queries, in terms of number of queried tokens.",
            [(labels, Double(prefixCacheQueries))]
        )
        counter(
            "vllm:prefix_cache_hits",
            "Prefix cache hits, in terms of number of cached tokens.",
            [(labels, Double(prefixCacheHits))]
        )
        counter(
            "vllm:num_preemptions",
            "Cumulative number of preemption from the engine.",
            [(labels, Double(preemptions))]
        )
        counter("vllm:prompt_tokens", "Number of prefill tokens processed.", [(labels, Double(promptTokens))])
        counter(
            "vllm:generation_tokens",
            "Number of generation tokens processed.",
            [(labels, Double(generationTokens))]
        )
        let reasons: [(String, Int)] = [
            ("stop", finishedByReason[.stop] ?? 0),
            ("length", finishedByReason[.length] ?? 0),
            ("abort", finishedByReason[.abort] ?? 0),
        ]
        counter(
            "vllm:request_success",
            "Count of successfully processed requests.",
            reasons.map { reason, count in
                (#"engine="0",finished_reason="\#(reason)",model_name="\#(model)""#, Double(count))
            }
        )
        for histogram in histograms.all {
            lines.append("# HELP \(histogram.name) \(histogram.help)")
            lines.append("# TYPE \(histogram.name) histogram")
            var cumulative = 0
            for (index, count) in histogram.buckets.enumerated() {
                cumulative += count
                let bound = index < histogram.bounds.count ? format(histogram.bounds[index]) : "+Inf"
                lines.append(
                    #"\#(histogram.name)_bucket{engine="0",le="\#(bound)",model_name="\#(model)"} \#(format(Double(cumulative)))"#
                )
            }
            lines.append("\(histogram.name)_count{\(labels)} \(format(Double(histogram.count)))")
            lines.append("\(histogram.name)_sum{\(labels)} \(format(histogram.sum))")
            series(histogram.name + "_created", "gauge", histogram.help, [(labels, startedAt)])
        }
        series(
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

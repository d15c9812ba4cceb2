import Foundation

extension InstanceStats {
    /// The stats in Prometheus text format, as a vLLM V1 server publishes them: the same metric names, help texts,
    /// types, label sets, histogram buckets and number format (checked against a captured reply,
    /// ../shared/data/engine-samples/vllm/metrics_v1.txt), including the deprecated `vllm:gpu_*` aliases and the
    /// `_created` series prometheus_client adds beside each counter and histogram.
    ///
    /// Labels follow vLLM: `engine="0"` and `model_name`, sorted by name; `vllm:cache_config_info` carries the
    /// cache configuration as labels and no model name. Values print as floats (`0.0`), as prometheus_client does.
    /// - Parameters:
    ///   - modelName: the served model name.
    ///   - version: which vLLM to imitate; V0's text is ``prometheusTextV0(modelName:)``'s.
    /// - Returns: the exposition text, ending in a newline.
    public func prometheusText(modelName: String, version: VLLMVersion = .v1) -> String {
        if version == .v0 { return prometheusTextV0(modelName: modelName) }
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
            lines += histogram.exposition(
                labels: labels,
                bucketLabels: { #"engine="0",le="\#($0)",model_name="\#(model)""# }
            )
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

/// Which vLLM the emulator's `/metrics` imitates.
public enum VLLMVersion: String, Sendable, CaseIterable {
    /// The V0 engine (vLLM up to 0.7): `model_name` labels only, `vllm:gpu_cache_usage_perc` and
    /// `vllm:cpu_cache_usage_perc`, `vllm:num_requests_swapped`, V0's histogram buckets, no `_created` series.
    case v0 = "0"
    /// The V1 engine (the default since vLLM 0.8): `engine` and `model_name` labels, `vllm:kv_cache_usage_perc`
    /// beside the deprecated `vllm:gpu_*` aliases, V1's histograms and the `_created` series.
    case v1 = "1"
}

extension InstanceStats {
    /// The stats as a vLLM V0 server publishes them (checked against a captured reply,
    /// ../shared/data/engine-samples/vllm/metrics_v0.txt): the same names, help texts, types, label sets and
    /// buckets. There is no CPU swap space, so the CPU cache usage and the swapped requests are 0.
    func prometheusTextV0(modelName: String) -> String {
        let model = escapeLabel(modelName)
        let labels = #"model_name="\#(model)""#
        var lines: [String] = []
        func series(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name){\(sample.labels)} \(format(sample.value))") }
        }
        series(
            "vllm:cache_config_info",
            "gauge",
            "information of cache_config",
            [
                (
                    #"block_size="\#(blockSize)",cache_dtype="auto",cpu_kvcache_space_bytes="0","#
                        + #"enable_prefix_caching="True",gpu_memory_utilization="0.9",num_cpu_blocks="0","#
                        + #"num_gpu_blocks="\#(kvBlocks)",num_gpu_blocks_override="None",sliding_window="None","#
                        + #"swap_space_bytes="0""#,
                    1
                )
            ]
        )
        series(
            "vllm:num_requests_running",
            "gauge",
            "Number of requests currently running on GPU.",
            [(labels, Double(running))]
        )
        series(
            "vllm:num_requests_waiting",
            "gauge",
            "Number of requests waiting to be processed.",
            [(labels, Double(waiting))]
        )
        series("vllm:num_requests_swapped", "gauge", "Number of requests swapped to CPU.", [(labels, 0)])
        series(
            "vllm:gpu_cache_usage_perc",
            "gauge",
            "GPU KV-cache usage. 1 means 100 percent usage.",
            [(labels, kvUsage)]
        )
        series("vllm:cpu_cache_usage_perc", "gauge", "CPU KV-cache usage. 1 means 100 percent usage.", [(labels, 0)])
        series(
            "vllm:num_preemptions_total",
            "counter",
            "Cumulative number of preemption from the engine.",
            [(labels, Double(preemptions))]
        )
        series(
            "vllm:prompt_tokens_total",
            "counter",
            "Number of prefill tokens processed.",
            [(labels, Double(promptTokens))]
        )
        series(
            "vllm:generation_tokens_total",
            "counter",
            "Number of generation tokens processed.",
            [(labels, Double(generationTokens))]
        )
        for histogram in histograms.allV0 {
            lines += histogram.exposition(labels: labels, bucketLabels: { #"le="\#($0)",model_name="\#(model)""# })
        }
        let reasons: [(String, Int)] = [
            ("stop", finishedByReason[.stop] ?? 0),
            ("length", finishedByReason[.length] ?? 0),
        ]
        series(
            "vllm:request_success_total",
            "counter",
            "Count of successfully processed requests.",
            reasons.map { reason, count in (#"finished_reason="\#(reason)",model_name="\#(model)""#, Double(count)) }
        )
        series(
            "vllm:avg_prompt_throughput_toks_per_s",
            "gauge",
            "Average prefill throughput in tokens/s.",
            [(labels, promptThroughput)]
        )
        series(
            "vllm:avg_generation_throughput_toks_per_s",
            "gauge",
            "Average generation throughput in tokens/s.",
            [(labels, generationThroughput)]
        )
        return lines.joined(separator: "\n") + "\n"
    }
}

extension VLLMHistogram {
    /// The histogram's HELP, TYPE, cumulative `_bucket` lines (labelled by `bucketLabels` of each bound), `_count`
    /// and `_sum` (labelled `labels`).
    func exposition(labels: String, bucketLabels: (String) -> String) -> [String] {
        var lines = ["# HELP \(name) \(help)", "# TYPE \(name) histogram"]
        var cumulative = 0
        for (index, count) in buckets.enumerated() {
            cumulative += count
            let bound = index < bounds.count ? format(bounds[index]) : "+Inf"
            lines.append("\(name)_bucket{\(bucketLabels(bound))} \(format(Double(cumulative)))")
        }
        lines.append("\(name)_count{\(labels)} \(format(Double(count)))")
        lines.append("\(name)_sum{\(labels)} \(format(sum))")
        return lines
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

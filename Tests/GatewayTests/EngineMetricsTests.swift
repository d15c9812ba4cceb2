import RouterCore
import Testing

@testable import Gateway

@Suite struct EngineMetricsTests {
    let parser = PrometheusTextParser()

    @Test func sumsCountsAcrossModelNameSeriesAndAveragesUsage() throws {
        let text = """
            vllm:num_requests_running{model_name="a"} 3.0
            vllm:num_requests_running{model_name="b"} 4.0
            vllm:num_requests_waiting{model_name="a"} 1.0
            vllm:num_requests_waiting{model_name="b"} 5.0
            vllm:kv_cache_usage_perc{model_name="a"} 0.2
            vllm:kv_cache_usage_perc{model_name="b"} 0.6
            vllm:prompt_tokens_total{model_name="a"} 100
            vllm:prompt_tokens_total{model_name="b"} 50
            vllm:num_preemptions_total{model_name="a"} 2
            vllm:num_preemptions_total{model_name="b"} 1
            vllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="1000"} 1.0
            vllm:cache_config_info{block_size="16",engine="1",num_gpu_blocks="1000"} 1.0
            """
        let metrics = try EngineMetrics.extract(from: parser.parse(text))
        #expect(metrics.running == 7)
        #expect(metrics.waiting == 6)
        #expect(abs((metrics.kvUsage ?? -1) - 0.4) < 1e-12)
        #expect(metrics.promptTokensTotal == 150)
        #expect(metrics.preemptionsTotal == 3)
        #expect(metrics.generationTokensTotal == nil)
        #expect(metrics.kvBlockSize == 16)
        #expect(metrics.numGPUBlocks == 2000)
        #expect(metrics.kvCapacityTokens == 32000)
    }

    @Test func prefersKVCacheUsageOverTheDeprecatedGPUCacheUsage() throws {
        let both = """
            vllm:num_requests_running 0
            vllm:num_requests_waiting 0
            vllm:gpu_cache_usage_perc 0.9
            vllm:kv_cache_usage_perc 0.3
            """
        #expect(try EngineMetrics.extract(from: parser.parse(both)).kvUsage == 0.3)
        let oldOnly = """
            vllm:num_requests_running 0
            vllm:num_requests_waiting 0
            vllm:gpu_cache_usage_perc 0.9
            """
        #expect(try EngineMetrics.extract(from: parser.parse(oldOnly)).kvUsage == 0.9)
        let newIsNaN = """
            vllm:num_requests_running 0
            vllm:num_requests_waiting 0
            vllm:kv_cache_usage_perc NaN
            vllm:gpu_cache_usage_perc 0.5
            """
        #expect(try EngineMetrics.extract(from: parser.parse(newIsNaN)).kvUsage == 0.5)
        let neither = "vllm:num_requests_running 0\nvllm:num_requests_waiting 0\n"
        #expect(try EngineMetrics.extract(from: parser.parse(neither)).kvUsage == nil)
    }

    @Test func clampsUsageAndIgnoresUnparseableCacheConfig() throws {
        let text = """
            vllm:num_requests_running 1
            vllm:num_requests_waiting 0
            vllm:kv_cache_usage_perc 1.7
            vllm:cache_config_info{block_size="16",num_gpu_blocks="None"} 1.0
            """
        let metrics = try EngineMetrics.extract(from: parser.parse(text))
        #expect(metrics.kvUsage == 1)
        #expect(metrics.kvBlockSize == 16)
        #expect(metrics.numGPUBlocks == nil)
        #expect(metrics.kvCapacityTokens == nil)
    }

    @Test func readsOlderLlamacppKVGaugesWhenPresent() throws {
        let text = """
            llamacpp:requests_processing 1
            llamacpp:requests_deferred 0
            llamacpp:kv_cache_usage_ratio 0.25
            llamacpp:kv_cache_tokens 1024
            """
        let metrics = try EngineMetrics.extract(from: parser.parse(text))
        #expect(metrics.kind == .llamacpp)
        #expect(metrics.kvUsage == 0.25)
        #expect(metrics.kvUsedTokens == 1024)
    }

    @Test func readsSGLangCapacityWhenPresent() throws {
        let text = """
            sglang:num_running_reqs{dp_rank="0"} 2
            sglang:num_running_reqs{dp_rank="1"} 3
            sglang:num_queue_reqs{dp_rank="0"} 1
            sglang:token_usage{dp_rank="0"} 0.5
            sglang:token_usage{dp_rank="1"} 0.1
            sglang:max_total_num_tokens{dp_rank="0"} 1000
            sglang:max_total_num_tokens{dp_rank="1"} 1000
            """
        let metrics = try EngineMetrics.extract(from: parser.parse(text))
        #expect(metrics.running == 5)
        #expect(metrics.waiting == 1)
        #expect(abs((metrics.kvUsage ?? -1) - 0.3) < 1e-12)
        #expect(metrics.kvCapacityTokens == 2000)
    }

    @Test func detectsByTheMostCommonPrefix() {
        #expect(EngineKind.detect(in: parser.parse("process_cpu_seconds_total 1\n")) == .unknown)
        #expect(EngineKind.detect(in: parser.parse("")) == .unknown)
        #expect(EngineKind.detect(in: parser.parse("sglang:a 1\nsglang:b 1\nvllm:c 1\n")) == .sglang)
        #expect(EngineKind.detect(in: parser.parse("llamacpp:a 1\nvllm:c 1\n")) == .vllm)
    }

    @Test func aForcedKindOverridesDetection() throws {
        let text = """
            vllm:num_requests_running 9
            vllm:prompt_tokens_total 1
            vllm:generation_tokens_total 1
            llamacpp:requests_processing 1
            llamacpp:requests_deferred 4
            """
        let scrape = parser.parse(text)
        #expect(EngineKind.detect(in: scrape) == .vllm)
        #expect(throws: EngineMetricsError.self) { try EngineMetrics.extract(from: scrape) }
        let forced = try EngineMetrics.extract(from: scrape, kind: .llamacpp)
        #expect(forced.kind == .llamacpp)
        #expect(forced.running == 1)
        #expect(forced.waiting == 4)
    }

    @Test func reportsUnknownEnginesMissingAndInvalidCounts() {
        do {
            _ = try EngineMetrics.extract(from: parser.parse("up 1\n"))
            Issue.record("extracted metrics from an unknown engine")
        } catch {
            #expect(error.description.contains("no vllm:, sglang: or llamacpp: metric"))
        }
        do {
            _ = try EngineMetrics.extract(from: parser.parse("vllm:num_requests_running 1\n"))
            Issue.record("extracted metrics without the waiting gauge")
        } catch {
            #expect(error.description == "The vllm scrape has no 'vllm:num_requests_waiting' series.")
        }
        do {
            _ = try EngineMetrics.extract(
                from: parser.parse("vllm:num_requests_running -1\nvllm:num_requests_waiting 0\n")
            )
            Issue.record("accepted a negative count")
        } catch {
            #expect(error.description.contains("'vllm:num_requests_running' has the value -1.0"))
        }
        #expect(throws: EngineMetricsError.self) {
            try EngineMetrics.extract(
                from: parser.parse("vllm:num_requests_running NaN\nvllm:num_requests_waiting 0\n")
            )
        }
        #expect(throws: EngineMetricsError.self) { try EngineMetrics.extract(from: parser.parse(""), kind: .sglang) }
    }

    @Test func garbageLinesDoNotHideTheGoodOnes() throws {
        let text = """
            vllm:num_requests_running{model_name="m"} 4
            \u{0}\u{1}\u{7F}garbage{{{
            vllm:num_requests_waiting{model_name="m" 2
            vllm:num_requests_waiting{model_name="m"} 3
            """
        let scrape = parser.parse(text)
        #expect(scrape.issues.map(\.line) == [2, 3])
        let metrics = try EngineMetrics.extract(from: scrape)
        #expect(metrics.running == 4)
        #expect(metrics.waiting == 3)
    }
}

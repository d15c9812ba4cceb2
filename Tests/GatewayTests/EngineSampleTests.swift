import RouterCore
import Testing

@testable import Gateway

/// The parser and the extraction on real engine scrapes.
@Suite struct EngineSampleTests {
    let parser = PrometheusTextParser()

    // MARK: Bundled fixtures (always run)

    @Test func vllmV0FixtureFallsBackToGPUCacheUsage() throws {
        let scrape = parser.parse(try SampleFiles.fixture(SampleFiles.vllmV0Fixture))
        #expect(scrape.issues.isEmpty)
        #expect(scrape.samples.count == 120)
        #expect(scrape.types.count == 29)
        #expect(!scrape.contains("vllm:kv_cache_usage_perc"))
        #expect(EngineKind.detect(in: scrape) == .vllm)
        let metrics = try EngineMetrics.extract(from: scrape)
        // One request: TTFT 0.313 s (bucket 0.25–0.5), six token gaps, one success.
        #expect(metrics.requestSuccessTotal == 1)
        #expect(metrics.ttftHistogram?.count == 1)
        #expect(metrics.ttftHistogram?.sum == 0.31326723098754883)
        #expect(metrics.ttftHistogram?.quantile(0.5) == 0.375)
        #expect(metrics.ttftHistogram?.bounds.count == 16)
        #expect(metrics.interTokenHistogram?.count == 6)
        #expect(metrics.e2eHistogram?.count == 1)
        var load = metrics
        load.requestSuccessTotal = nil
        load.ttftHistogram = nil
        load.interTokenHistogram = nil
        load.e2eHistogram = nil
        #expect(
            load
                == EngineMetrics(
                    kind: .vllm,
                    waiting: 0,
                    running: 0,
                    kvUsage: 0,
                    kvBlockSize: 16,
                    numGPUBlocks: 7281,
                    kvCapacityTokens: 16 * 7281,
                    promptTokensTotal: 5,
                    generationTokensTotal: 7,
                    preemptionsTotal: 0
                )
        )
    }

    @Test func llamacppBusyFixtureHasCountsButNoKVUsage() throws {
        let scrape = parser.parse(try SampleFiles.fixture(SampleFiles.llamacppBusyFixture))
        #expect(scrape.issues.isEmpty)
        #expect(scrape.samples.count == 15)
        #expect(scrape.types["llamacpp:requests_processing"] == .gauge)
        #expect(scrape.samples.first { $0.name == "llamacpp:n_busy_slots_per_decode" }?.value == 1.8)
        #expect(!scrape.contains("llamacpp:kv_cache_usage_ratio"))
        #expect(!scrape.contains("llamacpp:kv_cache_tokens"))
        let metrics = try EngineMetrics.extract(from: scrape)
        #expect(
            metrics
                == EngineMetrics(
                    kind: .llamacpp,
                    waiting: 2,
                    running: 2,
                    kvUsage: nil,
                    promptTokensTotal: 18,
                    generationTokensTotal: 0
                )
        )
    }

    @Test(.enabled(if: SampleFiles.hasAllShared, Comment(rawValue: SampleFiles.skipMessage)))
    func fixturesAreByteCopiesOfTheSharedSamples() throws {
        #expect(try SampleFiles.fixture(SampleFiles.vllmV0Fixture) == SampleFiles.shared(SampleFiles.vllmV0))
        #expect(
            try SampleFiles.fixture(SampleFiles.llamacppBusyFixture) == SampleFiles.shared(SampleFiles.llamacppBusy)
        )
    }

    // MARK: Shared samples (run where ../shared exists)

    @Test(.enabled(if: SampleFiles.hasAllShared, Comment(rawValue: SampleFiles.skipMessage)))
    func everySharedSampleParsesWithoutIssuesStrictly() throws {
        let expected: [String: (samples: Int, types: Int)] = [
            SampleFiles.vllmV1: (368, 67),
            SampleFiles.vllmV0: (120, 29),
            SampleFiles.sglang: (91, 12),
            SampleFiles.sglangExcerpts: (24, 9),
            SampleFiles.llamacppIdle: (15, 15),
            SampleFiles.llamacppBusy: (15, 15),
        ]
        for file in SampleFiles.allShared {
            let scrape = try parser.parseStrict(try SampleFiles.shared(file))
            #expect(scrape.samples.count == expected[file]?.samples, "\(file)")
            #expect(scrape.types.count == expected[file]?.types, "\(file)")
        }
    }

    @Test(.enabled(if: SampleFiles.hasAllShared, Comment(rawValue: SampleFiles.skipMessage)))
    func detectsTheEngineOfEachSharedSample() throws {
        let kinds: [String: EngineKind] = [
            SampleFiles.vllmV1: .vllm, SampleFiles.vllmV0: .vllm, SampleFiles.sglang: .sglang,
            SampleFiles.sglangExcerpts: .sglang, SampleFiles.llamacppIdle: .llamacpp,
            SampleFiles.llamacppBusy: .llamacpp,
        ]
        for (file, kind) in kinds {
            #expect(EngineKind.detect(in: parser.parse(try SampleFiles.shared(file))) == kind, "\(file)")
        }
    }

    @Test(.enabled(if: SampleFiles.hasAllShared, Comment(rawValue: SampleFiles.skipMessage)))
    func readsVLLMV1Metrics() throws {
        let scrape = parser.parse(try SampleFiles.shared(SampleFiles.vllmV1))
        #expect(scrape.contains("vllm:kv_cache_usage_perc"))
        #expect(scrape.contains("vllm:gpu_cache_usage_perc"))
        let ttftBuckets = scrape.samples(named: "vllm:time_to_first_token_seconds_bucket")
        #expect(ttftBuckets.count == 23)
        #expect(ttftBuckets.last?.bucketUpperBound == .infinity)
        #expect(ttftBuckets.last?.value == 3)
        #expect(scrape.type(ofSample: "vllm:time_to_first_token_seconds_sum") == .histogram)
        #expect(scrape.type(ofSample: "http_request_size_bytes_count") == .summary)
        let info = try #require(scrape.samples(named: "vllm:cache_config_info").first)
        #expect(info.labels["engine"] == "0")
        #expect(info.labels["enable_prefix_caching"] == "True")
        let metrics = try EngineMetrics.extract(from: scrape)
        var expected = EngineMetrics(
            kind: .vllm,
            waiting: 0,
            running: 0,
            kvUsage: 1.3798051715085968e-05,
            kvBlockSize: 128,
            numGPUBlocks: 72474,
            kvCapacityTokens: 128 * 72474,
            promptTokensTotal: 39,
            generationTokensTotal: 26,
            preemptionsTotal: 0
        )
        // The capture's prefix cache: 39 tokens queried, none found.
        expected.prefixCacheQueriesTotal = 39
        expected.prefixCacheHitsTotal = 0
        // Three requests (1 stop, 2 length), with 23 token gaps (the V1 sample has only the older name).
        #expect(metrics.requestSuccessTotal == 3)
        #expect(metrics.ttftHistogram?.count == 3)
        #expect(metrics.interTokenHistogram?.count == 23)
        #expect(metrics.e2eHistogram?.count == 3)
        expected.requestSuccessTotal = metrics.requestSuccessTotal
        expected.ttftHistogram = metrics.ttftHistogram
        expected.interTokenHistogram = metrics.interTokenHistogram
        expected.e2eHistogram = metrics.e2eHistogram
        #expect(metrics == expected)
        #expect(metrics.prefixHitRate == 0)
    }

    @Test(.enabled(if: SampleFiles.hasAllShared, Comment(rawValue: SampleFiles.skipMessage)))
    func readsSGLangMetrics() throws {
        let scrape = parser.parse(try SampleFiles.shared(SampleFiles.sglang))
        #expect(
            scrape.samples(named: "sglang:func_latency_seconds_count").first?.labels == ["name": "generate_request"]
        )
        let metrics = try EngineMetrics.extract(from: scrape)
        var expected = EngineMetrics(
            kind: .sglang,
            waiting: 2826,
            running: 162,
            kvUsage: 0.28,
            kvUsedTokens: 123_859,
            promptTokensTotal: 8.128902e+06,
            generationTokensTotal: 7.557572e+06
        )
        expected.prefixCacheHitRate = 0.007507552643049313
        #expect(metrics.ttftHistogram?.count == 11008)
        #expect(metrics.e2eHistogram?.count == 11228)
        #expect(metrics.interTokenHistogram?.count == 7.400757e+06)
        // Mean TTFT from `_sum` / `_count`, and a median inside the buckets.
        let ttft = try #require(metrics.ttftHistogram)
        #expect(abs((ttft.mean ?? 0) - 2.3518979474117756e+06 / 11008) < 1e-9)
        let median = try #require(ttft.quantile(0.5))
        #expect(median > 0 && median <= (ttft.bounds.last ?? 0))
        expected.ttftHistogram = metrics.ttftHistogram
        expected.interTokenHistogram = metrics.interTokenHistogram
        expected.e2eHistogram = metrics.e2eHistogram
        #expect(metrics == expected)
        #expect(metrics.prefixHitRate == 0.007507552643049313)
    }

    @Test(.enabled(if: SampleFiles.hasAllShared, Comment(rawValue: SampleFiles.skipMessage)))
    func readsSGLangRankLabelledExcerpts() throws {
        let scrape = parser.parse(try SampleFiles.shared(SampleFiles.sglangExcerpts))
        let throughput = scrape.samples(named: "sglang:gen_throughput")
        #expect(throughput.count == 7)
        #expect(throughput.first?.labels["dp_rank"] == "3")
        #expect(scrape.samples(named: "sglang:num_queue_reqs").count == 2)
        let metrics = try EngineMetrics.extract(from: scrape)
        #expect(metrics.kind == .sglang)
        #expect(metrics.waiting == 0)
        #expect(metrics.running == 0)
        #expect(metrics.kvUsage == 0)
    }

    @Test(.enabled(if: SampleFiles.hasAllShared, Comment(rawValue: SampleFiles.skipMessage)))
    func readsLlamacppIdleAndBusy() throws {
        let idle = try EngineMetrics.extract(from: parser.parse(try SampleFiles.shared(SampleFiles.llamacppIdle)))
        #expect(
            idle
                == EngineMetrics(
                    kind: .llamacpp,
                    waiting: 0,
                    running: 0,
                    promptTokensTotal: 0,
                    generationTokensTotal: 0
                )
        )
        let busy = try EngineMetrics.extract(from: parser.parse(try SampleFiles.shared(SampleFiles.llamacppBusy)))
        #expect(busy.running == 2)
        #expect(busy.waiting == 2)
        #expect(busy.kvUsage == nil)
    }
}

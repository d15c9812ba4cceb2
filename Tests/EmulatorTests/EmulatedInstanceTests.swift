import Emulator
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardCore
import Testing

@Suite struct EmulatedInstanceTests {
    @Test func tokensArriveInOrderAndTheStreamFinishes() async throws {
        let instance = try Fixture.instance()
        let generation = try await instance.submit(promptTokens: 30, maxTokens: 25)
        var received: [Int] = []
        for await index in generation.tokens { received.append(index) }
        #expect(received == Array(1...25))
        let stats = await instance.stats()
        #expect(stats.running == 0 && stats.waiting == 0)
        #expect(stats.generationTokens == 25)
        #expect(stats.promptTokens == 30)
        #expect(stats.finishedByReason[.length] == 1)
    }

    @Test func concurrentRequestsAllFinishWithTheirLengths() async throws {
        let instance = try Fixture.instance()
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for length in 1...40 {
                let generation = try await instance.submit(promptTokens: 100, maxTokens: length)
                group.addTask {
                    var count = 0
                    for await _ in generation.tokens { count += 1 }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(counts == (1...40).reduce(0, +))
        #expect(await instance.stats().generationTokens == counts)
    }

    @Test func aRepeatedPromptHitsThePrefixCacheAndItIsPublishedAsVLLMDoes() async throws {
        let instance = try Fixture.instance()
        let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 60)
        let prefix = PromptBlockHasher.hashes(text: text)
        for _ in 0..<2 {
            let generation = try await instance.submit(promptTokens: 600, maxTokens: 3, prefix: prefix)
            for await _ in generation.tokens {}
        }
        let stats = await instance.stats()
        #expect(stats.prefixCacheQueries == 1200)
        // The second prompt found all but its last 16-token block cached (vLLM always computes the last token).
        #expect(stats.prefixCacheHits == 37 * 16)
        let text2 = stats.prometheusText(modelName: "m")
        #expect(text2.contains(#"vllm:prefix_cache_queries_total{engine="0",model_name="m"} 1200.0"#))
        #expect(text2.contains(#"vllm:prefix_cache_hits_total{engine="0",model_name="m"} 592.0"#))
        #expect(text2.contains(#"enable_prefix_caching="True""#))
    }

    @Test func promptLongerThanTheContextIsRejected() async throws {
        let instance = try Fixture.instance()
        await #expect(throws: EmulatorError.self) {
            _ = try await instance.submit(promptTokens: instance.maxModelLen, maxTokens: 1)
        }
    }

    @Test func traceLengthsAreCappedByMaxTokens() async throws {
        let profile = try Fixture.instance().configuration.profile
        let instance = try EmulatedInstance(
            configuration: EmulatorConfiguration(profile: profile, speed: 50, traceLengths: true, seed: 7)
        )
        for _ in 0..<20 {
            let generation = try await instance.submit(promptTokens: 10, maxTokens: 64)
            #expect((1...64).contains(generation.outputTokens))
            #expect(generation.finishReason == (generation.outputTokens < 64 ? .stop : .length))
        }
    }

    @Test func metricsShowRunningAndWaitingWhileRequestsAreInFlight() async throws {
        let instance = try Fixture.oneSeatInstance()
        let app = Fixture.application(instance)
        try await app.test(.router) { client in
            async let first = client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"model":"switchyard-emulated","prompt":"a","max_tokens":20}"#)
            )
            async let second = client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"model":"switchyard-emulated","prompt":"b","max_tokens":20}"#)
            )
            var sawBusy = false
            for _ in 0..<200 {
                let response = try await client.execute(uri: "/metrics", method: .get)
                let samples = Fixture.metrics(String(buffer: response.body))
                if samples["vllm:num_requests_running"] == 1, samples["vllm:num_requests_waiting"] == 1 {
                    sawBusy = true
                    #expect((samples["vllm:kv_cache_usage_perc"] ?? 0) > 0)
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(sawBusy)
            _ = try await (first, second)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let samples = Fixture.metrics(String(buffer: response.body))
            #expect(samples["vllm:num_requests_running"] == 0)
            #expect(samples["vllm:num_requests_waiting"] == 0)
            #expect(samples["vllm:kv_cache_usage_perc"] == 0)
            #expect(samples["vllm:generation_tokens_total"] == 40)
            #expect(samples["vllm:request_success_total"] == 2)
            #expect((samples["vllm:prompt_tokens_total"] ?? 0) >= 2)
            #expect(samples["vllm:num_preemptions_total"] == 0)
            let label =
                #"vllm:request_success_total{engine="0",finished_reason="length",model_name="switchyard-emulated"}"#
            #expect(samples[label] == 2)
            #expect(samples.keys.contains { $0.hasPrefix(#"vllm:cache_config_info{block_size="16""#) })
        }
    }

    @Test func metricsTextMatchesVLLMFormatting() async throws {
        let text = try await Fixture.instance().stats().prometheusText(modelName: "m")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("# HELP vllm:num_requests_running Number of requests in model execution batches."))
        #expect(lines.contains("# TYPE vllm:num_requests_running gauge"))
        #expect(lines.contains(#"vllm:num_requests_running{engine="0",model_name="m"} 0.0"#))
        #expect(lines.contains("# TYPE vllm:num_preemptions_total counter"))
        #expect(lines.contains { $0.hasPrefix(#"vllm:cache_config_info{block_size="16""#) && $0.hasSuffix(" 1.0") })
        #expect(lines.contains { $0.contains(#"num_gpu_blocks="1660""#) })
    }
}

@Suite struct EmulatedInstanceAbortTests {
    @Test func abortFreesTheEngineEndsTheStreamAndCountsAsAbort() async throws {
        let instance = try Fixture.instance(speed: 1)
        let generation = try await instance.submit(promptTokens: 200, maxTokens: 500)
        var iterator = generation.tokens.makeAsyncIterator()
        _ = await iterator.next()
        #expect(await instance.stats().running == 1)
        await instance.abort(generation.id)
        var rest = 0
        while await iterator.next() != nil { rest += 1 }
        #expect(rest < 5, "the stream ends at once, not after 500 tokens")
        let stats = await instance.stats()
        #expect(stats.running == 0)
        #expect(stats.waiting == 0)
        #expect(stats.kvUsage == 0)
        #expect(stats.finishedByReason[.abort] == 1)
        #expect(stats.prometheusText(modelName: "m").contains(#"finished_reason="abort",model_name="m"} 1.0"#))
    }
}

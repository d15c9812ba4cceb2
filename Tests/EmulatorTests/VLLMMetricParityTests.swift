import Emulator
import Foundation
import Testing

/// The emulator's `/metrics` against a real vLLM V1 server's (Fixtures/vllm_metrics_v1.txt, a copy of
/// ../shared/data/engine-samples/vllm/metrics_v1.txt): every `vllm:` metric of the capture is published with the
/// same type, and every sample series with the same label names, so monitors built for vLLM read the emulator.
@Suite struct VLLMMetricParityTests {
    /// Metric name → type, and sample name → the label-name sets its samples carry.
    struct Exposition {
        var types: [String: String] = [:]
        var labelSets: [String: Set<[String]>] = [:]

        init(_ text: String) {
            for line in text.split(separator: "\n") {
                if line.hasPrefix("# TYPE ") {
                    let parts = line.split(separator: " ")
                    if parts.count >= 4 { types[String(parts[2])] = String(parts[3]) }
                    continue
                }
                guard !line.hasPrefix("#"), let brace = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}")
                else { continue }
                let name = String(line[..<brace])
                let names = line[line.index(after: brace)..<close].split(separator: ",").compactMap {
                    $0.split(separator: "=").first.map(String.init)
                }
                labelSets[name, default: []].insert(names.sorted())
            }
        }
    }

    @Test func everyVLLMMetricOfARealServerIsPublishedWithItsTypeAndLabels() async throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/vllm_metrics_v1.txt", withExtension: nil))
        let real = Exposition(try String(contentsOf: url, encoding: .utf8))
        let instance = try Fixture.instance()
        let generation = try await instance.submit(promptTokens: 40, maxTokens: 6)
        for await _ in generation.tokens {}
        let ours = Exposition(await instance.stats().prometheusText(modelName: "m"))
        let vllmTypes = real.types.filter { $0.key.hasPrefix("vllm:") }
        #expect(vllmTypes.count > 40, "the capture holds vLLM's metrics")
        for (name, type) in vllmTypes.sorted(by: { $0.key < $1.key }) {
            #expect(ours.types[name] == type, "\(name): \(type) in vLLM, \(ours.types[name] ?? "missing") here")
        }
        for (name, sets) in real.labelSets where name.hasPrefix("vllm:") && name != "vllm:cache_config_info" {
            #expect(ours.labelSets[name] == sets, "\(name): labels \(sets) in vLLM, \(ours.labelSets[name] ?? []) here")
        }
    }

    /// The same against a real vLLM V0 server (Fixtures/vllm_metrics_v0.txt, from DataDog's integrations-core
    /// fixture via ../shared/data/engine-samples/vllm/metrics_v0.txt): with `--vllm-version 0`, every `vllm:`
    /// metric of V0 with its type, label names and bucket bounds, and none of V1's names beyond them.
    @Test func withVersion0ItPublishesWhatARealV0ServerDoes() async throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/vllm_metrics_v0.txt", withExtension: nil))
        let text = try String(contentsOf: url, encoding: .utf8)
        let real = Exposition(text)
        let instance = try Fixture.instance()
        let generation = try await instance.submit(promptTokens: 40, maxTokens: 6)
        for await _ in generation.tokens {}
        let v0 = await instance.stats().prometheusText(modelName: "m", version: .v0)
        let ours = Exposition(v0)
        let vllmTypes = real.types.filter { $0.key.hasPrefix("vllm:") }
        #expect(vllmTypes.count == 19)
        #expect(ours.types.filter { $0.key.hasPrefix("vllm:") } == vllmTypes, "the same metrics, no more")
        for (name, sets) in real.labelSets where name.hasPrefix("vllm:") {
            #expect(ours.labelSets[name] == sets, "\(name): labels \(sets) in vLLM, \(ours.labelSets[name] ?? []) here")
        }
        func bounds(_ text: String, _ name: String) -> [String] {
            text.split(separator: "\n").filter { $0.hasPrefix(name + "_bucket{") }.compactMap { line in
                line.split(separator: "le=\"").last?.split(separator: "\"").first.map(String.init)
            }
        }
        for name in [
            "vllm:time_to_first_token_seconds", "vllm:e2e_request_latency_seconds", "vllm:request_prompt_tokens",
        ] {
            #expect(bounds(v0, name) == bounds(text, name), "\(name)'s buckets")
        }
        #expect(v0.contains(#"vllm:time_to_first_token_seconds_count{model_name="m"} 1.0"#))
        #expect(!v0.contains("_created") && !v0.contains("engine="))
    }

    @Test func latencyHistogramsCountEachRequestAndItsTokenGaps() async throws {
        let instance = try Fixture.instance()
        for _ in 0..<3 {
            let generation = try await instance.submit(promptTokens: 100, maxTokens: 5)
            for await _ in generation.tokens {}
        }
        let histograms = await instance.stats().histograms
        #expect(histograms.timeToFirstToken.count == 3)
        #expect(histograms.e2eLatency.count == 3)
        #expect(histograms.interTokenLatency.count == 3 * 4, "four gaps after each first token")
        #expect(histograms.generationTokens.sum == 15)
        #expect(histograms.promptTokens.sum == 300)
        #expect(histograms.e2eLatency.sum >= histograms.timeToFirstToken.sum)
        #expect(histograms.iterationTokens.count > 0)
    }

    @Test func latencyHistogramsAreInWallClockSecondsAsVLLMsAre() async throws {
        // At 50× the emulated request takes about half a second of model time; vLLM would report the time it took.
        let instance = try Fixture.instance(speed: 50)
        let start = ContinuousClock.now
        let generation = try await instance.submit(promptTokens: 100, maxTokens: 20)
        for await _ in generation.tokens {}
        let wall = (ContinuousClock.now - start) / .seconds(1)
        let histograms = await instance.stats().histograms
        #expect(histograms.e2eLatency.count == 1)
        #expect(histograms.e2eLatency.sum > 0)
        #expect(histograms.e2eLatency.sum <= wall, "E2E \(histograms.e2eLatency.sum) s within \(wall) s of wall time")
        #expect(histograms.timeToFirstToken.sum <= histograms.e2eLatency.sum)
    }
}

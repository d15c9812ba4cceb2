import Foundation
import Gateway
import GatewayServer
import Logging
import SwitchyardCore
import Testing

/// The engines' own figures beside the gateway's: rates from their counters, latencies from their histograms, and
/// `switchyard top`'s watch with no gateway in the path.
@Suite(.serialized) struct EngineSideTests {
    /// Streams requests through the gateway from `workers` loops until `deadline`; returns how many completed.
    static func load(
        _ harness: Harness,
        workers: Int,
        maxTokens: Int,
        until deadline: ContinuousClock.Instant
    ) async
        -> Int
    {
        await withTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var done = 0
                    while ContinuousClock.now < deadline {
                        let body = Harness.streamBody(prompt: "worker \(worker) says hello", maxTokens: maxTokens)
                        if let reply = try? await harness.send("/v1/completions", json: body), reply.status == 200 {
                            done += 1
                        }
                    }
                    return done
                }
            }
            return await group.reduce(0, +)
        }
    }

    @Test func theHeaderRatesAgreeWithTheEnginesCountersOverTheSameWindow() async throws {
        let instances = try Harness.emulated(2, speed: 20)
        try await Harness.run(instances: instances) { harness in
            let deadline = ContinuousClock.now + .seconds(8)
            let loader = Task { await Self.load(harness, workers: 6, maxTokens: 24, until: deadline) }
            // Past the 5 s rate window, so both figures cover five seconds of steady load.
            try await Task.sleep(for: .seconds(7))
            let snapshot = harness.gateway.router.snapshot(now: harness.gateway.clock.now())
            let completed = await loader.value
            #expect(completed > 50, "too little load to compare: \(completed) requests")
            let engineTokens = try #require(snapshot.engineTokensPerSecond)
            let engineRequests = try #require(snapshot.engineCompletionsPerSecond)
            // The router counts a request's tokens when it completes, the engine as it generates them, and the
            // scrapes are 0.1 s apart: over five seconds of 24-token requests the two agree to a few percent.
            #expect(engineTokens > 100)
            #expect(
                abs(snapshot.tokensPerSecond - engineTokens) <= 0.1 * engineTokens,
                "router \(snapshot.tokensPerSecond) tok/s, engines \(engineTokens)"
            )
            #expect(
                abs(snapshot.completionsPerSecond - engineRequests) <= 0.1 * engineRequests,
                "router \(snapshot.completionsPerSecond) req/s, engines \(engineRequests)"
            )
            for instance in snapshot.instances {
                let engine = try #require(instance.engine, "\(instance.name) has no engine figures")
                let ttft = try #require(engine.latency.ttft)
                let e2e = try #require(engine.latency.e2e)
                #expect(ttft.count > 10)
                #expect(ttft.p50 <= ttft.p99 && e2e.p50 <= e2e.p99)
                #expect(engine.latency.interToken != nil)
                #expect((engine.generationTokensPerSecond ?? 0) > 0)
                #expect(engine.preemptions == 0)
                let gateway = try #require(instance.gateway, "\(instance.name) has no gateway figures")
                #expect((gateway.e2e?.count ?? 0) > 10)
            }
        }
    }

    @Test func topReportsEachBackendTheAggregateAndTheDeadOne() async throws {
        let instances = try Harness.emulated(2, speed: 20)
        try await Harness.run(instances: instances) { harness in
            // Six requests before the watch starts: its since-start figures count them, its window does not.
            for _ in 0..<6 {
                let reply = try await harness.send("/v1/completions", json: Harness.streamBody(maxTokens: 8))
                #expect(reply.status == 200)
            }
            var config = GatewayConfiguration(
                backends: (harness.backendURLs + ["http://127.0.0.1:1"]).enumerated().map { index, url in
                    BackendDescriptor(url: url, name: "b\(index)")
                }
            )
            config.connectTimeout = 1
            let watch = try ClusterWatch(configuration: config, logger: Harness.quiet)
            let during = Task {
                try await Task.sleep(for: .milliseconds(300))
                for _ in 0..<4 {
                    _ = try await harness.send("/v1/completions", json: Harness.streamBody(maxTokens: 8))
                }
            }
            let report = await watch.once(interval: 2)
            try await during.value
            await watch.shutdown()
            #expect(report.backends.map(\.status) == ["up", "up", "down"])
            #expect(report.backends[2].reason?.contains("/health") == true)
            #expect(report.backends[2].running == nil)
            #expect(report.aggregate.backends == 3)
            #expect(report.aggregate.up == 2)
            let before = report.backends[0...1].compactMap(\.latencySinceStart.ttft?.count).reduce(0, +)
            #expect(before == 10)
            let window = report.backends[0...1].compactMap(\.latency.e2e?.count).reduce(0, +)
            #expect(window == 4)
            #expect(report.aggregate.latency.e2e?.count == 4)
            #expect((report.aggregate.throughput.requestsPerSecond ?? 0) > 0)
            #expect(report.backends.allSatisfy { $0.engine == "vllm" || $0.status == "down" })
            // The JSON keys scripts read.
            let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
            let first = try #require((json?["backends"] as? [[String: Any]])?.first)
            for key in ["status", "running", "waiting", "kv_usage", "latency", "latency_since_start", "throughput"] {
                #expect(first[key] != nil, "missing \(key)")
            }
        }
    }
}

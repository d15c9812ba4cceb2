import Emulator
import Foundation
import Gateway
import Logging
import RouterCore
import Routing
import SwitchyardCore
import Testing

@testable import GatewayServer

/// The engines' own figures beside the gateway's: rates from their counters, latencies from their histograms, and
/// `switchyard top`'s watch with no gateway in the path.
@Suite(.serialized) struct EngineSideTests {
    @Test func theHeaderRatesAgreeWithTheEnginesCountersOverTheSameWindow() async throws {
        // The emulator runs the requests for real; the router's clock is set by hand, so that both rate windows
        // (the router's last 5 s, and the engines' scrapes 5 s apart) hold exactly the same requests whatever the
        // machine's load: scrapes every 0.5 s while idle up to t = 5, 24 requests finishing between t = 6 and 9.5,
        // the next scrape at t = 10.
        let instances = try Harness.emulated(2, speed: 50)
        let router = try LiveRouter(
            backends: [
                BackendDescriptor(url: "http://a:1", name: "a"), BackendDescriptor(url: "http://b:1", name: "b"),
            ],
            policy: "round-robin",
            policyNames: ["round-robin"],
            makePolicy: { name in try PolicyCatalog.make(name, seed: 1, instances: 2) },
            predictor: try PredictorStore.loadShipped()
        )
        let parser = PrometheusTextParser()
        func scrape(at time: Double) async throws {
            for (index, instance) in instances.enumerated() {
                let text = await instance.stats().prometheusText(modelName: "m")
                router.recordScrape(index, metrics: try EngineMetrics.extract(from: parser.parse(text)), now: time)
            }
        }
        for step in 0...10 { try await scrape(at: Double(step) * 0.5) }
        var tokens = 0
        for k in 0..<24 {
            let arrival = 5.5 + 0.1 * Double(k)
            let info = router.arrive(PromptFeatures(promptTokens: 50 + 10 * k), now: arrival)
            guard case .routed(let ticket) = router.route(info, now: arrival) else {
                Issue.record("request \(k) not routed")
                return
            }
            let generation = try await instances[ticket.backend].submit(promptTokens: 50 + 10 * k, maxTokens: 8 + k)
            var generated = 0
            for await _ in generation.tokens { generated += 1 }
            router.firstToken(ticket, now: arrival + 0.2)
            router.finish(ticket, outcome: .completed(completionTokens: generated), now: 6 + 0.15 * Double(k))
            tokens += generated
        }
        try await scrape(at: 10)
        let snapshot = router.snapshot(now: 10)
        #expect(tokens == (0..<24).map { 8 + $0 }.reduce(0, +))
        #expect(snapshot.completionsPerSecond == 24.0 / 5)
        #expect(snapshot.tokensPerSecond == Double(tokens) / 5)
        #expect(snapshot.engineCompletionsPerSecond == snapshot.completionsPerSecond)
        #expect(snapshot.engineTokensPerSecond == snapshot.tokensPerSecond)
        let prompt = (0..<24).map { 50 + 10 * $0 }.reduce(0, +)
        let enginePrompt = snapshot.instances.compactMap { $0.engine?.promptTokensPerSecond }.reduce(0, +)
        #expect(abs(enginePrompt - Double(prompt) / 5) < 1e-9)
        // Their latencies: every request in both the engines' histograms and the router's window.
        #expect(snapshot.instances.compactMap { $0.engine?.latency.ttft?.count }.reduce(0, +) == 24)
        #expect(snapshot.instances.compactMap { $0.gateway?.e2e?.count }.reduce(0, +) == 24)
    }

    @Test func throughTheGatewayEveryRequestIsInTheEnginesHistogramsAndTheGatewaysWindow() async throws {
        let instances = try Harness.emulated(2, speed: 20)
        try await Harness.run(instances: instances) { harness in
            var done = 0
            for k in 0..<12 {
                let reply = try await harness.send("/v1/completions", json: Harness.streamBody(maxTokens: 8 + k))
                if reply.status == 200 { done += 1 }
            }
            #expect(done == 12)
            // The scrapes after the last request (every 0.1 s here) bring the engines' histograms up to date.
            let router = harness.gateway.router
            let clock = harness.gateway.clock
            // A scrape taken between the last request's first token and its end counts it in TTFT, not yet in E2E.
            func engineCounts() -> [Int] {
                let instances = router.snapshot(now: clock.now()).instances
                return [
                    instances.compactMap { $0.engine?.latency.ttft?.count }.reduce(0, +),
                    instances.compactMap { $0.engine?.latency.e2e?.count }.reduce(0, +),
                ]
            }
            _ = try await harness.eventually(20) { engineCounts() == [done, done] }
            let snapshot = router.snapshot(now: clock.now())
            #expect(snapshot.instances.compactMap { $0.engine?.latency.ttft?.count }.reduce(0, +) == done)
            #expect(snapshot.instances.compactMap { $0.engine?.latency.e2e?.count }.reduce(0, +) == done)
            #expect(snapshot.instances.compactMap { $0.gateway?.e2e?.count }.reduce(0, +) == done)
            for instance in snapshot.instances {
                let engine = try #require(instance.engine, "\(instance.name) has no engine figures")
                let ttft = try #require(engine.latency.ttft)
                let e2e = try #require(engine.latency.e2e)
                #expect(ttft.p50 <= ttft.p99 && e2e.p50 <= e2e.p99)
                #expect(engine.latency.interToken != nil)
                #expect(engine.preemptions == 0)
                let gateway = try #require(instance.gateway?.e2e)
                #expect(gateway.count > 0)
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
            config.connectTimeout = 5
            let watch = try ClusterWatch(configuration: config, logger: Harness.quiet)
            // Nothing happens during the report's interval: the window is empty, the since-start figures hold the six.
            let report = await watch.once(interval: 0.5)
            #expect(report.backends.map(\.status) == ["up", "up", "down"])
            #expect(report.backends[2].reason?.contains("/health") == true)
            #expect(report.backends[2].running == nil)
            #expect(report.aggregate.backends == 3)
            #expect(report.aggregate.up == 2)
            #expect(report.backends[0...1].compactMap(\.latencySinceStart.ttft?.count).reduce(0, +) == 6)
            #expect(report.backends[0...1].allSatisfy { $0.latency.e2e == nil })
            #expect(report.aggregate.latency.e2e == nil)
            #expect(report.aggregate.throughput.requestsPerSecond == 0)
            // Four more, then a scrape: the window (since the first scrape) holds exactly those four.
            for _ in 0..<4 {
                let reply = try await harness.send("/v1/completions", json: Harness.streamBody(maxTokens: 8))
                #expect(reply.status == 200)
            }
            for index in 0..<2 { await watch.pool.scrape(index) }
            let later = watch.report()
            await watch.shutdown()
            #expect(later.backends[0...1].compactMap(\.latencySinceStart.ttft?.count).reduce(0, +) == 10)
            #expect(later.backends[0...1].compactMap(\.latency.e2e?.count).reduce(0, +) == 4)
            #expect(later.aggregate.latency.e2e?.count == 4)
            #expect((later.aggregate.throughput.requestsPerSecond ?? 0) > 0)
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

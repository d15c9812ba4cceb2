import AsyncHTTPClient
import Emulator
import Foundation
import Gateway
import GatewayServer
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import SwitchyardCore
import Testing

/// The gateway over real loopback sockets, in front of emulated vLLM instances and small fake engines.
@Suite(.serialized) struct GatewayEndToEndTests {
    @Test func streamsThroughAndServesModelsHealthMetricsAndState() async throws {
        try await Harness.run(instances: try Harness.emulated(2, speed: 50)) { h in
            let reply = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 5))
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "content-type") == "text/event-stream")
            let events = reply.body.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
            #expect(events.count == 7, "5 tokens, usage, [DONE]: \(events)")
            #expect(events.last == "data: [DONE]")
            let whole = try await h.send(
                "/v1/chat/completions",
                json: #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":3}"#
            )
            #expect(whole.status == 200)
            #expect(whole.body.contains(#""completion_tokens":3"#))
            let models = try await h.send("/v1/models", method: .GET)
            #expect(models.body.contains(EmulatorConfiguration.defaultModelName))
            let health = try await h.send("/health", method: .GET)
            #expect(health.status == 200)
            #expect(health.body.contains(#""backends_up":2"#))
            let metrics = try await h.send("/metrics", method: .GET)
            #expect(metrics.body.contains("switchyard_requests_total{"))
            #expect(metrics.body.contains(#"outcome="ok""#))
            #expect(metrics.body.contains("switchyard_ttft_seconds_bucket"))
            #expect(metrics.body.contains("switchyard_routing_decisions_total{"))
            let state = try await h.state()
            let totals = try #require(state["totals"] as? [String: Any])
            #expect(totals["completed"] as? Int == 2)
            #expect(totals["in_flight"] as? Int == 0)
            let backends = try #require(state["backends"] as? [[String: Any]])
            #expect(backends.allSatisfy { $0["engine"] as? String == "vllm" })
            let snapshot = try #require(state["snapshot"] as? [String: Any])
            // One decision per request, or two when a request was retried on a fresh connection under load.
            let decided = (snapshot["recent_decisions"] as? [[String: Any]] ?? []).compactMap { $0["request"] as? Int }
            #expect(Set(decided).count == 2 && decided.count <= 4, "decisions for requests \(decided)")
            // One spelling throughout: no camelCase key anywhere in the reply.
            let stateText = try await h.send("/admin/state", method: .GET).body
            #expect(stateText.range(of: #""[a-z]+[A-Z][A-Za-z]*":"#, options: .regularExpression) == nil)
            // Routes the gateway does not serve get an OpenAI-style 404 that names them.
            let missing = try await h.send("/v1/embeddings", json: "{}")
            #expect(missing.status == 404)
            #expect(missing.body.contains("NotFoundError") && missing.body.contains("POST /v1/embeddings"))
            let oracle = try await h.send("/admin/policy", json: #"{"policy":"oracle"}"#)
            #expect(oracle.status == 400)
            #expect(oracle.body.contains("not available in real mode"), "\(oracle.body)")
        }
    }

    @Test func admissionControlShedsWith429AndRetryAfterAndCountsIt() async throws {
        // An objective nothing can meet (below a 15 ms iteration) for the default; a named one that can.
        let objectives: @Sendable (inout GatewayConfiguration) -> Void = { config in
            config.admission.defaultObjective = ServiceObjective(ttft: 0.001)
            config.admission.objectives["relaxed"] = ServiceObjective(ttft: 60)
        }
        try await Harness.run(instances: try Harness.emulated(1, speed: 50), configure: objectives) { h in
            let shed = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 2))
            #expect(shed.status == 429)
            #expect(shed.headers.first(name: "retry-after") == "1")
            #expect(shed.body.contains("RateLimitError") && shed.body.contains("cannot meet"), "\(shed.body)")
            let relaxed = try await h.send(
                "/v1/completions",
                json: Harness.streamBody(maxTokens: 2),
                headers: [("x-gateway-inference-objective", "relaxed")]
            )
            #expect(relaxed.status == 200)
            let metrics = try await h.send("/metrics", method: .GET).body
            #expect(metrics.contains(#"switchyard_shed_total{reason="objective_unmet"} 1"#), "\(metrics)")
            let snapshot = try await h.state()["snapshot"] as? [String: Any]
            let admission = snapshot?["admission"] as? [String: Any]
            #expect(admission?["shed"] as? Int == 1)
            #expect((admission?["last_shed_reason"] as? String)?.contains("cannot meet") == true)
        }
    }

    @Test func aRepeatedConversationGoesWhereItsPrefixIsCachedAndHitsThere() async throws {
        let instances = try Harness.emulated(3, speed: 50)
        let leastImpact: @Sendable (inout GatewayConfiguration) -> Void = { $0.policy = "least-impact" }
        try await Harness.run(instances: instances, configure: leastImpact) { h in
            let system = String(repeating: "You are a careful assistant who answers in full sentences. ", count: 40)
            func ask(_ question: String) async throws {
                let body = """
                    {"messages":[{"role":"system","content":"\(system)"},{"role":"user","content":"\(question)"}],\
                    "max_tokens":2}
                    """
                let reply = try await h.send("/v1/chat/completions", json: body)
                #expect(reply.status == 200, "\(reply.body)")
            }
            try await ask("What is a router?")
            try await ask("What is a router, again?")
            let state = try await h.state()
            let snapshot = try #require(state["snapshot"] as? [String: Any])
            let decisions = try #require(snapshot["recent_decisions"] as? [[String: Any]])
            #expect(decisions.count == 2)
            // The second request was credited the shared system prompt where the first went, and went there.
            let second = try #require(decisions.last)
            let top = try #require((second["top_scores"] as? [[String: Any]])?.first)
            let share = try #require(top["cached_share"] as? Double)
            #expect(share > 0.5, "cached share \(share)")
            #expect(top["instance"] as? Int == decisions.first?["instance"] as? Int)
            // And the engine there found it cached, as its /metrics say.
            var hits = 0
            for instance in instances { hits += await instance.stats().prefixCacheHits }
            #expect(hits > 0)
        }
    }

    @Test func passesAStreamThroughByteForByte() async throws {
        let sample = try Self.fixture("vllm_chat_stream.txt")
        let fake = Self.fakeEngine(stream: Array(sample.utf8), pieceSize: 37)
        try await Harness.run(instances: [], extraRouters: [fake]) { h in
            let reply = try await h.send(
                "/v1/chat/completions",
                json: #"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#
            )
            #expect(reply.status == 200)
            #expect(reply.body == sample)
            let state = try await h.state()
            let totals = try #require(state["totals"] as? [String: Any])
            #expect(totals["completed"] as? Int == 1)
        }
    }

    @Test func switchesPolicyThroughAdminAndGuardsAdminWithAToken() async throws {
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.adminToken = "s3cret" }
        try await Harness.run(instances: try Harness.emulated(2, speed: 50), configure: configure) { h in
            let denied = try await h.send("/admin/policy", json: #"{"policy":"least-requests"}"#)
            #expect(denied.status == 401)
            let auth = [("authorization", "Bearer s3cret")]
            let wrong = try await h.send("/admin/state", method: .GET, headers: [("authorization", "Bearer nope")])
            #expect(wrong.status == 401)
            let switched = try await h.send("/admin/policy", json: #"{"policy":"least-requests"}"#, headers: auth)
            #expect(switched.status == 200)
            #expect(switched.body.contains(#""policy":"least-requests""#))
            let unknown = try await h.send("/admin/policy", json: #"{"policy":"oracle"}"#, headers: auth)
            #expect(unknown.status == 400)
            let bad = try await h.send("/admin/policy", json: #"{"name":1}"#, headers: auth)
            #expect(bad.status == 400)
            _ = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 2))
            let decisions = h.gateway.router.snapshot(now: h.gateway.clock.now()).recentDecisions
            #expect(decisions.last?.policy == "least-requests")
            let burst = try await h.send("/admin/burst", json: #"{"kind":"sideways"}"#, headers: auth)
            #expect(burst.status == 400)
            // A live A/B split: every other request goes by the B policy.
            let ab = try await h.send("/admin/policy", json: #"{"compare":"round-robin"}"#, headers: auth)
            #expect(ab.status == 200)
            #expect(ab.body.contains(#""compare":"round-robin""#))
            for _ in 0..<4 { _ = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 2)) }
            let split = h.gateway.router.snapshot(now: h.gateway.clock.now())
            #expect(split.twin?.policy == "round-robin")
            #expect(split.completed == 2)
            #expect(split.twin?.completed == 2)
            let off = try await h.send("/admin/policy", json: #"{"compare":null}"#, headers: auth)
            #expect(off.body.contains(#""compare":null"#))
        }
    }

    @Test func refusesToListenBeyondLoopbackWithoutAToken() {
        #expect(throws: (any Error).self) {
            _ = try SwitchyardGateway(
                configuration: GatewayConfiguration(host: "0.0.0.0", backends: [.init(url: "http://127.0.0.1:1")]),
                logger: Harness.quiet
            )
        }
    }

    @Test func rejectsMalformedOversizedAndUnknownModelRequestsCleanly() async throws {
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.maxBodyBytes = 2048 }
        try await Harness.run(instances: try Harness.emulated(1, speed: 50), configure: configure) { h in
            let malformed = try await h.send("/v1/completions", json: "{not json")
            #expect(malformed.status == 400)
            #expect(malformed.body.contains("not valid JSON"))
            let missing = try await h.send("/v1/completions", json: #"{"max_tokens":3}"#)
            #expect(missing.status == 400)
            #expect(missing.body.contains(#""param":"prompt""#))
            let big = try await h.send(
                "/v1/completions",
                json: #"{"prompt":"\#(String(repeating: "a ", count: 3000))"}"#
            )
            #expect(big.status == 413)
            let unknown = try await h.send("/v1/completions", json: #"{"model":"gpt-9","prompt":"hi"}"#)
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("gpt-9"))
            let fine = try await h.send("/v1/completions", json: #"{"prompt":"hi","max_tokens":2}"#)
            #expect(fine.status == 200)
        }
    }

    @Test func ignoresGarbageMetricsAndStillRoutes() async throws {
        let sample = try Self.fixture("vllm_chat_stream.txt")
        let fake = Self.fakeEngine(
            stream: Array(sample.utf8),
            pieceSize: 500,
            metrics: "garbage {{{ \n\u{0}\u{7}not prometheus"
        )
        try await Harness.run(instances: [], extraRouters: [fake]) { h in
            try await Task.sleep(for: .milliseconds(300))
            let state = try await h.state()
            let backend = try #require((state["backends"] as? [[String: Any]])?.first)
            #expect(backend["up"] as? Bool == true)
            #expect(backend["metrics"] as? String == "missing")
            #expect((backend["scrape_error"] as? String)?.isEmpty == false)
            let reply = try await h.send(
                "/v1/chat/completions",
                json: #"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#
            )
            #expect(reply.status == 200)
        }
    }

    @Test func aStreamThatGoesQuietTripsTheIdleTimeoutAndNotBefore() async throws {
        // Two chunks, then silence: the client gets them, then a clean error event once the idle timeout passes.
        let head = Array("data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"choices\":[{\"text\":\"b\"}]}\n\n".utf8)
        let quiet = Self.fakeEngine(stream: head, pieceSize: head.count, silenceAfter: 10)
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.idleTimeout = 0.5 }
        try await Harness.run(instances: [], extraRouters: [quiet], configure: configure) { h in
            let start = ContinuousClock.now
            let reply = try await h.send(
                "/v1/chat/completions",
                json: #"{"messages":[{"role":"user","content":"hi"}],"stream":true}"#
            )
            let elapsed = ContinuousClock.now - start
            #expect(reply.body.hasPrefix(String(decoding: head, as: UTF8.self)))
            #expect(reply.body.contains("idle timeout"))
            // A timeout never fires early (the deadlines themselves are tested on a manual clock in
            // StreamWatchdogTests; how late the 100 ms ticker is depends on the machine, so it is printed, not tested).
            #expect(elapsed > .milliseconds(500))
            print("gateway: idle timeout 0.5 s ended the quiet stream after \(elapsed)")
            #expect(h.gateway.router.totals.failed == 1)
            #expect(h.gateway.router.totals.inFlight == 0)
        }
    }

    // MARK: - Helpers

    static func fixture(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// A fake engine that streams fixed bytes in pieces and serves the given `/metrics` text.
    static func fakeEngine(
        stream: [UInt8],
        pieceSize: Int,
        metrics: String = "",
        silenceAfter: Double = 0
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in "ok" }
        router.get("/metrics") { _, _ in metrics }
        router.get("/v1/models") { _, _ -> Response in
            let body = #"{"object":"list","data":[{"id":"fake-model","object":"model"}]}"#
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
        router.post("/v1/chat/completions") { _, _ -> Response in
            let body = ResponseBody { writer in
                var start = 0
                while start < stream.count {
                    let end = min(stream.count, start + pieceSize)
                    try await writer.write(ByteBuffer(bytes: stream[start..<end]))
                    try await Task.sleep(for: .milliseconds(2))
                    start = end
                }
                if silenceAfter > 0 { try await Task.sleep(for: .seconds(silenceAfter)) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: body)
        }
        return router
    }
}

import AsyncHTTPClient
import Emulator
import Foundation
import Gateway
import GatewayServer
import NIOCore
import NIOHTTP1
import SwitchyardCore
import Synchronization
import Testing

/// The reliability figures of issue 5, each printed: concurrency, a backend dying mid-stream, a stalled backend.
@Suite(.serialized) struct GatewayReliabilityTests {
    @Test func thousandConcurrentStreamsAllFinishCleanly() async throws {
        try await Harness.run(instances: try Harness.emulated(4, speed: 50)) { h in
            let start = ContinuousClock.now
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        do {
                            let reply = try await h.send(
                                "/v1/completions",
                                json: Harness.streamBody(prompt: "request \(index) says hello", maxTokens: 8),
                                timeout: 120
                            )
                            if reply.status == 200, reply.body.hasSuffix("data: [DONE]\n\n") { return "ok" }
                            return reply.status == 200
                                ? "stream error: \(reply.body.suffix(300))" : "status \(reply.status): \(reply.body)"
                        } catch {
                            return "client error: \(error)"
                        }
                    }
                }
                var counts: [String: Int] = [:]
                for try await outcome in group { counts[outcome, default: 0] += 1 }
                return counts
            }
            let elapsed = ContinuousClock.now - start
            let totals = h.gateway.router.totals
            print(
                "reliability: 1000 concurrent streams through the gateway to 4 emulated instances in \(elapsed): \(outcomes); gateway arrived \(totals.arrived), completed \(totals.completed), failed \(totals.failed), in flight \(totals.inFlight)"
            )
            #expect(outcomes["ok"] == 1000)
            #expect(totals.arrived == 1000)
            #expect(totals.completed == 1000)
            #expect(totals.inFlight == 0)
        }
    }

    @Test func aBackendKilledMidStreamFailsOnlyItsStreamsAndIsReadmitted() async throws {
        let instances = try Harness.emulated(2, speed: 1)
        // Long enough that the healthy instance's streams survive a machine the rest of the suite keeps busy (the
        // llama.cpp tests, where built, load both cores): seen cut at 2 s.
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.idleTimeout = 5 }
        try await Harness.run(instances: instances, configure: configure) { h in
            // Four long streams, two per instance (round-robin).
            let replies = try await withThrowingTaskGroup(of: (status: Int, body: String).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let reply = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 60))
                        return (reply.status, reply.body)
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                // Once tokens flow, instance 1 dies: its streams stop and it refuses everything, /health included.
                try await Task.sleep(for: .milliseconds(300))
                let killedAt = ContinuousClock.now
                await instances[1].setFaults(FaultSettings(unavailable: true, dieMidStream: true, dieAfterTokens: 0))
                var replies: [(status: Int, body: String)] = []
                for try await reply in group {
                    replies.append(reply)
                    if reply.body.contains("BadGatewayError") {
                        print(
                            "reliability: kill mid-stream: a broken stream ended \(ContinuousClock.now - killedAt) after the kill"
                        )
                    }
                }
                return replies
            }
            let completed = replies.filter { $0.body.hasSuffix("data: [DONE]\n\n") }
            let broken = replies.filter { $0.body.contains("BadGatewayError") }
            #expect(completed.count == 2, "the other instance's streams are untouched")
            #expect(broken.count == 2, "the killed instance's clients get a clean error event")
            #expect(broken.allSatisfy { !$0.body.contains("data: [DONE]\n") })
            #expect(try await h.upFlags() == [true, false])
            // New requests avoid it while it is down.
            for _ in 0..<4 {
                let reply = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 2))
                #expect(reply.headers.first(name: "x-switchyard-backend") == h.gateway.router.descriptors[0].name)
            }
            // It comes back: /health passes again and it is re-admitted.
            await instances[1].setFaults(FaultSettings())
            let back = ContinuousClock.now
            #expect(try await h.eventually(5) { try await h.upFlags() == [true, true] })
            print("reliability: re-admitted \(ContinuousClock.now - back) after /health passed again")
        }
    }

    @Test func aStalledBackendTripsTheFirstByteTimeout() async throws {
        let instances = try Harness.emulated(2, speed: 50)
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.firstByteTimeout = 0.5 }
        try await Harness.run(instances: instances, configure: configure) { h in
            await instances[0].setFaults(FaultSettings(stallSeconds: 5))
            let start = ContinuousClock.now
            let reply = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 2))
            let elapsed = ContinuousClock.now - start
            print("reliability: stalled backend answered 504 after \(elapsed) (first-byte timeout 0.5 s)")
            #expect(reply.status == 504)
            #expect(reply.body.contains("first-byte timeout"))
            #expect(elapsed >= .milliseconds(500), "not before the timeout")
            let next = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 2))
            #expect(next.status == 200)
            #expect(next.headers.first(name: "x-switchyard-backend") == h.gateway.router.descriptors[1].name)
        }
    }

    @Test func aBackendAnswering5xxIsRetriedElsewhereThenEjectedAndCounted() async throws {
        let instances = try Harness.emulated(3, speed: 50)
        let configure: @Sendable (inout GatewayConfiguration) -> Void = {
            // Long enough that the backend stays out while the requests run, even on a loaded machine.
            $0.outlierDetection = OutlierDetection(consecutiveServerErrors: 3, baseEjectionTime: 4, maxEjectionTime: 4)
        }
        try await Harness.run(instances: instances, configure: configure) { h in
            // 500 on every completion, while /health and /metrics stay fine: only outlier detection can act.
            await instances[1].setFaults(FaultSettings(errorRate: 1))
            // Round-robin sends every third request to the failing backend; each is retried on another one.
            var served: [String] = []
            for _ in 0..<12 {
                let reply = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 2))
                #expect(reply.status == 200, "retried on a healthy backend: \(reply.body)")
                served.append(reply.headers.first(name: "x-switchyard-backend") ?? "")
            }
            let failing = h.gateway.router.descriptors[1].name
            #expect(!served.contains(failing))
            let status = try await h.state()["backends"] as? [[String: Any]] ?? []
            #expect(status[1]["up"] as? Bool == false, "ejected after 3 consecutive 5xx")
            #expect((status[1]["down_reason"] as? String ?? "").contains("consecutive 5xx"))
            let metrics = try await h.send("/metrics", method: .GET).body
            #expect(metrics.contains("switchyard_backend_ejections_total{backend=\"\(failing)\"} 1"))
            #expect(metrics.contains("switchyard_backend_up{backend=\"\(failing)\"} 0"))
            #expect(metrics.contains("switchyard_retries_total{backend=\"\(failing)\"} 3"))
            // Healthy again: after its ejection time and a passing /health it is back.
            await instances[1].setFaults(FaultSettings())
            #expect(try await h.eventually(15) { try await h.upFlags() == [true, true, true] })
        }
    }

    @Test func aFailing503BackendIsTakenOutByItsHealthEvenWithoutTraffic() async throws {
        let instances = try Harness.emulated(2, speed: 50)
        try await Harness.run(instances: instances) { h in
            await instances[0].setFaults(FaultSettings(unavailable: true))
            // The scraper sees /metrics answer 503, asks /health, which fails too.
            #expect(try await h.eventually(5) { try await h.upFlags() == [false, true] })
            let status = try await h.state()["backends"] as? [[String: Any]] ?? []
            #expect((status[0]["down_reason"] as? String ?? "").contains("/health fails"))
        }
    }

    @Test func aConnectionClosedBeforeAnyReplyIsRetriedOnAFreshOne() async throws {
        let server = try ClosingServer()
        defer { server.stop() }
        try await Harness.run(instances: [], externalURLs: ["http://127.0.0.1:\(server.port)"]) { h in
            #expect(try await h.eventually(5) { try await h.upFlags() == [true] })
            let reply = try await h.send("/v1/completions", json: #"{"prompt":"hello","max_tokens":1}"#)
            #expect(reply.status == 200, "retried once on a fresh connection: \(reply.body)")
            #expect(server.completionRequests == 2)
            #expect(h.gateway.router.totals.failed == 0)
            #expect(try await h.upFlags() == [true], "a closed connection is not the backend's fault")
        }
    }

    @Test func aDeadBackendAtStartIsNeverSentRequests() async throws {
        let configure: @Sendable (inout GatewayConfiguration) -> Void = {
            $0.backends.append(.init(url: "http://127.0.0.1:9"))
        }
        try await Harness.run(instances: try Harness.emulated(1, speed: 50), configure: configure) { h in
            #expect(try await h.upFlags() == [true, false])
            for _ in 0..<5 {
                let reply = try await h.send("/v1/completions", json: Harness.streamBody(maxTokens: 1))
                #expect(reply.status == 200)
            }
            let state = try await h.state()
            let backends = try #require(state["backends"] as? [[String: Any]])
            #expect(backends[1]["completed"] as? Int == 0)
            #expect(backends[1]["failed"] as? Int == 0)
        }
    }
}

@Suite(.serialized) struct GatewayDisconnectTests {
    @Test func aClientThatLeavesMidStreamAbortsTheEngineRequest() async throws {
        let instances = try Harness.emulated(1, speed: 1)
        try await Harness.run(instances: instances) { h in
            var request = HTTPClientRequest(url: h.base + "/v1/completions")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            // Long enough (about half a minute at real speed) that it cannot end by itself while the abort is awaited
            // on a loaded machine.
            request.body = .bytes(ByteBuffer(string: Harness.streamBody(maxTokens: 2000)))
            let reader = Task {
                let response = try await h.client.execute(request, timeout: .seconds(10))
                var iterator = response.body.makeAsyncIterator()
                _ = try await iterator.next()
                // The client leaves after its first chunk: dropping the body closes the connection.
            }
            _ = try await reader.value
            let aborted = try await h.eventually(25) {
                await instances[0].stats().finishedByReason[.abort] == 1
            }
            #expect(aborted, "the emulated engine dropped the request")
            #expect(await instances[0].stats().running == 0)
            #expect(try await h.eventually(5) { h.gateway.router.totals.inFlight == 0 })
            #expect(h.gateway.router.totals.abandoned == 1)
            #expect(h.gateway.router.totals.failed == 0)
            #expect(try await h.upFlags() == [true], "a client leaving is not the backend's fault")
        }
    }
}

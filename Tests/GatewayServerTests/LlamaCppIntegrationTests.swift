import AsyncHTTPClient
import Calibration
import Calibrator
import Foundation
import Gateway
import GatewayServer
import NIOCore
import NIOHTTP1
import RouterCore
import SwitchyardCore
import Testing

/// Real llama.cpp servers behind the gateway. Needs the server and model that `Scripts/llamacpp-servers.sh build`
/// puts in `.llamacpp/` (about 20 minutes to compile once); without them the test is skipped, and says so.
@Suite(.serialized) struct LlamaCppIntegrationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let server = root.appendingPathComponent(".llamacpp/build/bin/llama-server").path
    static let model = root.appendingPathComponent(".llamacpp/gemma-3-270m-q4_k_m.gguf").path
    static let available =
        FileManager.default.isExecutableFile(atPath: server) && FileManager.default.fileExists(atPath: model)

    @Test(
        .enabled(
            if: available,
            "skipped: no llama.cpp server in .llamacpp/ (run Scripts/llamacpp-servers.sh build to enable this test)"
        ),
        .timeLimit(.minutes(5))
    )
    func routesRealStreamsThroughTwoLlamaCppServers() async throws {
        let ports = [18281, 18282]
        // Another server already there would be tested instead of ours.
        for port in ports {
            let probe = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
            if (try? await HTTPClient.shared.execute(probe, timeout: .seconds(1))) != nil {
                Issue.record(
                    "port \(port) is already in use; stop what listens there (Scripts/llamacpp-servers.sh stop)"
                )
                return
            }
        }
        let processes = try ports.map { try Self.launch(port: $0, context: 4096) }
        defer {
            for process in processes { Self.stop(process) }
        }
        let urls = ports.map { "http://127.0.0.1:\($0)" }
        try await Self.waitForHealth(urls)
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.policy = "workload-aware" }
        try await Harness.run(instances: [], externalURLs: urls, configure: configure) { h in
            let start = ContinuousClock.now
            let replies = try await withThrowingTaskGroup(of: (Int, String, String?).self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let body =
                            #"{"prompt":"Request \#(index): write a short note about trains.","max_tokens":24,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true}}"#
                        let reply = try await h.send("/v1/completions", json: body, timeout: 120)
                        return (reply.status, reply.body, reply.headers.first(name: "x-switchyard-backend"))
                    }
                }
                var replies: [(Int, String, String?)] = []
                for try await reply in group { replies.append(reply) }
                return replies
            }
            let elapsed = ContinuousClock.now - start
            let bad = replies.filter { !($0.0 == 200 && $0.1.hasSuffix("data: [DONE]\n\n")) }
            #expect(bad.isEmpty, "failed replies: \(bad.map { "\($0.0) \($0.1.suffix(400))" })")
            #expect(replies.allSatisfy { $0.1.contains(#""completion_tokens":24"#) })
            #expect(Set(replies.compactMap(\.2)).count == 2, "both servers got requests")
            let state = try await h.state()
            let backends = try #require(state["backends"] as? [[String: Any]])
            #expect(
                backends.allSatisfy { $0["engine"] as? String == "llamacpp" && $0["metrics"] as? String == "trusted" }
            )
            let snapshot = h.gateway.router.snapshot(now: h.gateway.clock.now())
            #expect(snapshot.recentDecisions.count == 8)
            #expect(snapshot.recentDecisions.allSatisfy { $0.policy == "workload-aware" && $0.instance != nil })
            #expect(snapshot.completed == 8)
            print(
                "llama.cpp e2e: 8 streams of 24 tokens through the gateway to 2 llama.cpp servers in \(elapsed); mean E2E \(snapshot.e2e.mean) s, mean TTFT \(snapshot.ttft.mean) s, mean TBT \(snapshot.tbt.mean) s; per backend \(backends.map { "\($0["name"] ?? "?"): \($0["completed"] ?? 0)" })"
            )
        }
    }

    @Test(
        .enabled(
            if: available,
            "skipped: no llama.cpp server in .llamacpp/ (run Scripts/llamacpp-servers.sh build to enable this test)"
        ),
        .timeLimit(.minutes(5))
    )
    func calibratesARealLlamaCppServer() async throws {
        let port = 18283
        let probe = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        if (try? await HTTPClient.shared.execute(probe, timeout: .seconds(1))) != nil {
            Issue.record("port \(port) is already in use; stop what listens there")
            return
        }
        let process = try Self.launch(port: port, context: 2048)
        defer { Self.stop(process) }
        let url = "http://127.0.0.1:\(port)"
        try await Self.waitForHealth([url])
        let client = Calibrator.makeClient()
        let calibrator = Calibrator(url: url, client: client) { _ in }
        var failure: (any Error)?
        do { try await Self.calibrateQuickly(calibrator) } catch { failure = error }
        try await client.shutdown()
        if let failure { throw failure }
    }

    static func calibrateQuickly(_ calibrator: Calibrator) async throws {
        let facts = try await calibrator.facts()
        #expect(facts.kind == .llamacpp)
        #expect(facts.slots == 2)
        #expect(facts.maxContext == 1024)
        #expect(facts.kvCapacityTokens == 2048)
        // A small plan: prompts up to 512 tokens keep the test near a minute on one CPU thread.
        let plan = CalibrationPlan.make(maxContext: 528, maxParallel: 2, quick: true)
        let measured = try await calibrator.run(plan, model: facts.model)
        let fit = try #require(CostFit.fit(prefill: measured.prefill, decode: measured.decode))
        // A CPU engine: milliseconds per prompt token, tens of milliseconds per decode iteration.
        #expect(fit.cost.perPrefillToken > 1e-4 && fit.cost.perPrefillToken < 0.05, "\(fit.cost)")
        // A step of one decode (fixed_s may fit to 0 where two slots decode slower together than apart).
        let step = fit.cost.fixed + fit.cost.perDecodeSequence
        #expect(step > 1e-3 && step < 1, "\(fit.cost)")
        #expect(fit.prefill.r2 > 0.9, "prefill R² \(fit.prefill.r2)")
    }

    /// A llama-server on `port` with two slots sharing `context` tokens, one thread, metrics and slots on.
    static func launch(port: Int, context: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = [
            "-m", model, "--host", "127.0.0.1", "--port", "\(port)", "-c", "\(context)", "-np", "2", "-t", "1",
            "--metrics", "--slots",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// llama-server shuts down slowly on SIGTERM (it cancels its tasks); makes sure it is gone.
    static func stop(_ process: Process) {
        process.terminate()
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func waitForHealth(_ urls: [String]) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        for url in urls {
            while true {
                let request = HTTPClientRequest(url: url + "/health")
                if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
                    response.status == .ok
                {
                    break
                }
                if ContinuousClock.now > deadline { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}

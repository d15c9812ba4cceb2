import Emulator
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import SwitchyardTestSupport
import Testing

@Suite struct EmulatorClusterTests {
    @Test func rejectsAnEmptyCluster() throws {
        let profile = try ProfileCatalog.profile(named: ProfileCatalog.defaultName)
        #expect(throws: EmulatorError.self) {
            try EmulatorCluster(count: 0, configuration: EmulatorConfiguration(profile: profile), basePort: 9000)
        }
    }

    @Test func servesEachInstanceOnConsecutivePorts() async throws {
        let profile = try ProfileCatalog.profile(named: ProfileCatalog.defaultName)
        let basePort = Self.freeBasePort(count: 2)
        let cluster = try EmulatorCluster(
            count: 2,
            configuration: EmulatorConfiguration(profile: profile, speed: 50),
            basePort: basePort
        )
        #expect(cluster.urls == ["http://127.0.0.1:\(basePort)", "http://127.0.0.1:\(basePort + 1)"])
        var logger = Logger(label: "emulator-cluster-test")
        logger.logLevel = .critical  // cancelling the servers logs a harmless "Already closed"
        let quiet = logger
        try await Self.serving(cluster, logger: quiet) {
            for port in [basePort, basePort + 1] {
                let body = try await Self.retrying {
                    try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                        let response = try await client.post(
                            "/v1/completions",
                            headers: [.contentType: "application/json"],
                            body: ByteBuffer(string: #"{"model":"switchyard-emulated","prompt":"x","max_tokens":5}"#)
                        )
                        return response.body.map { String(buffer: $0) } ?? ""
                    }
                }
                #expect(body.contains(#""completion_tokens":5"#))
            }
        }
    }

    @Test func refuseClosesTheListenerForItsSecondsThenListensAgain() async throws {
        let profile = try ProfileCatalog.profile(named: ProfileCatalog.defaultName)
        let basePort = Self.freeBasePort(count: 1)
        let cluster = try EmulatorCluster(
            count: 1,
            configuration: EmulatorConfiguration(profile: profile, speed: 50),
            basePort: basePort
        )
        var logger = Logger(label: "emulator-cluster-test")
        logger.logLevel = .critical
        let quiet = logger
        try await Self.serving(cluster, logger: quiet) {
            @Sendable func health() async throws -> HTTPResponse.Status {
                try await TestClient.withClient(host: "127.0.0.1", port: basePort) { client in
                    try await client.get("/health").status
                }
            }
            #expect(try await Self.retrying { try await health() } == .ok)
            @Sendable func refuse(seconds: Double) async throws {
                let set = try await TestClient.withClient(host: "127.0.0.1", port: basePort) { client in
                    try await client.post(
                        "/admin/faults",
                        headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"refuse":true,"refuse_seconds":\#(seconds)}"#)
                    ).status
                }
                #expect(set == .ok)
                // The listener closes: nothing listens on the port, so connections are refused. Binding the port
                // ourselves is the definite test (a probe on a loaded machine may also fail while the listener is
                // there); it is let go at once. Checked for up to 60 s, as the listener may close late under load
                // (20 s was once not enough while the suite's heaviest tests ran beside this one).
                var closed = false
                let deadline = ContinuousClock.now + .seconds(60)
                while !closed, ContinuousClock.now < deadline {
                    closed = LoopbackPort.isFree(basePort)
                    if !closed { try await Task.sleep(for: .milliseconds(25)) }
                }
                #expect(closed, "the listener closes while the fault lasts")
            }
            // First, another server takes the port while it is closed and keeps it past the refusal: the emulator
            // keeps trying to listen again, and does once the port is free.
            // On a loaded machine the refusal may be over before the squatter binds (the emulator listens again
            // first): then the squatter's bind fails, and the round is tried again.
            var squatted = false
            for round in 1...3 where !squatted {
                try await refuse(seconds: 3)
                let squatter = Application(
                    router: Router(),
                    configuration: .init(address: .hostname("127.0.0.1", port: basePort)),
                    logger: quiet
                )
                let squatting = ServiceGroup(services: [squatter], gracefulShutdownSignals: [], logger: quiet)
                let squat = Task { try await squatting.run() }
                try await Task.sleep(for: .seconds(4))
                await squatting.triggerGracefulShutdown()
                do {
                    try await squat.value
                    squatted = true
                } catch let error where round < 3 && "\(error)".contains("Address already in use") {
                    #expect(try await Self.retrying(attempts: 900) { try await health() } == .ok)
                }
            }
            #expect(squatted)
            // Then it listens again, with the fault cleared (a loaded machine may take a while to free the port).
            #expect(try await Self.retrying(attempts: 900) { try await health() } == .ok)
            #expect(await cluster.instances[0].faults.refuse == false)
            // And a second refusal works as the first did.
            try await refuse(seconds: 2)
            #expect(try await Self.retrying(attempts: 900) { try await health() } == .ok)
        }
    }

    /// A random first port of `count` consecutive ones that nothing listens on now, in 20000...32000: below
    /// Linux's ephemeral ports (32768-60999), and above the 12000-18000 the endpoint picker's Envoy tests use.
    static func freeBasePort(count: Int) -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000...(32_000 - count))
            if (port..<port + count).allSatisfy({ LoopbackPort.isFree($0) }) { return port }
        }
        return Int.random(in: 20_000...(32_000 - count))
    }

    /// Runs `cluster` while `body` runs, then stops it gracefully and waits for it to end.
    static func serving(
        _ cluster: EmulatorCluster,
        logger: Logger,
        _ body: @Sendable () async throws -> Void
    ) async throws {
        let server = Task { try await cluster.run(gracefulShutdownSignals: [], logger: logger) }
        let outcome: Result<Void, any Error>
        do {
            try await body()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await cluster.stop()
        try await server.value
        try outcome.get()
    }

    /// Runs `operation` until it succeeds, while the servers start (at most about 20 s on a loaded machine).
    static func retrying<Value: Sendable>(
        attempts: Int = 400,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        var attempt = 0
        while true {
            do {
                return try await operation()
            } catch {
                attempt += 1
                if attempt >= attempts { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

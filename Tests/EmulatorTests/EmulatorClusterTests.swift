import Emulator
import Engine
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
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
        let basePort = Int.random(in: 20_000...40_000)
        let cluster = try EmulatorCluster(
            count: 2,
            configuration: EmulatorConfiguration(profile: profile, speed: 50),
            basePort: basePort
        )
        #expect(cluster.urls == ["http://127.0.0.1:\(basePort)", "http://127.0.0.1:\(basePort + 1)"])
        var logger = Logger(label: "emulator-cluster-test")
        logger.logLevel = .critical  // cancelling the servers logs a harmless "Already closed"
        let quiet = logger
        let server = Task { try await cluster.run(gracefulShutdownSignals: [], logger: quiet) }
        defer { server.cancel() }
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

    /// Runs `operation` until it succeeds, while the servers start (at most about 20 s on a loaded machine).
    static func retrying<Value: Sendable>(
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        var attempt = 0
        while true {
            do {
                return try await operation()
            } catch {
                attempt += 1
                if attempt >= 400 { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

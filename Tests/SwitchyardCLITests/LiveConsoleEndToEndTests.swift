import Foundation
import SwitchyardTestSupport
import Testing

/// `switchyard emulate` in the background and `switchyard console --backend` in tmux, driven as a person would:
/// the LIVE header, one card per backend, a policy switch and a real burst through the gateway.
@Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the live console end-to-end test is skipped"))
func liveConsoleDrivesARealGatewayOverEmulatedServers() async throws {
    let emulator = Process()
    emulator.executableURL = URL(fileURLWithPath: switchyardBinaryPath())
    emulator.arguments = ["emulate", "--instances", "2", "--base-port", "18461", "--speed", "20"]
    emulator.standardOutput = FileHandle.nullDevice
    emulator.standardError = FileHandle.nullDevice
    try emulator.run()
    defer { emulator.terminate() }
    try await Task.sleep(for: .seconds(1))

    let session = try TmuxSession(tmux: tmuxPath ?? "tmux", width: 120, height: 40)
    defer { session.kill() }
    try session.start(
        command:
            "'\(switchyardBinaryPath())' console --backend a=http://127.0.0.1:18461 --backend b=http://127.0.0.1:18462 --listen 127.0.0.1:18470",
        environment: [:]
    )
    var screen = try await session.waitFor { $0.contains("LIVE") && $0.contains("policy: least-impact") }
    #expect(screen.contains("gateway 127.0.0.1:18470"), "the header names the gateway:\n\(screen)")
    #expect(screen.contains("a ● up") && screen.contains("b ● up"), "one card per backend, both up:\n\(screen)")

    // 1 picks round-robin on the gateway itself.
    try session.send("1")
    screen = try await session.waitFor { $0.contains("policy: round-robin") }

    // b, 2: a decode-heavy burst of real requests through the gateway; their decisions fill the log and the
    // cards count completions.
    try session.send("b")
    screen = try await session.waitFor { $0.lowercased().contains("decode-heavy") }
    try session.send("2")
    screen = try await session.waitFor(seconds: 30) { $0.contains("next in turn") && $0.contains("→b") }
    screen = try await session.waitFor(seconds: 60) { screen in
        screen.split(separator: "\n").contains { $0.contains("done") && !$0.contains("done 0 ") }
    }
    #expect(screen.contains("burst"), "the latency panel marks the burst:\n\(screen)")

    try session.send("q")
    let gone = try? await session.waitFor(seconds: 10) { $0.isEmpty }
    #expect(gone != nil, "the console exited on q")
}

@Test func serveBadFlagsGiveClearErrors() throws {
    let none = try runSwitchyard(["serve"])
    #expect(none.status != 0)
    #expect(none.err.contains("--backend"))
    let notURL = try runSwitchyard(["serve", "--backend", "localhost:8000"])
    #expect(notURL.status != 0)
    #expect(notURL.err.contains("localhost:8000"))
    let open = try runSwitchyard(["serve", "--backend", "http://127.0.0.1:1", "--listen", "0.0.0.0:8080"])
    #expect(open.status != 0)
    #expect(open.err.contains("bearer token"))
    let oracle = try runSwitchyard(["serve", "--backend", "http://127.0.0.1:1", "--policy", "oracle"])
    #expect(oracle.status != 0)
    #expect(oracle.err.contains("not available in real mode"))
    let config = try runSwitchyard(["serve", "--config", "/nonexistent/gateway.toml"])
    #expect(config.status != 0)
    #expect(config.err.contains("/nonexistent/gateway.toml"))
}

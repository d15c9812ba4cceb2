import Foundation
import SwitchyardTestSupport
import Testing

/// The tmux binary, when installed.
let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

func switchyardBinaryPath() -> String {
    let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("switchyard").path
    if FileManager.default.fileExists(atPath: beside) { return beside }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/switchyard").path
}

/// The policy the header names (`policy: NAME`), or nil.
func headerPolicy(_ screen: String) -> String? {
    guard let range = screen.range(of: "policy: ") else { return nil }
    return screen[range.upperBound...].split(separator: " ", maxSplits: 1).first.map(String.init)
}

/// Drives the real `switchyard` binary in a private tmux server, as a person would: it presses keys and reads the
/// screen back with `capture-pane`.
@Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the console end-to-end test is skipped"))
func consoleRespondsToKeysAsAPersonWouldSeeIt() async throws {
    let session = try TmuxSession(tmux: tmuxPath ?? "tmux", width: 120, height: 40)
    defer { session.kill() }
    try session.start(command: "'\(switchyardBinaryPath())' --speed 4", environment: ["SWITCHYARD_DATA": ""])

    // The whole first frame: tmux may capture the pane while the header is drawn and the panels are not yet.
    var screen = try await session.waitFor {
        $0.contains("SWITCHYARD") && headerPolicy($0) == "least-impact" && $0.contains("Decisions")
    }
    #expect(screen.contains("SIM"), "the header says SIM:\n\(screen)")
    #expect(screen.contains("i0") && screen.contains("i3"), "four instance cards:\n\(screen)")

    // p switches to the next policy in the menu.
    try session.send("p")
    screen = try await session.waitFor { headerPolicy($0) != nil && headerPolicy($0) != "least-impact" }

    // 1 picks the first policy (round-robin), and its decisions appear in the log.
    try session.send("1")
    screen = try await session.waitFor { $0.contains("policy: round-robin") && $0.contains("next in turn") }
    #expect(screen.contains("next in turn"), "round-robin's decisions in the log:\n\(screen)")

    // b opens the burst menu; 2 injects a decode-heavy burst, which the latency panel marks.
    try session.send("b")
    screen = try await session.waitFor { $0.lowercased().contains("decode-heavy") }
    try session.send("2")
    screen = try await session.waitFor { !$0.contains("Burst") || $0.contains("burst") }

    // a starts the A/B twin: the header names both policies.
    try session.send("a")
    screen = try await session.waitFor { $0.contains("A: round-robin") && $0.contains("B: ") }
    #expect(screen.contains("A: round-robin"), "the header shows the A/B pair:\n\(screen)")

    // ? opens the help overlay, which lists the keys.
    try session.send("?")
    screen = try await session.waitFor {
        $0.contains("quit") && $0.lowercased().contains("theme") && $0.lowercased().contains("burst")
    }
    try session.send("?")

    // q quits: the pane's process ends, so the session and its server go away.
    try session.send("q")
    let gone = try? await session.waitFor(seconds: 10) { $0.isEmpty }
    #expect(gone != nil, "the console exited on q")
}

@Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the console end-to-end test is skipped"))
func tinyTerminalGetsAClearMessage() async throws {
    let session = try TmuxSession(tmux: tmuxPath ?? "tmux", width: 40, height: 10)
    defer { session.kill() }
    try session.start(command: "'\(switchyardBinaryPath())'", environment: ["SWITCHYARD_DATA": ""])
    let screen = try await session.waitFor { $0.lowercased().contains("too small") }
    #expect(screen.lowercased().contains("too small"))
    try session.send("q")
}

@Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the console end-to-end test is skipped"))
func ctrlCQuitsAsQDoesWithStatusZero() async throws {
    let session = try TmuxSession(tmux: tmuxPath ?? "tmux", width: 120, height: 40)
    defer { session.kill() }
    let command = "bash -c \"'\(switchyardBinaryPath())' --speed 4; echo EXIT=\\$?; sleep 60\""
    try session.start(command: command, environment: ["SWITCHYARD_DATA": ""])
    _ = try await session.waitFor { $0.contains("SWITCHYARD") && $0.contains("Decisions") }
    try session.send("C-c")
    let screen = try await session.waitFor(seconds: 15) { $0.contains("EXIT=") }
    #expect(screen.contains("EXIT=0"), "Ctrl-C ends the console cleanly:\n\(screen)")
    #expect(!screen.contains("SWITCHYARD"), "the terminal is restored")
}

import Foundation
import SwitchyardCore
import SwitchyardTestSupport
import Testing

@testable import Console

/// End to end on a real terminal: the test binary runs itself inside a private tmux server (as design.md
/// describes), types keys and reads the screen back.
@Suite(.serialized) struct TerminalTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// The console-test-child executable, built beside the test binary.
    static var child: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("console-test-child").path
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed; the terminal test is skipped"))
    func runsInARealTerminalAndRestoresIt() async throws {
        let session = try TmuxSession(tmux: Self.tmux ?? "tmux", width: 120, height: 40)
        defer { session.kill() }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: report) }
        try session.start(
            command: "'\(Self.child)' '\(report.path)'; echo CHILD-EXITED; sleep 5",
            environment: [:]
        )
        var screen = try await session.waitFor { $0.contains("╭ Instances · 64") && $0.contains("╭ Latency") }
        #expect(screen.contains("SWITCHYARD   SIM  azure-conv  policy: workload-aware"))
        #expect(!screen.contains("lqqk"))

        try session.send("p")
        screen = try await session.waitFor { $0.contains("policy: llm-d") }
        try session.send("b")
        screen = try await session.waitFor { $0.contains("╭ Inject a burst") }
        try session.send("2")
        // The menu closes; the burst itself is checked in the backend's log at the end (the footer's status lasts
        // only 3 s, which a loaded machine's capture can miss).
        screen = try await session.waitFor { !$0.contains("Inject a burst") }
        try session.send("?")
        screen = try await session.waitFor { $0.contains("╭ Keys") }
        try session.send("Escape")
        screen = try await session.waitFor { !$0.contains("╭ Keys") }

        try session.resize(width: 50, height: 12)
        screen = try await session.waitFor { $0.contains("Terminal too small") }
        try session.resize(width: 200, height: 60)
        screen = try await session.waitFor { $0.contains("╭ Instances · 64") && $0.contains("╮╭ Decisions") }

        try session.send("q")
        screen = try await session.waitFor { $0.contains("CHILD-EXITED") }
        // The console is gone: the alternate screen was left and the shell's output shows.
        #expect(!screen.contains("╭ Instances"))
        let log = try String(contentsOf: report, encoding: .utf8)
        #expect(log == "policy llm-d\nburst decode-heavy")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed; the terminal test is skipped"))
    func interruptRestoresTheTerminal() async throws {
        let session = try TmuxSession(tmux: Self.tmux ?? "tmux", width: 100, height: 30)
        defer { session.kill() }
        try session.start(
            command:
                "'\(Self.child)'; echo \"CHILD-STATUS $?\"; stty -a | grep -o -- '-*icanon' | sed 's/^/MODE /'; sleep 5",
            environment: [:]
        )
        _ = try await session.waitFor { $0.contains("╭ Instances · 64") }
        try session.send("C-c")
        let screen = try await session.waitFor { $0.contains("MODE ") }
        #expect(!screen.contains("╭ Instances"))
        // Ctrl-C quits as q does (status 0), and the terminal is back in canonical mode.
        #expect(screen.contains("CHILD-STATUS 0"), "\(screen)")
        #expect(screen.contains("MODE icanon"))
    }
}

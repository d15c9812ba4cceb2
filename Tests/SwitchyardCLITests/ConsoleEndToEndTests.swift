import Foundation
import Testing

/// Drives the real `switchyard` binary in a private tmux server, as a person would: it presses keys and reads
/// the screen back with `capture-pane`.
struct TmuxSession {
    let server: String
    let binary: String

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")
    }

    /// Runs a tmux command. Output is captured through a file, not a pipe: the tmux server that `new-session`
    /// forks would inherit a pipe and hold it open forever.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let outputPath = NSTemporaryDirectory() + "switchyard-tmux-\(server)-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-L", server] + arguments
        process.standardOutput = arguments.first == "new-session" ? FileHandle.nullDevice : output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    func start(_ arguments: [String], width: Int = 120, height: Int = 40) throws {
        let command = ([binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        try tmux([
            "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-e", "LANG=C.UTF-8", "-e", "TERM=xterm-256color",
            "-e", "SWITCHYARD_DATA=", command,
        ])
    }

    func screen() throws -> String { try tmux(["capture-pane", "-p"]) }

    func keys(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

    /// Polls the screen until `predicate` holds or `timeout` seconds pass. - Returns: the last screen.
    func waitFor(_ timeout: Double = 15, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = try screen()
        while !predicate(text), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            text = try screen()
        }
        return text
    }

    func kill() { _ = try? tmux(["kill-server"]) }
}

func switchyardBinaryPath() -> String {
    let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("switchyard").path
    if FileManager.default.fileExists(atPath: beside) { return beside }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/switchyard").path
}

@Test(.enabled(if: TmuxSession.available, "tmux is not installed; the console end-to-end test is skipped"))
func consoleRespondsToKeysAsAPersonWouldSeeIt() throws {
    let session = TmuxSession(server: "switchyard-e2e-\(getpid())", binary: switchyardBinaryPath())
    defer { session.kill() }
    try session.start(["--speed", "4"])

    var screen = try session.waitFor { $0.contains("SWITCHYARD") && $0.contains("policy: workload-aware") }
    #expect(screen.contains("SIM"), "the header says SIM:\n\(screen)")
    #expect(screen.contains("i0") && screen.contains("i3"), "four instance cards:\n\(screen)")
    #expect(screen.contains("Decisions"))

    // p switches to the next policy in the menu.
    try session.keys("p")
    screen = try session.waitFor { !$0.contains("policy: workload-aware") }
    #expect(!screen.contains("policy: workload-aware"), "p switched the policy:\n\(screen)")

    // 1 picks the first policy (round-robin), and its decisions appear in the log.
    try session.keys("1")
    screen = try session.waitFor { $0.contains("policy: round-robin") && $0.contains("next in turn") }
    #expect(screen.contains("policy: round-robin"))
    #expect(screen.contains("next in turn"), "round-robin's decisions in the log:\n\(screen)")

    // b opens the burst menu; 2 injects a decode-heavy burst.
    try session.keys("b")
    screen = try session.waitFor { $0.lowercased().contains("decode-heavy") }
    #expect(screen.lowercased().contains("decode-heavy"), "the burst menu lists the kinds:\n\(screen)")
    try session.keys("2")

    // a starts the A/B twin.
    try session.keys("a")
    screen = try session.waitFor { $0.contains("A: ") && $0.contains("B: ") }
    #expect(screen.contains("A: round-robin"), "the header shows the A/B pair:\n\(screen)")

    // ? opens the help overlay.
    try session.keys("?")
    screen = try session.waitFor { $0.contains("quit") && $0.lowercased().contains("help") }
    #expect(screen.lowercased().contains("burst"))
    try session.keys("?")

    // q quits and leaves a normal shell screen (the process is gone).
    try session.keys("q")
    let deadline = Date().addingTimeInterval(10)
    var alive = true
    while alive, Date() < deadline {
        alive = (try? session.tmux(["list-panes", "-F", "#{pane_dead}"]))?.contains("0") ?? false
        if alive { Thread.sleep(forTimeInterval: 0.2) }
    }
    #expect(!alive, "the console exited on q")
}

@Test(.enabled(if: TmuxSession.available, "tmux is not installed; the console end-to-end test is skipped"))
func tinyTerminalGetsAClearMessage() throws {
    let session = TmuxSession(server: "switchyard-small-\(getpid())", binary: switchyardBinaryPath())
    defer { session.kill() }
    try session.start([], width: 40, height: 10)
    let screen = try session.waitFor { $0.lowercased().contains("small") }
    #expect(screen.lowercased().contains("too small"), "a clear message:\n\(screen)")
    try session.keys("q")
}

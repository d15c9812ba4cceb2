import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private tmux server with one window, for end-to-end tests: start a command, send keys, capture the screen.
public struct TmuxSession: Sendable {
    let tmux: String
    let socket: String
    let width: Int
    let height: Int

    public struct Timeout: Error, CustomStringConvertible {
        public var screen: String
        public var description: String { "timed out; the screen was:\n\(screen)" }
    }

    public init(tmux: String, width: Int, height: Int) throws {
        self.tmux = tmux
        self.socket = "switchyard-test-\(UUID().uuidString.prefix(8))"
        self.width = width
        self.height = height
    }

    public func start(command: String, environment: [String: String]) throws {
        var arguments = ["new-session", "-d", "-x", "\(width)", "-y", "\(height)"]
        let base = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]
        for (key, value) in base.merging(environment, uniquingKeysWith: { $1 }) {
            arguments += ["-e", "\(key)=\(value)"]
        }
        arguments.append(command)
        try run(arguments)
    }

    /// Sends keys in tmux's notation (`q`, `Escape`, `C-c`).
    public func send(_ keys: String) throws { try run(["send-keys", "-t", "0", keys]) }

    public func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", "0", "-x", "\(width)", "-y", "\(height)"])
    }

    public func capture() throws -> String { try run(["capture-pane", "-p", "-t", "0"]) }

    /// Polls the screen until `condition` holds, or throws after `seconds`. The screen is always looked at once more
    /// after the last wait, so that a test whose task was not scheduled for a while (the parallel suite keeps both
    /// cores' worth of the concurrency pool busy) judges what the terminal shows, not what it showed before.
    public func waitFor(seconds: Double = 45, _ condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            let screen: String
            do { screen = try capture() } catch { screen = "(tmux capture-pane failed: \(error))" }
            if condition(screen) { return screen }
            if ContinuousClock.now >= deadline { throw Timeout(screen: screen) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Stops the server and removes its socket file (a server waiting on a pane that ignores SIGHUP may not).
    public func kill() {
        _ = try? run(["kill-server"])
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        unlink("\(directory)/tmux-\(getuid())/\(socket)")
    }

    /// Runs one tmux command with posix_spawn and waits for it with waitpid (Foundation's Process left the client
    /// unreaped here). Only `capture-pane` gets a pipe for its output: the server that `new-session` starts would
    /// inherit a pipe and hold it open for good.
    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        let argv = ([tmux, "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pipeEnds: [Int32] = [-1, -1]
        let capturing = arguments.first == "capture-pane"
        if capturing {
            // Close-on-exec, so that another test's child spawned meanwhile does not keep it open.
            guard pipe(&pipeEnds) == 0 else { throw SpawnError(command: arguments) }
            for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tmux, &actions, nil, argv, environ)
        var output: [UInt8] = []
        if capturing {
            close(pipeEnds[1])
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(pipeEnds[0], &buffer, buffer.count)
                if count <= 0 { break }
                output.append(contentsOf: buffer[0..<count])
            }
            close(pipeEnds[0])
        }
        guard spawned == 0 else { throw SpawnError(command: arguments) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: output, as: UTF8.self)
    }

    struct SpawnError: Error {
        var command: [String]
    }
}

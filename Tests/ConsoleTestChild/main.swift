import Console
import Foundation
import SwitchyardTestSupport

// The live console over a ticking fake backend of 64 instances, in whatever terminal runs it; TerminalTests drives
// it in tmux. When it quits, the backend's log of commands is written to the file named by the first argument.
let backend = FakeBackend(snapshot: SnapshotFixture.snapshot(instances: 64), ticking: true)
let environment = ProcessInfo.processInfo.environment
do {
    try await ConsoleApp.run(backend: backend, options: ConsoleOptions(theme: environment["SY_THEME"]))
} catch {
    FileHandle.standardError.write(Data("console-test-child: \(error)\n".utf8))
    exit(1)
}
if CommandLine.arguments.count > 1 {
    // Not atomically: an atomic write renames a temporary file over the path.
    try backend.log.joined(separator: "\n").write(
        toFile: CommandLine.arguments[1],
        atomically: false,
        encoding: .utf8
    )
}

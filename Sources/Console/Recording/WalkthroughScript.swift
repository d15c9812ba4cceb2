import Foundation
import SwitchyardCore

/// A timed demo walkthrough: console actions with captions, at seconds from the start.
///
/// The file format is one step per line, `SECONDS ACTION [ARGUMENT]`; `#` starts a comment:
/// ```
/// 0   caption  Round-robin on the Azure conv trace
/// 0   policy   round-robin
/// 10  burst    decode-heavy
/// 20  policy   workload-aware
/// 30  compare
/// 60  quit
/// ```
/// Actions: `caption TEXT`, `policy NAME`, `burst prefill-heavy|decode-heavy|mixed`, `compare` (A/B on or off),
/// `pause`, `speed X`, `focus` (next instance), `detail`, `dismiss`, `theme`, `help`, `quit`.
public struct WalkthroughScript: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var time: Double
        public var action: ConsoleAction
    }

    public var steps: [Step]

    /// Parses script text; `file` names it in errors.
    /// - Throws: ``RecordingError`` naming the file and line of a bad step.
    public init(text: String, file: String) throws {
        var steps: [Step] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
            guard let time = Double(parts[0]), time >= 0 else {
                throw RecordingError.badScript(file, line: index + 1, "'\(parts[0])' is not a time in seconds")
            }
            guard parts.count >= 2 else {
                throw RecordingError.badScript(file, line: index + 1, "no action after the time")
            }
            let argument = parts.count > 2 ? parts[2].trimmingCharacters(in: .whitespaces) : ""
            let action: ConsoleAction
            switch parts[1] {
            case "caption": action = .caption(argument)
            case "policy":
                guard !argument.isEmpty else {
                    throw RecordingError.badScript(file, line: index + 1, "policy needs a name")
                }
                action = .selectPolicy(argument)
            case "burst":
                guard let kind = BurstKind(rawValue: argument) else {
                    throw RecordingError.badScript(
                        file,
                        line: index + 1,
                        "burst kind '\(argument)' is not prefill-heavy, decode-heavy or mixed"
                    )
                }
                action = .burst(kind)
            case "compare": action = .toggleCompare
            case "pause": action = .togglePause
            case "speed":
                guard let speed = Double(argument), speed > 0 else {
                    throw RecordingError.badScript(
                        file,
                        line: index + 1,
                        "speed needs a positive number, got '\(argument)'"
                    )
                }
                action = .setSpeed(speed)
            case "focus": action = .focusNext
            case "detail": action = .openDetail
            case "dismiss": action = .dismiss
            case "theme": action = .nextTheme
            case "help": action = .toggleHelp
            case "quit": action = .quit
            default:
                throw RecordingError.badScript(file, line: index + 1, "unknown action '\(parts[1])'")
            }
            steps.append(Step(time: time, action: action))
        }
        self.steps = steps.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(
            \.element
        )
    }

    /// Reads a script file.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw RecordingError.cannotRead(path) }
        try self.init(text: String(decoding: data, as: UTF8.self), file: path)
    }

    /// The actions as a stream that yields each at its time (from when the stream is first iterated).
    public func stream() -> AsyncStream<ConsoleAction> {
        let steps = steps
        return AsyncStream { continuation in
            let task = Task {
                let clock = ContinuousClock()
                let start = clock.now
                for step in steps {
                    try? await Task.sleep(until: start.advanced(by: .milliseconds(Int(step.time * 1000))), clock: clock)
                    if Task.isCancelled { break }
                    continuation.yield(step.action)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

import Foundation
import SwitchyardCore
import Synchronization

/// Writes a console session as JSONL: every drawn snapshot and every operator command, with wall times.
///
/// A snapshot is stored against the one before it (only new decisions; the history only when it changed), which
/// makes a frame about a tenth of its whole size.
///
/// Used through ``ConsoleOptions/onFrame`` and ``ConsoleOptions/onCommand``; thread-safe. Each line is flushed
/// as it is written, so a session cut short still leaves a readable file.
public final class SessionRecorder: Sendable {
    struct State {
        var handle: FileHandle
        var failed: String?
        /// The last snapshot written, which the next is stored against.
        var previous: ClusterSnapshot?
    }
    let state: Mutex<State>
    let start: ContinuousClock.Instant
    let encoder: JSONEncoder

    /// Creates (or truncates) the file at `path`.
    /// - Throws: ``RecordingError`` naming the path when it cannot be written.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw RecordingError.cannotWrite(path) }
        state = Mutex(State(handle: handle))
        start = ContinuousClock.now
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    var elapsed: Double {
        start.duration(to: ContinuousClock.now).inSeconds
    }

    public func record(_ snapshot: ClusterSnapshot) {
        let time = elapsed
        let compact = state.withLock { state in
            defer { state.previous = snapshot }
            return SessionRecord.compact(snapshot, against: state.previous)
        }
        write(
            SessionRecord(
                kind: .snapshot,
                time: time,
                snapshot: compact,
                delta: true,
                decisions: snapshot.recentDecisions.count,
                twinDecisions: snapshot.twin?.recentDecisions.count
            )
        )
    }

    public func record(_ command: ConsoleCommand) {
        write(SessionRecord(kind: .command, time: elapsed, command: SessionRecord.words(for: command)))
    }

    func write(_ record: SessionRecord) {
        guard var data = try? encoder.encode(record) else { return }
        data.append(0x0A)
        state.withLock { state in
            guard state.failed == nil else { return }
            do { try state.handle.write(contentsOf: data) } catch { state.failed = "\(error)" }
        }
    }

    public func close() { state.withLock { try? $0.handle.close() } }
}

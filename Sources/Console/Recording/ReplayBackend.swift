import Foundation
import SwitchyardCore
import Synchronization

/// Plays a recorded session back as a read-only ``ClusterBackend``: the snapshots as they were drawn, in time.
///
/// Pause and speed act on the playback; policy switches, bursts and A/B are refused with a clear status, since a
/// recording cannot be steered.
public final class ReplayBackend: ClusterBackend {
    let frames: [(time: Double, snapshot: ClusterSnapshot)]
    public let commands: [(time: Double, words: String)]
    struct State {
        var position = 0.0
        var speed: Double
        var paused = false
        var last: ContinuousClock.Instant
    }
    let state: Mutex<State>

    public var policyNames: [String] {
        Array(Set(frames.map(\.snapshot.policy))).sorted()
    }

    /// Reads a `--record` file.
    /// - Throws: ``RecordingError`` naming the file and line of a malformed record, or when it holds no snapshot.
    public init(path: String, speed: Double = 1) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw RecordingError.cannotRead(path) }
        let decoder = JSONDecoder()
        var frames: [(Double, ClusterSnapshot)] = []
        var commands: [(Double, String)] = []
        var previous: ClusterSnapshot? = nil
        for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            let record: SessionRecord
            do { record = try decoder.decode(SessionRecord.self, from: Data(line)) } catch {
                throw RecordingError.badRecording(path, line: index + 1, "\(error)")
            }
            switch record.kind {
            case .snapshot:
                guard let stored = record.snapshot else {
                    throw RecordingError.badRecording(path, line: index + 1, "a snapshot record has no 'snapshot'")
                }
                let snapshot =
                    record.delta == true
                    ? SessionRecord.expand(
                        stored,
                        after: previous,
                        decisions: record.decisions,
                        twinDecisions: record.twinDecisions
                    ) : stored
                previous = snapshot
                frames.append((record.time, snapshot))
            case .command:
                commands.append((record.time, record.command ?? ""))
            }
        }
        guard !frames.isEmpty else { throw RecordingError.badRecording(path, line: 0, "it holds no snapshot") }
        self.frames = frames
        self.commands = commands
        state = Mutex(State(speed: speed, last: ContinuousClock.now))
    }

    /// Playback position in recorded seconds.
    func advance() -> Double {
        state.withLock { state in
            let now = ContinuousClock.now
            let d = state.last.duration(to: now)
            state.last = now
            if !state.paused {
                state.position +=
                    d.inSeconds * state.speed
            }
            return state.position
        }
    }

    /// True once playback has passed the last frame.
    public var finished: Bool { state.withLock { $0.position } > (frames.last?.time ?? 0) + 1 }

    public func snapshot() async -> ClusterSnapshot { snapshot(at: advance()) }

    /// The last frame recorded at or before `time`.
    public func snapshot(at time: Double) -> ClusterSnapshot {
        var low = 0
        var high = frames.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if frames[mid].time <= time { low = mid } else { high = mid - 1 }
        }
        var snapshot = frames[low].snapshot
        let state = state.withLock { $0 }
        snapshot.paused = state.paused
        // The header shows the playback speed, and says when the recording is over.
        snapshot.speed = state.speed
        let ended = time > (frames.last?.time ?? 0) + 1
        snapshot.workload = "replay: " + frames[low].snapshot.workload + (ended ? " · end of recording, q quits" : "")
        return snapshot
    }

    public func setPolicy(_ name: String) async throws {
        throw ClusterBackendError.unavailable("Switching policy in a replay")
    }
    public func injectBurst(_ kind: BurstKind) async throws {
        throw ClusterBackendError.unavailable("Injecting a burst in a replay")
    }
    public func setPaused(_ paused: Bool) async { state.withLock { $0.paused = paused } }
    public func setSpeed(_ speed: Double) async { state.withLock { $0.speed = max(0.05, min(64, speed)) } }
    public func setComparison(_ policy: String?) async throws {
        if policy != nil { throw ClusterBackendError.unavailable("A/B comparison in a replay") }
    }
}

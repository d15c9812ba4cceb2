import Foundation
import SwitchyardCore
import SwitchyardTestSupport
import Testing

@testable import Console

@Suite struct ReplayBackendTests {
    /// A one-frame recording in a temporary file.
    static func recording() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).jsonl")
            .path
        let record = SessionRecord(kind: .snapshot, time: 0, snapshot: SnapshotFixture.snapshot())
        var data = try JSONEncoder().encode(record)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aReplayRefusesBurstsAsItRefusesOtherSteering() async throws {
        let path = try Self.recording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let replay = try ReplayBackend(path: path)
        await #expect { try await ConsoleApp.send(.burst(.prefillHeavy), to: replay) } throws: { error in
            "\(error)".contains("burst in a replay")
        }
        await #expect(throws: ClusterBackendError.self) {
            try await ConsoleApp.send(.setPolicy("round-robin"), to: replay)
        }
        await #expect(throws: Never.self) { try await ConsoleApp.send(.pause(true), to: replay) }
    }

    @Test func aRecordingStoresFramesAgainstThePreviousAndReplaysThemWhole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var frames: [ClusterSnapshot] = []
        var snapshot = SnapshotFixture.snapshot(twin: true)
        for step in 0..<12 {
            // Each frame adds a decision; the history gains a point every fifth frame.
            let decision = snapshot.recentDecisions[step % snapshot.recentDecisions.count]
            snapshot.recentDecisions = Array((snapshot.recentDecisions + [decision]).suffix(20))
            snapshot.recentDecisions[snapshot.recentDecisions.count - 1].request = 10_000 + step
            if step % 5 == 0, let last = snapshot.history.last {
                snapshot.history = Array((snapshot.history + [last]).suffix(60))
                snapshot.history[snapshot.history.count - 1].time += 1
            }
            snapshot.clock += 0.1
            frames.append(snapshot)
        }
        let recorder = try SessionRecorder(path: path)
        for frame in frames { recorder.record(frame) }
        recorder.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let whole = try JSONEncoder().encode(SessionRecord(kind: .snapshot, time: 0, snapshot: frames[3])).count
        #expect(lines.count == 12)
        #expect(lines[3].utf8.count * 2 < whole, "a stored frame is well under half a whole one")
        let replay = try ReplayBackend(path: path)
        #expect(replay.frames.map(\.snapshot.recentDecisions) == frames.map(\.recentDecisions))
        #expect(replay.frames.map(\.snapshot.history) == frames.map(\.history))
        #expect(replay.frames.map { $0.snapshot.twin?.recentDecisions } == frames.map { $0.twin?.recentDecisions })
    }

    @Test func theReplayHeaderShowsThePlaybackSpeedAndTheEnd() throws {
        let path = try Self.recording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let replay = try ReplayBackend(path: path, speed: 4)
        #expect(replay.snapshot(at: 0).speed == 4)
        #expect(!replay.snapshot(at: 0).workload.contains("end of recording"))
        #expect(replay.snapshot(at: 5).workload.contains("end of recording"))
    }
}

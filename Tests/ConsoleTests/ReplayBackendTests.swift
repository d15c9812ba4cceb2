import Foundation
import SwitchyardCore
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
}

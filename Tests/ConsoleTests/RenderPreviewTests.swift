import Testing
@testable import Console

@Test func preview() {
    for (w, h, n) in [(80, 24, 4), (120, 40, 4), (200, 60, 4), (80, 24, 64), (200, 60, 64)] {
        print(ConsoleApp.renderOnce(snapshot: SnapshotFixture.snapshot(instances: n), width: w, height: h))
        print(String(repeating: "=", count: w))
    }
}

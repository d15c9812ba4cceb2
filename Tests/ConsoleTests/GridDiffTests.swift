import SwitchyardCore
import SwitchyardTestSupport
import Testing

@testable import Console

@Suite struct GridDiffTests {
    @Test func writesOnlyChangedRuns() {
        let before = GridScreen(width: 10, height: 2)
        before.put("KV 47%", x: 0, y: 0, style: .text)
        let after = GridScreen(width: 10, height: 2)
        after.put("KV 48%", x: 0, y: 0, style: .text)
        after.put("!", x: 9, y: 1, style: .warn)
        #expect(
            GridDiff.runs(from: before, to: after) == [
                GridDiff.Run(x: 4, y: 0, text: "8", style: .text), GridDiff.Run(x: 9, y: 1, text: "!", style: .warn),
            ]
        )
        #expect(GridDiff.runs(from: after, to: after).isEmpty)
    }

    @Test func drawsEverythingWithoutAPreviousFrame() {
        let grid = GridScreen(width: 4, height: 2)
        grid.put("ab", x: 1, y: 0, style: .accent)
        let runs = GridDiff.runs(from: nil, to: grid)
        #expect(runs.map(\.text) == [" ", "ab", " ", "    "])
        #expect(runs.reduce(0) { $0 + $1.text.count } == 8)
        #expect(GridDiff.runs(from: GridScreen(width: 3, height: 2), to: grid).count == 4)
    }

    @Test func aSteadyConsoleRewritesLittle() {
        var snapshot = SnapshotFixture.snapshot(instances: 64)
        let first = GridScreen(width: 200, height: 60)
        let state = ConsoleState(policyNames: SnapshotFixture.policies)
        ConsoleRenderer.render(state: state, snapshot: snapshot, into: first)
        snapshot.clock += 0.1
        snapshot.instances[3].decoding += 1
        let second = GridScreen(width: 200, height: 60)
        ConsoleRenderer.render(state: state, snapshot: snapshot, into: second)
        let changed = GridDiff.runs(from: first, to: second).reduce(0) { $0 + $1.text.count }
        #expect(changed > 0 && changed < 20)
    }
}

import Foundation
import SwitchyardCore
import SwitchyardTestSupport

@testable import Console

/// Renders `snapshot` with `state` (a fresh state following the snapshot when nil) into a new grid.
func render(
    _ snapshot: ClusterSnapshot = SnapshotFixture.snapshot(),
    state: ConsoleState? = nil,
    width: Int,
    height: Int
) -> GridScreen {
    var current = state ?? ConsoleState(policyNames: SnapshotFixture.policies)
    if state == nil { current.sync(with: snapshot) }
    let grid = GridScreen(width: width, height: height)
    ConsoleRenderer.render(state: current, snapshot: snapshot, into: grid)
    return grid
}

/// A state synced to `snapshot` after applying `actions`.
func state(after actions: [ConsoleAction], snapshot: ClusterSnapshot = SnapshotFixture.snapshot()) -> ConsoleState {
    var state = ConsoleState(policyNames: SnapshotFixture.policies)
    state.sync(with: snapshot)
    for action in actions { _ = state.handle(action) }
    return state
}

extension GridScreen {
    /// The row whose text contains `needle`, or -1 (so a failed lookup fails the test rather than crashing it).
    func rowIndex(_ needle: String) -> Int { row(containing: needle) ?? -1 }

    /// The cell style of the first occurrence of `needle` in row `y`.
    func style(of needle: String, inRow y: Int) -> CellStyle? {
        guard let range = line(y).range(of: needle) else { return nil }
        let x = line(y).distance(from: line(y).startIndex, to: range.lowerBound)
        return cell(x: x, y: y).style
    }
}

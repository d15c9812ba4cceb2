import Testing

@testable import Console

@Suite struct ConsoleLayoutTests {
    @Test func reflowsToTheTerminal() {
        let small = ConsoleLayout(width: 80, height: 24, instanceCount: 4, comparing: false, hasCaption: false)
        #expect(small.instanceMode == .compact(columns: 1))
        #expect(small.instances == Rect(x: 0, y: 1, width: 80, height: 6))
        #expect(small.latency == Rect(x: 0, y: 7, width: 80, height: 7))
        #expect(small.decisions == Rect(x: 0, y: 14, width: 80, height: 9))

        let medium = ConsoleLayout(width: 120, height: 40, instanceCount: 4, comparing: false, hasCaption: true)
        #expect(medium.instanceMode == .cards(columns: 4, cardWidth: 30))
        #expect(medium.caption == Rect(x: 0, y: 38, width: 120, height: 1))
        #expect(medium.decisions.maxY == 38)

        let wide = ConsoleLayout(width: 200, height: 60, instanceCount: 64, comparing: false, hasCaption: false)
        #expect(wide.instanceMode == .compact(columns: 2))
        #expect(wide.instances.height == 34)
        #expect(wide.latency.y == wide.decisions.y)
        #expect(wide.latency.maxX == wide.decisions.x)
    }

    @Test func balancesTheCardGrid() {
        #expect(InstanceCardsView.cardGrid(count: 9, width: 120) == (3, 40, 3))
        #expect(InstanceCardsView.cardGrid(count: 4, width: 80) == (2, 40, 2))
        #expect(InstanceCardsView.cardGrid(count: 2, width: 200) == (2, 60, 1))
        #expect(InstanceCardsView.cardGrid(count: 1, width: 60) == (1, 60, 1))
    }

    @Test func keepsTheFocusInView() {
        #expect(InstanceCardsView.clampScroll(0, focus: 20, count: 64, capacity: 8) == 13)
        #expect(InstanceCardsView.clampScroll(30, focus: 20, count: 64, capacity: 8) == 20)
        #expect(InstanceCardsView.clampScroll(70, focus: nil, count: 64, capacity: 8) == 56)
        #expect(InstanceCardsView.clampScroll(3, focus: nil, count: 4, capacity: 8) == 0)
    }

    @Test func isTooSmallBelow60x16() {
        #expect(ConsoleLayout.isTooSmall(width: 59, height: 40))
        #expect(ConsoleLayout.isTooSmall(width: 120, height: 15))
        #expect(!ConsoleLayout.isTooSmall(width: 60, height: 16))
    }
}

import SwitchyardCore
import Testing

@testable import Console

@Suite struct WidgetTests {
    @Test func gaugeFillsInProportion() {
        #expect(Bar.gauge(0.47, width: 10) == ("█████", "░░░░░"))
        #expect(Bar.gauge(0.01, width: 10) == ("█", "░░░░░░░░░"))
        #expect(Bar.gauge(0, width: 4) == ("", "░░░░"))
        #expect(Bar.gauge(1.5, width: 4) == ("████", ""))
        #expect(Bar.gauge(.nan, width: 2) == ("", "░░"))
    }

    @Test func pipsCountThenScale() {
        #expect(Bar.pips(3, scale: 3, width: 10) == "▮▮▮")
        #expect(Bar.pips(60, scale: 60, width: 10) == String(repeating: "▮", count: 10))
        #expect(Bar.pips(6, scale: 60, width: 10) == "▮")
        #expect(Bar.pips(0, scale: 60, width: 10) == "")
    }

    @Test func sparklineUsesEightLevelsAndKeepsSpikes() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7], width: 8) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([1, 9, 1, 1], width: 2) == "█▂")
        #expect(Sparkline.render([], width: 5) == "")
        #expect(Sparkline.columns([1, 5, 2, 2], width: 2).values == [5, 2])
        #expect(Sparkline.columns([1, 5, 2, 2], width: 2).starts == [0, 2])
        #expect(Sparkline.glyph(3, maximum: 0) == "▁")
    }

    @Test func boxDrawsBorderAndTitle() {
        let grid = GridScreen(width: 12, height: 4)
        let inner = Box.draw(in: Canvas(screen: grid), title: StyledText("Title"))
        inner.write("hello world!", x: 0, y: 0)
        #expect(grid.line(0) == "╭ Title ───╮")
        #expect(grid.line(1) == "│hello worl│")
        #expect(grid.line(2) == "│          │")
        #expect(grid.line(3) == "╰──────────╯")
    }

    @Test func styledTextTruncatesWithEllipsis() {
        var text = StyledText("abc", .accent)
        text.append("defgh", .dim)
        #expect(text.width == 8)
        #expect(text.truncated(to: 5).plain == "abcd…")
        #expect(text.truncated(to: 5).spans.last?.style == .dim)
        #expect(text.truncated(to: 8).plain == "abcdefgh")
    }

    @Test func canvasClipsToItsRectangle() {
        let grid = GridScreen(width: 10, height: 3)
        let canvas = Canvas(screen: grid).sub(Rect(x: 2, y: 1, width: 4, height: 1))
        canvas.write("abcdefgh", x: -1, y: 0)
        canvas.write("zz", x: 0, y: 1)
        #expect(grid.text() == "\n  bcde\n")
        #expect(Canvas(screen: grid).centred(width: 4, height: 1).rect == Rect(x: 3, y: 1, width: 4, height: 1))
    }

    @Test func gridScreenClipsAndReadsBack() {
        let grid = GridScreen(width: 5, height: 2)
        grid.put("abcdefg", x: -2, y: 0, style: .accent)
        grid.put("xy", x: 4, y: 1, style: .text)
        grid.put("nope", x: 0, y: 5, style: .text)
        #expect(grid.line(0) == "cdefg")
        #expect(grid.line(1) == "    x")
        #expect(grid.text() == "cdefg\n    x")
        #expect(grid.cell(x: 0, y: 0).style == .accent)
        #expect(grid.cell(x: 9, y: 9) == .blank)
        grid.clear()
        #expect(grid.text() == "\n")
    }

    @Test func ansiTextCarriesThemeColours() throws {
        let grid = GridScreen(width: 3, height: 1)
        grid.put("ab", x: 0, y: 0, style: CellStyle.accent.bold)
        let dark = try ThemeLoader(environment: [:], currentDirectory: "/nonexistent").load("default")
        #expect(grid.ansiText(theme: dark) == "\u{1B}[0;1;38;5;75mab\u{1B}[0;38;5;252m \u{1B}[0m\n")
        #expect(grid.ansiText(theme: .mono) == "\u{1B}[0;1mab\u{1B}[0m \u{1B}[0m\n")
    }
}

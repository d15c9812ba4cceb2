import CNCurses
import SwitchyardCore
import Testing

@testable import Console

@Suite struct KeyMapTests {
    @Test func mapsNormalKeys() {
        let expected: [(Key, ConsoleAction)] = [
            (.character("p"), .nextPolicy), (.character("1"), .choosePolicy(0)), (.character("9"), .choosePolicy(8)),
            (.character("b"), .openBurstMenu), (.character("a"), .toggleCompare), (.character(" "), .togglePause),
            (.character("+"), .faster), (.character("="), .faster), (.character("-"), .slower), (.tab, .focusNext),
            (.backTab, .focusPrevious), (.enter, .openDetail), (.character("t"), .nextTheme),
            (.character("?"), .toggleHelp), (.character("q"), .quit), (.escape, .dismiss), (.up, .scrollUp),
            (.down, .scrollDown), (.pageUp, .pageUp), (.pageDown, .pageDown),
        ]
        for (key, action) in expected {
            #expect(KeyMap.action(for: key, mode: .normal) == action, "\(key)")
        }
        #expect(KeyMap.action(for: .character("0"), mode: .normal) == .choosePolicy(9))
        #expect(KeyMap.action(for: .character("z"), mode: .normal) == nil)
        #expect(KeyMap.action(for: .resize, mode: .normal) == nil)
    }

    @Test func burstMenuTakesNumbersAndLetters() {
        #expect(KeyMap.action(for: .character("1"), mode: .burstMenu) == .burst(.prefillHeavy))
        #expect(KeyMap.action(for: .character("p"), mode: .burstMenu) == .burst(.prefillHeavy))
        #expect(KeyMap.action(for: .character("2"), mode: .burstMenu) == .burst(.decodeHeavy))
        #expect(KeyMap.action(for: .character("d"), mode: .burstMenu) == .burst(.decodeHeavy))
        #expect(KeyMap.action(for: .character("3"), mode: .burstMenu) == .burst(.mixed))
        #expect(KeyMap.action(for: .character("m"), mode: .burstMenu) == .burst(.mixed))
        #expect(KeyMap.action(for: .escape, mode: .burstMenu) == .dismiss)
        #expect(KeyMap.action(for: .character("4"), mode: .burstMenu) == .burst(.conversation))
        #expect(KeyMap.action(for: .character("c"), mode: .burstMenu) == .burst(.conversation))
        #expect(KeyMap.action(for: .character("5"), mode: .burstMenu) == nil)
        #expect(KeyMap.action(for: .character("q"), mode: .burstMenu) == .quit)
    }

    @Test func helpAndDetailModes() {
        #expect(KeyMap.action(for: .character("?"), mode: .help) == .dismiss)
        #expect(KeyMap.action(for: .escape, mode: .help) == .dismiss)
        #expect(KeyMap.action(for: .character("p"), mode: .help) == nil)
        #expect(KeyMap.action(for: .character("q"), mode: .help) == .quit)
        #expect(KeyMap.action(for: .enter, mode: .detail) == .dismiss)
        #expect(KeyMap.action(for: .tab, mode: .detail) == .focusNext)
        #expect(KeyMap.action(for: .character("p"), mode: .detail) == .nextPolicy)
        #expect(KeyMap.action(for: .down, mode: .detail) == .scrollDown)
    }

    @Test func decodesCursesKeyCodes() {
        #expect(Key(cursesCode: 9, isFunctionKey: false) == .tab)
        #expect(Key(cursesCode: 10, isFunctionKey: false) == .enter)
        #expect(Key(cursesCode: 13, isFunctionKey: false) == .enter)
        #expect(Key(cursesCode: 27, isFunctionKey: false) == .escape)
        #expect(Key(cursesCode: 127, isFunctionKey: false) == .backspace)
        #expect(Key(cursesCode: 113, isFunctionKey: false) == .character("q"))
        #expect(Key(cursesCode: 0x2191, isFunctionKey: false) == .character("↑"))
        #expect(Key(cursesCode: -5, isFunctionKey: false) == nil)
        #expect(Key(cursesCode: sy_key_resize(), isFunctionKey: true) == .resize)
        #expect(Key(cursesCode: sy_key_btab(), isFunctionKey: true) == .backTab)
        #expect(Key(cursesCode: sy_key_enter(), isFunctionKey: true) == .enter)
        #expect(Key(cursesCode: sy_key_npage(), isFunctionKey: true) == .pageDown)
        #expect(Key(cursesCode: sy_key_up(), isFunctionKey: true) == .up)
    }

    @Test func everyBindingIsDocumentedOnce() {
        let keys = KeyMap.bindings.map(\.keys)
        #expect(Set(keys).count == keys.count)
        for documented in [
            "p", "1-9 0", "P", "b", "a", "space", "+ / -", "tab / shift-tab", "enter", "t", "?", "esc", "q",
        ] {
            #expect(keys.contains(documented), "\(documented)")
        }
    }
}

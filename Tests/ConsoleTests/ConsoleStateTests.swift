import SwitchyardCore
import SwitchyardTestSupport
import Testing

@testable import Console

@Suite struct ConsoleStateTests {
    /// Applies `action`, checks the invariants and returns the commands.
    private func step(_ state: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleCommand] {
        let commands = state.handle(action)
        state.checkInvariants()
        return commands
    }

    private func fresh(instances: Int = 4) -> ConsoleState {
        var state = ConsoleState(policyNames: SnapshotFixture.policies, themeNames: ["default", "light", "mono"])
        state.sync(with: SnapshotFixture.snapshot(instances: instances))
        return state
    }

    @Test func pCyclesThroughPoliciesAndWraps() {
        var state = fresh()
        #expect(state.policy == "workload-aware")
        #expect(step(&state, .nextPolicy) == [.setPolicy("llm-d")])
        #expect(step(&state, .nextPolicy) == [.setPolicy("round-robin")])
        #expect(step(&state, .nextPolicy) == [.setPolicy("least-tokens")])
        #expect(state.status == "policy: least-tokens")
    }

    @Test func digitsChoosePolicies() {
        var state = fresh()
        #expect(step(&state, .choosePolicy(0)) == [.setPolicy("round-robin")])
        #expect(step(&state, .choosePolicy(0)) == [])
        #expect(step(&state, .choosePolicy(2)) == [.setPolicy("least-kv")])
        #expect(step(&state, .choosePolicy(8)) == [])
        #expect(state.status == "no policy 9: there are 5")
        #expect(step(&state, .selectPolicy("llm-d")) == [.setPolicy("llm-d")])
        #expect(step(&state, .selectPolicy("nope")) == [])
    }

    @Test func thePickerReachesEveryPolicyBeyondTheNinth() {
        let names = (0..<15).map { "policy-\($0)" }
        var state = ConsoleState(policyNames: names, themeNames: ["default"])
        #expect(KeyMap.action(for: .character("P"), mode: state.inputMode) == .openPolicyMenu)
        _ = step(&state, .openPolicyMenu)
        #expect(state.inputMode == .policyMenu)
        // The 15th policy's key in the picker is `e` (1-9, 0, then a-z).
        let action = KeyMap.action(for: .character("e"), mode: state.inputMode)
        #expect(action == .choosePolicy(14))
        #expect(step(&state, .choosePolicy(14)) == [.setPolicy("policy-14")])
        #expect(state.overlay == .none)
        #expect(KeyMap.action(for: .character("0"), mode: .normal) == .choosePolicy(9))
        let grid = GridScreen(width: 120, height: 40)
        _ = step(&state, .openPolicyMenu)
        ConsoleRenderer.render(state: state, snapshot: SnapshotFixture.snapshot(), into: grid)
        #expect(grid.text().contains("e policy-14 ◂"))
        #expect(grid.text().contains("0 policy-9"))
    }

    @Test func withoutColourTheThemeKeySaysSoInsteadOfPretending() {
        var state = fresh()
        state.colorAvailable = false
        _ = step(&state, .nextTheme)
        #expect(state.themeName == "default")
        #expect(state.status?.contains("stays mono") == true)
    }

    @Test func burstMenuOpensAndChooses() {
        var state = fresh()
        #expect(step(&state, .openBurstMenu) == [])
        #expect(state.inputMode == .burstMenu)
        #expect(step(&state, .burst(.decodeHeavy)) == [.burst(.decodeHeavy)])
        #expect(state.overlay == .none)
        _ = step(&state, .openBurstMenu)
        _ = step(&state, .dismiss)
        #expect(state.overlay == .none)
    }

    @Test func aTogglesComparisonAgainstRoundRobinOrTheNextPolicy() {
        var state = fresh()
        // The fixture's policy is not round-robin, so the paper's baseline is B.
        #expect(step(&state, .toggleCompare) == [.compare("round-robin")])
        #expect(state.comparison == "round-robin")
        _ = step(&state, .toggleCompare)
        #expect(step(&state, .toggleCompare) == [.compare("round-robin")])
        var snapshot = SnapshotFixture.snapshot(twin: true)
        snapshot.twin?.policy = "llm-d"
        state.sync(with: snapshot)
        #expect(state.comparison == "llm-d")
        #expect(step(&state, .toggleCompare) == [.compare(nil)])
        // The last B (here `--compare llm-d` at launch, as the backend reported it) is what `a` starts again.
        #expect(step(&state, .toggleCompare) == [.compare("llm-d")])
        _ = step(&state, .toggleCompare)
        var onRoundRobin = ConsoleState(policyNames: ["round-robin", "oracle", "llm-d"])
        onRoundRobin.policy = "round-robin"
        #expect(onRoundRobin.handle(.toggleCompare) == [.compare("llm-d")])
        #expect(state.comparison == nil)
        var withOracle = ConsoleState(policyNames: ["workload-aware", "workload-aware-oracle", "oracle", "least-kv"])
        withOracle.policy = "workload-aware"
        #expect(withOracle.handle(.toggleCompare) == [.compare("least-kv")])
        var onlyOracle = ConsoleState(policyNames: ["least-kv", "oracle"])
        #expect(onlyOracle.handle(.toggleCompare) == [.compare("oracle")])
        var single = ConsoleState(policyNames: ["round-robin"])
        #expect(single.handle(.toggleCompare) == [])
        #expect(single.status == "A/B needs a second policy")
    }

    @Test func liveAOffersATwinOrATrafficSplit() {
        var state = fresh()
        state.isLive = true
        // On a real cluster `a` asks how: nothing starts until the operator picks.
        #expect(step(&state, .toggleCompare) == [])
        #expect(state.inputMode == .compareMenu)
        #expect(KeyMap.action(for: .character("t"), mode: .compareMenu) == .startCompare(.twin))
        #expect(KeyMap.action(for: .character("s"), mode: .compareMenu) == .startCompare(.split))
        #expect(KeyMap.action(for: .escape, mode: .compareMenu) == .dismiss)
        #expect(step(&state, .startCompare(.twin)) == [.compare("round-robin", kind: .twin)])
        #expect(state.overlay == .none)
        #expect(state.status?.contains("B predicted") == true)
        #expect(step(&state, .toggleCompare) == [.compare(nil)])
        _ = step(&state, .toggleCompare)
        #expect(step(&state, .startCompare(.split)) == [.compare("round-robin", kind: .split)])
        _ = step(&state, .toggleCompare)
        _ = step(&state, .toggleCompare)
        _ = step(&state, .dismiss)
        #expect(state.overlay == .none && state.comparison == nil)
    }

    @Test func tabFocusWrapsBothWays() {
        var state = fresh()
        var seen: [Int?] = []
        for _ in 0..<5 {
            _ = step(&state, .focusNext)
            seen.append(state.focus)
        }
        #expect(seen == [0, 1, 2, 3, 0])
        state.focus = nil
        _ = step(&state, .focusPrevious)
        #expect(state.focus == 3)
        _ = step(&state, .focusPrevious)
        #expect(state.focus == 2)
    }

    @Test func enterOpensDetailAndEscapeBacksOut() {
        var state = fresh()
        _ = step(&state, .openDetail)
        #expect(state.overlay == .detail)
        #expect(state.focus == 0)
        #expect(state.inputMode == .detail)
        _ = step(&state, .openDetail)
        #expect(state.overlay == .none)
        _ = step(&state, .focusNext)
        _ = step(&state, .openDetail)
        #expect(state.focus == 1)
        _ = step(&state, .dismiss)
        #expect(state.overlay == .none)
        #expect(state.focus == 1)
        _ = step(&state, .dismiss)
        #expect(state.focus == nil)
        var empty = fresh(instances: 0)
        _ = step(&empty, .openDetail)
        #expect(empty.overlay == .none)
    }

    @Test func helpToggles() {
        var state = fresh()
        _ = step(&state, .toggleHelp)
        #expect(state.inputMode == .help)
        _ = step(&state, .toggleHelp)
        #expect(state.inputMode == .normal)
    }

    @Test func liveClustersDoNotPauseOrChangeSpeedAndSaySo() {
        var state = ConsoleState(policyNames: SnapshotFixture.policies)
        var live = SnapshotFixture.snapshot(instances: 2)
        live.mode = .live
        state.sync(with: live)
        #expect(state.isLive)
        for action in [ConsoleAction.togglePause, .faster, .slower, .setSpeed(5)] {
            #expect(step(&state, action) == [])
            #expect(state.status?.hasPrefix("LIVE: a real cluster runs in real time") == true)
        }
        #expect(!state.paused)
        #expect(step(&state, .nextPolicy) != [])
    }

    @Test func pauseAndSpeed() {
        var state = fresh()
        #expect(step(&state, .togglePause) == [.pause(true)])
        #expect(step(&state, .togglePause) == [.pause(false)])
        #expect(step(&state, .faster) == [.speed(2)])
        #expect(step(&state, .faster) == [.speed(5)])
        #expect(step(&state, .slower) == [.speed(2)])
        #expect(step(&state, .slower) == [.speed(1)])
        #expect(step(&state, .slower) == [.speed(0.5)])
        #expect(state.status == "speed ×0.5")
        #expect(step(&state, .setSpeed(100)) == [.speed(100)])
        #expect(step(&state, .faster) == [])
        #expect(step(&state, .setSpeed(-1)) == [])
        state.speed = 3
        #expect(step(&state, .faster) == [.speed(5)])
    }

    @Test func qQuits() {
        var state = fresh()
        #expect(step(&state, .quit) == [.quit])
        #expect(state.isQuitting)
    }

    @Test func themeCyclesAndWraps() {
        var state = fresh()
        _ = step(&state, .nextTheme)
        #expect(state.themeName == "light")
        _ = step(&state, .nextTheme)
        _ = step(&state, .nextTheme)
        #expect(state.themeName == "default")
        #expect(state.status == "theme: default")
    }

    @Test func statusExpires() {
        var state = fresh()
        _ = step(&state, .togglePause)
        for _ in 0..<(ConsoleState.statusLifetime - 1) { state.tick() }
        #expect(state.status == "paused")
        state.tick()
        #expect(state.status == nil)
    }

    @Test func scrollMovesFocusOrView() {
        var state = fresh(instances: 64)
        _ = step(&state, .scrollDown)
        _ = step(&state, .scrollDown)
        #expect(state.scroll == 2)
        _ = step(&state, .pageDown)
        #expect(state.scroll == 12)
        for _ in 0..<10 { _ = step(&state, .pageDown) }
        #expect(state.scroll == 63)
        state.scroll = 0
        _ = step(&state, .focusNext)
        _ = step(&state, .scrollDown)
        #expect(state.focus == 1)
        _ = step(&state, .scrollUp)
        _ = step(&state, .scrollUp)
        #expect(state.focus == 0)
        _ = step(&state, .openDetail)
        _ = step(&state, .scrollDown)
        #expect(state.detailScroll == 1)
        state.apply(RenderInfo(scroll: 5, detailScroll: 0, pageSize: 7))
        #expect(state.scroll == 5 && state.detailScroll == 0 && state.pageSize == 7)
    }

    @Test func syncFollowsTheBackend() {
        var state = fresh(instances: 8)
        state.focus = 7
        state.overlay = .detail
        var snapshot = SnapshotFixture.snapshot(instances: 2)
        snapshot.paused = true
        snapshot.speed = 5
        snapshot.policy = "least-kv"
        state.sync(with: snapshot)
        state.checkInvariants()
        #expect(state.focus == 1)
        #expect(state.paused && state.speed == 5 && state.policy == "least-kv")
        state.sync(with: SnapshotFixture.snapshot(instances: 0))
        state.checkInvariants()
        #expect(state.focus == nil)
        #expect(state.overlay == .none)
    }

    @Test func captionShowsAndHides() {
        var state = fresh()
        _ = step(&state, .caption("hello"))
        #expect(state.caption == "hello")
        _ = step(&state, .caption(""))
        #expect(state.caption == nil)
    }
}

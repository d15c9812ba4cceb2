import SwitchyardCore
import SwitchyardTestSupport
import Synchronization
import Testing

@testable import Console

@Suite struct ConsoleAppTests {
    /// Runs one frame of the console loop against `backend`, drawing into a 120x40 grid.
    private func frame(
        _ keys: [Key],
        scripted: [ConsoleAction] = [],
        state: inout ConsoleState,
        backend: FakeBackend,
        options: ConsoleOptions = ConsoleOptions(environment: [:])
    ) async -> (snapshot: ClusterSnapshot?, grid: GridScreen) {
        let grid = GridScreen(width: 120, height: 40)
        let snapshot = await ConsoleApp.frame(
            keys: keys,
            scripted: scripted,
            state: &state,
            backend: backend,
            options: options,
            screen: grid
        )
        state.checkInvariants()
        return (snapshot, grid)
    }

    @Test func keysDriveTheBackendFrameByFrame() async {
        let backend = FakeBackend()
        let commands = Mutex<[ConsoleCommand]>([])
        let frames = Mutex(0)
        let options = ConsoleOptions(
            environment: [:],
            onFrame: { _ in frames.withLock { $0 += 1 } },
            onCommand: { command in commands.withLock { $0.append(command) } }
        )
        var state = ConsoleState(policyNames: backend.policyNames)
        state.sync(with: await backend.snapshot())

        var drawn = await frame([.character("p")], state: &state, backend: backend, options: options)
        #expect(drawn.grid.line(0).contains("policy: llm-d"))
        #expect(drawn.grid.line(39).hasSuffix("policy: llm-d"))

        drawn = await frame([.character("b"), .character("1")], state: &state, backend: backend, options: options)
        #expect(state.overlay == .none)

        drawn = await frame([.character("a")], state: &state, backend: backend, options: options)
        #expect(drawn.grid.line(0).contains("A: llm-d | B: round-robin"))
        #expect(drawn.grid.text().contains("B vs A"))

        drawn = await frame([.character(" "), .character("+")], state: &state, backend: backend, options: options)
        #expect(drawn.grid.line(0).contains("PAUSED"))

        drawn = await frame(
            [.tab, .tab, .enter],
            scripted: [.caption("instance detail")],
            state: &state,
            backend: backend,
            options: options
        )
        #expect(drawn.grid.line(1).hasPrefix("╭ i1 ● up · detail"))
        #expect(drawn.grid.line(38) == " ▌ instance detail")

        drawn = await frame([.character("q"), .character("p")], state: &state, backend: backend, options: options)
        #expect(drawn.snapshot == nil)
        #expect(
            backend.log == ["policy llm-d", "burst prefill-heavy", "compare round-robin", "paused true", "speed 2.0"]
        )
        #expect(
            commands.withLock { $0 } == [
                .setPolicy("llm-d"), .burst(.prefillHeavy), .compare("round-robin"), .pause(true), .speed(2), .quit,
            ]
        )
        #expect(frames.withLock { $0 } == 5)
    }

    @Test func backendErrorsShowInTheFooter() async {
        let backend = FakeBackend(canCompare: false)
        var state = ConsoleState(policyNames: backend.policyNames)
        state.sync(with: await backend.snapshot())
        let drawn = await frame([.character("a")], state: &state, backend: backend)
        #expect(state.comparison == nil)
        #expect(drawn.grid.line(39).hasSuffix("A/B comparison is not available on this backend."))
    }

    @Test func sendsEachCommandToTheBackend() async throws {
        let backend = FakeBackend()
        let commands: [ConsoleCommand] = [
            .setPolicy("least-kv"), .burst(.mixed), .pause(true), .speed(5), .compare("llm-d"), .compare(nil), .quit,
        ]
        for command in commands {
            try await ConsoleApp.send(command, to: backend)
        }
        let expected = ["policy least-kv", "burst mixed", "paused true", "speed 5.0", "compare llm-d", "compare off"]
        #expect(backend.log == expected)
        await #expect(throws: ClusterBackendError.self) {
            try await ConsoleApp.send(.setPolicy("nope"), to: backend)
        }
    }

    @Test func renderOnceGivesTheTextAPersonWouldSee() {
        let snapshot = SnapshotFixture.snapshot()
        let text = ConsoleApp.renderOnce(snapshot: snapshot, width: 80, height: 24)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == 24)
        #expect(text.hasPrefix(" SWITCHYARD   SIM  azure-conv"))
        #expect(!text.contains("\u{1B}"))
        let ansi = ConsoleApp.renderOnce(snapshot: snapshot, width: 80, height: 24, theme: .standard, ansi: true)
        #expect(ansi.contains("\u{1B}[0;1;7;38;5;75m SWITCHYARD "))
    }

    @Test func rendersSixtyFourInstancesAtEverySize() {
        let snapshot = SnapshotFixture.snapshot(instances: 64, twin: true)
        var state = ConsoleState(policyNames: SnapshotFixture.policies)
        state.sync(with: snapshot)
        for (width, height) in [(60, 16), (80, 24), (120, 40), (200, 60), (300, 100)] {
            let grid = GridScreen(width: width, height: height)
            let info = ConsoleRenderer.render(state: state, snapshot: snapshot, into: grid)
            #expect(info.pageSize >= 1)
            #expect(grid.line(0).hasPrefix(" SWITCHYARD"))
        }
    }
}

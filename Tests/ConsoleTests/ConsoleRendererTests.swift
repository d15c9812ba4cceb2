import SwitchyardCore
import SwitchyardTestSupport
import Testing

@testable import Console

@Suite struct ConsoleRendererTests {
    @Test func drawsEveryPanelAt80x24() {
        let grid = render(width: 80, height: 24)
        #expect(grid.line(0) == " SWITCHYARD   SIM  azure-conv  policy: workload-aware  t=123.4s ×1.0  in 5.2/s")
        #expect(grid.line(1).hasPrefix("╭ Instances · 4 ─"))
        #expect(grid.line(2) == "│ i0  ● up     pf   3 ▮▮  4.1k  dec  42 ▮▮▮▮▮   KV ███░░░  47%  █▃▂  pre 0     │")
        #expect(grid.line(5) == "│ i3  ● stale  pf   1 ▮    300  dec   8 ▮       KV █░░░░░  12%  █▃▁  pre 0     │")
        #expect(grid.line(7).hasPrefix("╭ Latency · last 60s ─"))
        #expect(grid.line(8).hasSuffix("│          mean    p50    p99   │"))
        #expect(grid.line(9).hasSuffix("18.2s │ E2E     5.02s  4.21s  18.3s   │"))
        #expect(grid.line(10).hasSuffix("0.45s │ TTFT    0.52s  0.41s  2.10s   │"))
        #expect(grid.line(11).hasSuffix("2.27s │ TBT      31ms   28ms   90ms   │"))
        #expect(grid.line(14).hasPrefix("╭ Decisions · newest first ─"))
        #expect(grid.line(15) == "│  123.23s r1234 p=1,532  →i1   256-2k  i2 0.41  i0 0.52  i3 0.60  least mixi… │")
        #expect(grid.line(16).contains("HOLD  <256"))
        #expect(grid.line(23) == " p policy  b burst  a A/B  space pause  +/- speed  tab focus  ? help  q quit")
    }

    @Test func drawsCardsAt120x40() {
        let grid = render(width: 120, height: 40)
        #expect(grid.line(0).hasSuffix("in 5.2/s  out 5.1/s  1,234 tok/s"))
        #expect(grid.line(0).contains("azure-conv"))
        #expect(grid.line(1).hasPrefix("╭ i0 ● up ───"))
        #expect(grid.line(1).contains("╮╭ i3 ● stale ─"))
        #expect(grid.line(2).hasPrefix("│ prefill ▮▮   3 q  4.1k tok ││"))
        #expect(grid.line(3).hasPrefix("│ decode  ▮▮▮▮  42 run  1 pf ││"))
        #expect(grid.line(4).hasPrefix("│ KV ████████░░░░░░░░░░  47% ││"))
        #expect(grid.line(5).hasPrefix("│ pred <256 █ 256-2k ▃ 2k+ ▂ ││"))
        #expect(grid.line(6).hasPrefix("│ preempt 0   done 1,204     ││ preempt 0   done 301"))
        #expect(grid.line(4).contains("█░░  91% │"))
        #expect(grid.line(8).hasPrefix("╭ Latency · last 60s ─"))
        #expect(grid.line(15).hasPrefix("╭ Decisions · newest first ─"))
        #expect(grid.line(39).hasSuffix("t theme  ? help  q quit"))
    }

    @Test func drawsWideLayoutAt200x60() {
        let grid = render(width: 200, height: 60)
        #expect(grid.line(1).hasPrefix("╭ i0 ● up ─"))
        // Four cards share the 200 columns: 50 each.
        #expect(grid.line(2).hasPrefix("│ prefill ▮▮▮                      3 q  4.1k tok ││ prefill      "))
        #expect(grid.line(6).hasPrefix("│ preempt 0   done 1,204             blk 240/512 ││"))
        #expect(grid.line(6).hasSuffix("blk 61/512 │"))
        // Latency and decisions side by side under the cards.
        let row = grid.rowIndex("╭ Latency · last 60s")
        #expect(row == 8)
        #expect(grid.line(row).contains("╮╭ Decisions · newest first ─"))
        #expect(grid.line(row + 6).contains("110.0s ▲ burst prefill-heavy"))
        #expect(grid.line(row + 7).contains("100.0s ▲ policy workload-aware"))
        let oldest = "120.00s r1215   p=200  →i2   <256    i2 0.41  i0 0.52  i3 0.60  least mixing impact"
        #expect(grid.text().contains(oldest))
    }

    @Test func marksPolicySwitchesAndBurstsOnTheSparklines() {
        let grid = render(width: 120, height: 40)
        let markerRow = grid.line(13)
        #expect(markerRow.filter { $0 == "▲" }.count == 2)
        #expect(markerRow.contains("▲ burst prefill-heavy"))
        // The columns of the marks are highlighted in the sparklines above.
        let x = markerRow.distance(from: markerRow.startIndex, to: markerRow.firstIndex(of: "▲") ?? markerRow.endIndex)
        #expect(grid.cell(x: x, y: 9).style.attributes.contains(.reverse))
        #expect(!grid.cell(x: x - 1, y: 9).style.attributes.contains(.reverse))
    }

    @Test func theMarkerCaptionSitsBesideTheNewestMarkEvenWhenItMustGoLeft() {
        var snapshot = SnapshotFixture.snapshot()
        // The newest mark is at the right edge: its caption has no room on the right and goes left of it, not left
        // of the oldest mark.
        snapshot.markers = [
            TimelineMarker(time: 80, kind: .policy, label: "round-robin"),
            TimelineMarker(time: 122.9, kind: .burst, label: "prefill-heavy"),
        ]
        let grid = render(snapshot, width: 120, height: 40)
        let markerRow = grid.line(13)
        #expect(markerRow.filter { $0 == "▲" }.count == 2)
        #expect(markerRow.contains("burst prefill-heavy ▲"), "\(markerRow)")
        #expect(!markerRow.contains("policy round-robin"))
    }

    @Test func anEmptyLatestSecondShowsADashNotZero() {
        var snapshot = SnapshotFixture.snapshot()
        snapshot.history[snapshot.history.count - 1] = LatencyPoint(
            time: snapshot.history[snapshot.history.count - 1].time,
            e2eP50: 0,
            e2eP99: 0,
            ttftP50: 0,
            ttftP99: 0
        )
        let grid = render(snapshot, width: 120, height: 40)
        #expect(grid.line(9).contains("  – │"), "\(grid.line(9))")
        #expect(!grid.line(9).contains(" 0s │"))
    }

    @Test func theLiveDecisionLogUsesBackendNamesAndMarksIneligibleScores() {
        var snapshot = SnapshotFixture.snapshot()
        for index in snapshot.instances.indices { snapshot.instances[index].name = "gpu-\(index)" }
        snapshot.recentDecisions = [
            DecisionRecord(
                time: 1,
                request: 7,
                promptTokens: 100,
                predictedBucket: 0,
                predictedTokens: 50,
                instance: 1,
                policy: "least-requests",
                topScores: [
                    .init(instance: 1, score: 2),
                    .init(instance: 2, score: 3),
                    .init(instance: 0, score: 0, ineligible: true),
                ],
                reason: "fewest outstanding requests"
            )
        ]
        let grid = render(snapshot, width: 120, height: 40)
        let row = grid.line(grid.rowIndex(" r7 "))
        #expect(row.contains("→gpu-1"), "\(row)")
        #expect(row.contains("gpu-1 2.00  gpu-2 3.00  gpu-0 0.00✗"), "\(row)")
    }

    @Test func aPickPastTheBestScoreIsMarkedEvenWhenTheReasonIsCutOff() {
        var snapshot = SnapshotFixture.snapshot()
        func record(_ request: Int, chosen: Int, scores: [Double], reason: String) -> DecisionRecord {
            DecisionRecord(
                time: 1,
                request: request,
                promptTokens: 12_000,
                predictedBucket: 0,
                predictedTokens: 50,
                instance: chosen,
                policy: "least-impact",
                topScores: scores.enumerated().map { .init(instance: $0.offset, score: $0.element) },
                reason: reason
            )
        }
        snapshot.recentDecisions = [
            record(1, chosen: 2, scores: [1.40, 1.55, 1.61], reason: "tail guard: first token sooner here"),
            record(2, chosen: 1, scores: [1.34, 1.34, 1.58], reason: "least mixing impact"),
            record(3, chosen: 0, scores: [1.31, 1.32, 1.32], reason: "least mixing impact"),
        ]
        // 80 columns: the decision panel cuts every reason off.
        let grid = render(snapshot, width: 80, height: 40)
        let guarded = grid.line(grid.rowIndex(" r1 "))
        #expect(guarded.contains("↪i2"), "\(guarded)")
        #expect(!guarded.contains("tail guard"), "the reason is cut at this width: \(guarded)")
        // A tie taken in another order, and the best score itself, are plain picks.
        #expect(grid.line(grid.rowIndex(" r2 ")).contains("→i1"))
        #expect(grid.line(grid.rowIndex(" r3 ")).contains("→i0"))
    }

    @Test func aDownCardNamesTheReasonInItsTitle() {
        var snapshot = SnapshotFixture.snapshot()
        snapshot.instances[1].health = .down
        snapshot.instances[1].healthNote = "ejected for 30 s after 5 consecutive 5xx replies for 4 s"
        let grid = render(snapshot, width: 120, height: 40)
        #expect(grid.line(1).contains("i1 ● down ejected for"), "\(grid.line(1))")
    }

    @Test func shortHistoryRunsToTheRightEdge() {
        let grid = render(SnapshotFixture.snapshot(history: 10), width: 120, height: 40)
        #expect(grid.line(8).hasPrefix("╭ Latency · last 10s ─"))
        let row = grid.line(9)
        #expect(row.hasPrefix("│ E2E  p50                    "))
        #expect(row.contains(" ▅▇▆▇▆█▆█▆█   4.69s │"))
    }

    @Test func saysPlainlyWhenTheTerminalIsTooSmall() {
        let grid = render(width: 50, height: 12)
        #expect(grid.text().contains("Terminal too small"))
        #expect(grid.text().contains("50×12, need 60×16"))
        #expect(grid.text().contains("press q to quit"))
        #expect(!grid.text().contains("╭"))
        #expect(render(width: 60, height: 16).text().contains("╭ Latency"))
        #expect(render(width: 59, height: 30).text().contains("Terminal too small"))
        // Even a tiny terminal gets no garbage.
        #expect(render(width: 8, height: 2).text().contains("Termina…"))
    }

    @Test func compactsAndScrolls64Instances() {
        let snapshot = SnapshotFixture.snapshot(instances: 64)
        let grid = render(snapshot, width: 80, height: 24)
        #expect(grid.line(1).hasPrefix("╭ Instances · 64 · 1–8 ↓ ─"))
        #expect(grid.line(2).hasPrefix("│ i0  ● up "))
        #expect(grid.line(9).hasPrefix("│ i7  ● up "))

        var scrolled = state(after: [.focusNext], snapshot: snapshot)
        scrolled.focus = 40
        let info = ConsoleRenderer.render(state: scrolled, snapshot: snapshot, into: GridScreen(width: 80, height: 24))
        #expect(info.scroll == 33)
        #expect(info.pageSize == 8)
        scrolled.apply(info)
        let moved = render(snapshot, state: scrolled, width: 80, height: 24)
        #expect(moved.line(1).hasPrefix("╭ Instances · 64 · 34–41 ↑ ↓ ─"))
        #expect(moved.line(9).hasPrefix("│ i40 ● up "))
        #expect(moved.style(of: "i40", inRow: 9) == CellStyle.accent.bold.reversed)
    }

    @Test func spreads64InstancesOverColumnsWhenWide() {
        let grid = render(SnapshotFixture.snapshot(instances: 64), width: 200, height: 60)
        #expect(grid.line(1).hasPrefix("╭ Instances · 64 ─"))
        #expect(grid.line(2).hasPrefix("│ i0  ● up "))
        #expect(grid.line(2).contains(" i32 ● up "))
        #expect(grid.line(33).contains("i31 ") && grid.line(33).contains("i63 "))
    }

    @Test func helpOverlayListsEveryKey() {
        let grid = render(state: state(after: [.toggleHelp]), width: 80, height: 24)
        let text = grid.text()
        #expect(text.contains("╭ Keys ─"))
        for binding in KeyMap.bindings {
            #expect(text.contains(binding.keys), "help lacks \(binding.keys)")
            #expect(text.contains(String(binding.summary.prefix(30))), "help lacks \(binding.summary)")
        }
        #expect(text.contains("1 round-robin  2 least-tokens  3 least-kv  4 workload-aware  5 llm-d"))
    }

    /// On a terminal wide enough for the overlay's full width, no key's summary is cut short.
    @Test func helpOverlayShowsEverySummaryWholeWhenThereIsRoom() {
        let text = render(state: state(after: [.toggleHelp]), width: 120, height: 40).text()
        for binding in KeyMap.bindings { #expect(text.contains(binding.summary), "cut: \(binding.summary)") }
        #expect(text.contains("Decisions  ↪ picked past the best score (tail guard)  ✗ cannot take it"))
        #expect(text.contains("c57% share of the prompt credited as cached there"))
        #expect(text.contains("esc or ? closes this help"))
    }

    /// The oracle references are labelled `ref` wherever a policy is named: in the menu and in the header.
    @Test func referencePoliciesAreLabelledInTheMenuAndTheHeader() {
        var snapshot = SnapshotFixture.snapshot()
        snapshot.policy = "oracle"
        var menuState = ConsoleState(policyNames: SnapshotFixture.policies + ["oracle"])
        menuState.referencePolicyNames = ["oracle"]
        menuState.sync(with: snapshot)
        _ = menuState.handle(.openPolicyMenu)
        let grid = render(snapshot, state: menuState, width: 120, height: 40)
        let menu = grid.text()
        #expect(menu.contains("6 oracle ref ◂"))
        #expect(menu.contains("4 workload-aware ") && !menu.contains("workload-aware ref"))
        #expect(grid.line(0).contains("policy: oracle ref"))
        // Without the label set (a live cluster's menu), nothing is marked.
        var plain = ConsoleState(policyNames: SnapshotFixture.policies + ["oracle"])
        plain.sync(with: snapshot)
        #expect(!render(snapshot, state: plain, width: 120, height: 40).text().contains(" ref"))
    }

    @Test func burstMenuOffersThreeKinds() {
        let text = render(state: state(after: [.openBurstMenu]), width: 80, height: 24).text()
        #expect(text.contains("╭ Inject a burst ─"))
        #expect(text.contains("1 p  prefill-heavy  long prompts, short answers"))
        #expect(text.contains("2 d  decode-heavy   short prompts, long answers"))
        #expect(text.contains("3 m  mixed          both, alternating"))
    }

    @Test func detailShowsRequestsAndProgressAgainstPrediction() {
        let grid = render(state: state(after: [.focusNext, .openDetail]), width: 100, height: 24)
        #expect(grid.line(1).hasPrefix("╭ i0 ● up · detail · enter or esc closes ─"))
        #expect(grid.line(2).contains("queue 3 (4.1k tok)   prefilling 1   decoding 42   preempted 0   done 1,204"))
        #expect(grid.line(3).contains("47%  240/512 blocks"))
        #expect(grid.line(5).contains("request  phase      prompt  generated / predicted"))
        #expect(grid.line(6).hasPrefix("│ r1000    prefill       500  ░░░"))
        #expect(grid.line(6).contains("0/256    0% <256          4"))
        #expect(grid.line(9).contains("120/256   47% <256          7"))
        #expect(grid.line(10).contains("300/256  117% 256-2k        8"))
        #expect(grid.style(of: "117%", inRow: 10) == CellStyle.warn.bold)
        #expect(grid.text().contains("requests 1–5 of 5"))
    }

    @Test func abViewShowsBothSidesAndTheDifference() {
        let snapshot = SnapshotFixture.snapshot(twin: true)
        let grid = render(snapshot, width: 120, height: 40)
        #expect(grid.line(0).contains("A: workload-aware | B: round-robin"))
        #expect(grid.line(1).hasPrefix("╭ A · workload-aware ─"))
        #expect(grid.line(1).contains("╮╭ B · round-robin ─"))
        #expect(grid.line(2).contains("E2E  mean  5.02s  p99  18.3s"))
        #expect(grid.line(2).contains("E2E  mean  6.10s  p99  25.0s"))
        let delta = grid.line(grid.rowIndex("B vs A"))
        #expect(delta.hasPrefix(" B vs A   E2E mean +21.5% p99 +36.6%  TTFT mean +7.7% p99 +10.0%"))
        // Narrow terminals stack A above B.
        let narrow = render(snapshot, width: 64, height: 30)
        #expect(narrow.line(1).hasPrefix("╭ A · workload-aware ─"))
        #expect(narrow.rowIndex("╭ B · round-robin") > 1)
    }

    @Test func predictedTwinIsLabelledAndShowsItsOwnError() {
        var snapshot = SnapshotFixture.snapshot(twin: true)
        snapshot.mode = .live
        snapshot.twin?.prediction = TwinPrediction(
            profile: "gemma3-270m-llamacpp",
            lag: 6.2,
            twinA: LatencySummary(mean: 5.5, p50: 5, p90: 9, p99: 17, count: 90),
            twinATTFT: LatencySummary(mean: 0.4, p50: 0.3, p90: 0.8, p99: 1.2, count: 90),
            compared: 118,
            measuredE2E: 5.0,
            predictedE2E: 5.4,
            measuredTTFT: 0.5,
            predictedTTFT: 0.45,
            estimated: 0
        )
        let grid = render(snapshot, width: 120, height: 40)
        #expect(grid.line(1).contains("B · round-robin · predicted"))
        let twin = grid.line(grid.rowIndex(" twin "))
        #expect(twin.contains("A predicted/measured  E2E +8.0%  TTFT -10.0%  n=118"), "\(twin)")
        // B (6.10 s) against the twin's own A (5.5 s): the like-for-like difference.
        #expect(twin.contains("B vs predicted A  E2E +10.9%   settled to 6.20s ago"), "\(twin)")
        // The profile's name where there is room for it.
        let wide = render(snapshot, width: 160, height: 40)
        #expect(wide.line(wide.rowIndex(" twin ")).contains("profile gemma3-270m-llamacpp"))
        #expect(grid.rowIndex(" twin ") == grid.rowIndex("B vs A") + 1)
        // It fits the smallest terminal too.
        let small = render(snapshot, width: 80, height: 24)
        #expect(small.rowIndex(" twin ") > 0)
    }

    @Test func abRowsShowBackendNamesThatDifferOnlyInTheirPort() {
        var snapshot = SnapshotFixture.snapshot(twin: true)
        for index in snapshot.instances.indices {
            snapshot.instances[index].name = "127.0.0.1:2300\(index + 1)"
            snapshot.twin?.instances[index].name = "127.0.0.1:2300\(index + 1)"
        }
        let grid = render(snapshot, width: 120, height: 40)
        for port in 1...4 { #expect(grid.text().contains("127.0.0.1:2300\(port) ●"), "port \(port)") }
        // Where the row has no room for the whole name, its end (the port) is what is kept.
        let narrow = render(snapshot, width: 64, height: 30)
        #expect(narrow.text().contains("3001 ●") && narrow.text().contains("3002 ●"), "\(narrow.text())")
    }

    @Test func showsCaptionStatusAndPause() {
        var snapshot = SnapshotFixture.snapshot()
        snapshot.paused = true
        snapshot.routerQueue = 12
        let current = state(after: [.caption("A prefill-heavy burst arrives"), .nextTheme], snapshot: snapshot)
        let grid = render(snapshot, state: current, width: 120, height: 40)
        #expect(grid.line(0).contains("t=123.4s PAUSED"))
        #expect(grid.line(0).contains("held 12"))
        #expect(grid.line(38) == " ▌ A prefill-heavy burst arrives")
        #expect(grid.line(39).hasSuffix(" theme: default"))
        #expect(grid.style(of: "theme: default", inRow: 39) == CellStyle.accent.reversed)
    }

    @Test func colorsKVByLevelAndQueuesByRole() {
        let grid = render(width: 120, height: 40)
        #expect(grid.style(of: "47%", inRow: 4)?.role == .kvLow)
        #expect(grid.style(of: "62%", inRow: 4)?.role == .kvMid)
        #expect(grid.style(of: "91%", inRow: 4)?.role == .kvHigh)
        #expect(grid.style(of: "▮", inRow: 2)?.role == .prefill)
        #expect(grid.style(of: "▮", inRow: 3)?.role == .decode)
        #expect(grid.style(of: "stale", inRow: 1)?.role == .warn)
    }
}

import SwitchyardCore
import SwitchyardTestSupport
import Testing

@testable import Console

/// The engine's own figures on the LIVE cards, the detail view and the header; `switchyard top`'s watch-only mode.
@Suite struct EngineSideViewTests {
    static func summary(_ p50: Double, _ p99: Double, count: Int = 40) -> LatencySummary {
        LatencySummary(mean: p50, p50: p50, p90: p99, p99: p99, count: count)
    }

    /// A LIVE snapshot whose instance 0 has engine histograms and instance 1 only the gateway's measurements.
    static func live() -> ClusterSnapshot {
        var snapshot = SnapshotFixture.snapshot()
        snapshot.mode = .live
        snapshot.instances[0].engine = EngineSideStats(
            window: 60,
            latency: InstanceLatency(
                ttft: summary(0.085, 0.41),
                interToken: summary(0.021, 0.04),
                e2e: summary(3.1, 9.8)
            ),
            promptTokensPerSecond: 1234,
            generationTokensPerSecond: 340,
            requestsPerSecond: 2,
            preemptions: 3
        )
        snapshot.instances[0].gateway = InstanceLatency(ttft: summary(0.092, 0.45), e2e: summary(3.2, 9.9))
        snapshot.instances[1].engine = EngineSideStats(window: 60, generationTokensPerSecond: 55)
        snapshot.instances[1].gateway = InstanceLatency(ttft: summary(0.2, 0.9), e2e: summary(2, 5))
        return snapshot
    }

    @Test func liveCardsShowTheEnginesPercentilesOrElseTheGateways() {
        let grid = render(Self.live(), width: 200, height: 50)
        let row = grid.line(7)
        // 200 columns: four cards of 50, room for TTFT, E2E and the rate on the engine's card.
        #expect(row.contains("ttft 85ms/0.41s  e2e 3.10s/9.80s  340 tok/s"), "\(row)")
        // No histograms (llama.cpp): the gateway's own figures, marked as such.
        #expect(row.contains("gw ttft 0.20s/0.90s"), "\(row)")
        #expect(row.contains("no latency measured yet"), "\(row)")
        #expect(grid.line(8).hasPrefix("╰"))
    }

    @Test func narrowCardsDropTheRateThenE2E() {
        var instance = Self.live().instances[0]
        #expect(InstanceCardView.liveLine(instance, width: 32).plain == "ttft 85ms/0.41s  e2e 3.10s/9.80s")
        #expect(InstanceCardView.liveLine(instance, width: 28).plain == "ttft 85ms/0.41s  340 tok/s")
        #expect(InstanceCardView.liveLine(instance, width: 16).plain == "ttft 85ms/0.41s")
        instance.engine = nil
        instance.gateway = nil
        #expect(InstanceCardView.liveLine(instance, width: 28).plain == "no latency measured yet")
    }

    @Test func simulatedCardsKeepTheirSevenRows() {
        let grid = render(SnapshotFixture.snapshot(), width: 120, height: 40)
        #expect(grid.line(7).hasPrefix("╰"), "\(grid.line(7))")
    }

    @Test func theDetailViewSetsTheEngineBesideTheGateway() {
        var state = ConsoleState(policyNames: SnapshotFixture.policies)
        let snapshot = Self.live()
        state.sync(with: snapshot)
        _ = state.handle(.focusNext)
        _ = state.handle(.openDetail)
        let grid = render(snapshot, state: state, width: 120, height: 40)
        let engine = grid.line(grid.rowIndex("engine      85ms"))
        #expect(engine.contains("85ms / 0.41s     21ms / 40ms           3.10s / 9.80s    40"), "\(engine)")
        let gateway = grid.line(grid.rowIndex("gateway"))
        #expect(gateway.contains("92ms / 0.45s     –                     3.20s / 9.90s"), "\(gateway)")
        let rates = grid.line(grid.rowIndex("generation"))
        #expect(rates.contains("prompt 1.2k tok/s   generation 340 tok/s"), "\(rates)")
        #expect(rates.contains("preempted 3"), "\(rates)")
    }

    @Test func theHeaderNamesTheEnginesRateOnlyWhenItDiffers() {
        var snapshot = Self.live()
        snapshot.tokensPerSecond = 400
        snapshot.engineTokensPerSecond = 395
        #expect(HeaderView.engineText(snapshot) == nil)
        snapshot.engineTokensPerSecond = 1320
        #expect(HeaderView.engineText(snapshot)?.plain == "engines 1,320 tok/s")
        let grid = render(snapshot, width: 200, height: 50)
        #expect(grid.line(0).contains("engines 1,320 tok/s"), "\(grid.line(0))")
    }

    @Test func watchOnlyShowsTheEnginesRatesAndRefusesToSteer() {
        var snapshot = Self.live()
        snapshot.watchOnly = true
        snapshot.engineCompletionsPerSecond = 6.3
        snapshot.engineTokensPerSecond = 641
        let grid = render(snapshot, width: 140, height: 40)
        #expect(grid.line(0).contains("engines done 6.3/s  641 tok/s"), "\(grid.line(0))")
        #expect(!grid.line(0).contains(" in "), "\(grid.line(0))")
        var state = ConsoleState(policyNames: [])
        state.sync(with: snapshot)
        for action: ConsoleAction in [.nextPolicy, .openPolicyMenu, .burst(.prefillHeavy), .toggleCompare] {
            #expect(state.handle(action).isEmpty)
            #expect(state.status?.hasPrefix("top only watches") == true)
        }
        #expect(state.overlay == .none)
    }

    @Test func oneLineRowsSayWhyABackendIsDownOrStale() {
        var snapshot = SnapshotFixture.snapshot(instances: 64)
        snapshot.mode = .live
        snapshot.instances[1].health = .down
        snapshot.instances[1].healthNote = "connection refused for 12 s"
        snapshot.instances[2].health = .stale
        snapshot.instances[2].healthNote = "metrics 7 s old: HTTP 500 from /metrics"
        let grid = render(snapshot, width: 160, height: 40)
        let down = grid.line(grid.rowIndex("i1 "))
        #expect(down.contains("down   connection refused for 12 s"), "\(down)")
        #expect(!down.contains("KV"), "\(down)")
        let stale = grid.line(grid.rowIndex("i2 "))
        #expect(stale.contains("KV"), "\(stale)")
        #expect(stale.contains("metrics 7 s old: HTTP 500 from /metrics"), "\(stale)")
    }
}

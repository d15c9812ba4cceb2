import RouterCore
import Routing
import SwitchyardCore
import Testing

@testable import Gateway

/// What the live router tells a twin: the feed it records while one follows the traffic.
@Suite struct TwinFeedTests {
    let helper = LiveRouterTests()

    @Test func feedSeedsInFlightRequestsThenCarriesArrivalsEndsAndSwitches() throws {
        let router = try helper.makeRouter(backends: 3)
        // Two requests in flight before the twin starts, on backends 0 and 1; nothing is recorded yet.
        let first = try helper.admit(router, prompt: 100, now: 1)
        let second = try helper.admit(router, prompt: 200, now: 2)
        #expect(router.drainTwinFeed().isEmpty)
        router.markDown(2, reason: "health check failed", now: 2.5)
        let seeds = router.startTwinFeed(now: 2.6)
        #expect(
            seeds == [
                .health(backend: 2, up: false, at: 2.6), .arrived(first.info, pinnedTo: 0),
                .arrived(second.info, pinnedTo: 1),
            ]
        )

        router.firstToken(first, now: 3)
        router.streamed(first, tokens: 7, now: 4)
        router.finish(first, outcome: .completed(completionTokens: 8), now: 5)
        let third = try helper.admit(router, prompt: 300, now: 6)
        router.streamed(third, tokens: 2, now: 7)
        router.finish(third, outcome: .backendFailed("reset"), now: 8)
        // A request that was moved (its connection never opened) is not ended by the move; here it then found no
        // backend and ended unrouted.
        let fourth = try helper.admit(router, prompt: 50, now: 9)
        router.finish(fourth, outcome: .rerouted, now: 9)
        router.unrouted(fourth.info, reason: .noBackend)
        let shed = router.arrive(PromptFeatures(promptTokens: 10), now: 10)
        router.unrouted(shed, reason: .shed("test"))
        try router.setPolicy("least-requests", now: 11)
        router.markUp(2, now: 11.5)

        let feed = router.drainTwinFeed()
        #expect(
            feed == [
                .ended(request: 0, outputTokens: 8, latency: MeasuredLatency(e2e: 4, ttft: 2), routed: true),
                .arrived(third.info, pinnedTo: nil),
                .ended(request: 2, outputTokens: 2, latency: nil, routed: true),
                .arrived(fourth.info, pinnedTo: nil),
                .ended(request: 3, outputTokens: 0, latency: nil, routed: false),
                .arrived(shed, pinnedTo: nil),
                .ended(request: 4, outputTokens: 0, latency: nil, routed: false),
                .policy("least-requests", at: 11),
                .health(backend: 2, up: true, at: 11.5),
            ]
        )
        #expect(router.drainTwinFeed().isEmpty)
        // A request still on a backend is not "unrouted", whatever the caller says.
        router.unrouted(second.info, reason: .noBackend)
        #expect(router.drainTwinFeed().isEmpty)
        // A twin restarting reads the feed and the requests in flight together.
        let fifth = router.arrive(PromptFeatures(promptTokens: 20), now: 12)
        let both = router.drainTwinFeedWithInFlight()
        #expect(both.feed == [.arrived(fifth, pinnedTo: nil)])
        #expect(both.inFlight == [.arrived(second.info, pinnedTo: 1)])
        router.stopTwinFeed()
        _ = router.arrive(PromptFeatures(promptTokens: 10), now: 12)
        #expect(router.drainTwinFeed().isEmpty)
    }
}

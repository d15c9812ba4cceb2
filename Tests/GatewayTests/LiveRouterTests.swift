import RouterCore
import Routing
import SwitchyardCore
import Testing

@testable import Gateway

/// A predictor with a fixed answer, so the ledger's sums are exact.
struct FixedPredictor: LengthPredictor {
    var name: String { "fixed" }
    var buckets: BucketScheme { .paper }
    func predict(_ features: PromptFeatures) -> LengthPrediction { LengthPrediction(bucket: 1, tokens: 300) }
}

/// A policy that always holds, to exercise the router's queue.
struct AlwaysHold: RoutingPolicy {
    var name: String { "always-hold" }
    mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        RoutingDecision(target: .hold, reason: "test hold")
    }
}

/// Holds request 0 until t = 5 and routes everything else to instance 0 at once.
struct HoldFirstUntilFive: RoutingPolicy {
    var name: String { "hold-first" }
    mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        if request.id.rawValue == 0, view.now < 5 { return RoutingDecision(target: .hold, reason: "wait") }
        return .pick(InstanceID(0), reason: "go")
    }
}

@Suite struct LiveRouterTests {
    func makeRouter(backends: Int = 3, policy: String = "round-robin") throws -> LiveRouter {
        try LiveRouter(
            backends: (0..<backends).map { BackendDescriptor(url: "http://127.0.0.1:\(9000 + $0)") },
            policy: policy,
            policyNames: ["round-robin", "least-requests", "workload-aware", "always-hold", "hold-first"],
            makePolicy: { name in
                switch name {
                case "always-hold": AlwaysHold()
                case "hold-first": HoldFirstUntilFive()
                default: try PolicyCatalog.make(name, seed: 1, instances: backends)
                }
            },
            predictor: FixedPredictor()
        )
    }

    func admit(_ router: LiveRouter, prompt: Int = 100, now: Double = 0) throws -> LiveRouter.Ticket {
        let info = router.arrive(PromptFeatures(promptTokens: prompt, text: "x"), now: now)
        guard case .routed(let ticket) = router.route(info, now: now) else {
            Issue.record("not routed")
            throw CancellationError()
        }
        return ticket
    }

    @Test func ledgerFollowsARequestThroughItsLife() throws {
        let router = try makeRouter(backends: 1)
        let ticket = try admit(router, prompt: 120)
        var load = router.view(now: 0).instances[0]
        #expect(load.outstanding == 1)
        #expect(load.prefillCount == 1)
        #expect(load.prefillPromptTokens == 120)
        #expect(load.predictedDecodeTokens == 300)
        #expect(load.prefillByBucket == [0, 1, 0])
        router.firstToken(ticket, now: 0.5)
        router.streamed(ticket, tokens: 10, now: 0.6)
        load = router.view(now: 0.6).instances[0]
        #expect(load.prefillCount == 0)
        #expect(load.decodeByBucket == [0, 1, 0])
        #expect(load.streamedTokens == 10)
        #expect(load.decodeContextTokens == 130)
        router.finish(ticket, outcome: .completed(completionTokens: 10), now: 1.5)
        load = router.view(now: 1.5).instances[0]
        #expect(load.outstanding == 0)
        #expect(load.streamedTokens == 0)
        #expect(load.decodeContextTokens == 0)
        #expect(load.decodeByBucket == [0, 0, 0])
        let snapshot = router.snapshot(now: 2)
        #expect(snapshot.completed == 1)
        #expect(snapshot.e2e.count == 1)
        #expect(abs(snapshot.e2e.mean - 1.5) < 1e-9)
        #expect(abs(snapshot.ttft.mean - 0.5) < 1e-9)
        #expect(snapshot.mode == .live)
        #expect(snapshot.instances[0].completed == 1)
    }

    @Test func neverRoutesToADownBackendAndReadmits() throws {
        let router = try makeRouter()
        #expect(router.markDown(1, reason: "test", now: 0))
        var chosen: [Int] = []
        for step in 0..<9 { chosen.append(try admit(router, now: Double(step)).backend) }
        #expect(!chosen.contains(1))
        #expect(Set(chosen) == [0, 2])
        #expect(router.snapshot(now: 9).instances[1].health == .down)
        #expect(router.markUp(1, now: 10))
        var after: [Int] = []
        for step in 0..<6 { after.append(try admit(router, now: 10 + Double(step)).backend) }
        #expect(after.contains(1))
    }

    @Test func noBackendWhenAllAreDownOrIneligible() throws {
        let router = try makeRouter(backends: 2)
        let info = router.arrive(PromptFeatures(promptTokens: 10), now: 0)
        #expect(router.route(info, now: 0, eligible: []) == .noBackend)
        guard case .routed(let ticket) = router.route(info, now: 0, eligible: [1]) else {
            Issue.record("not routed")
            return
        }
        #expect(ticket.backend == 1)
        router.markDown(0, reason: "a", now: 0)
        router.markDown(1, reason: "b", now: 0)
        let next = router.arrive(PromptFeatures(promptTokens: 10), now: 1)
        #expect(router.route(next, now: 1) == .noBackend)
    }

    @Test func holdsInTheRouterQueueThenGoesToTheLeastLoaded() throws {
        let router = try makeRouter(backends: 2, policy: "always-hold")
        let info = router.arrive(PromptFeatures(promptTokens: 10), now: 0)
        #expect(router.route(info, now: 0) == .hold)
        #expect(router.snapshot(now: 0).routerQueue == 1)
        #expect(router.route(info, now: 0.1, held: true) == .hold)
        #expect(router.snapshot(now: 0.1).routerQueue == 1)
        guard case .routed(let ticket) = router.route(info, now: 5, held: true, mayHold: false) else {
            Issue.record("not routed after the hold limit")
            return
        }
        #expect(ticket.backend == 0)
        #expect(router.snapshot(now: 5).routerQueue == 0)
        #expect(router.totals.inFlight == 1)
    }

    @Test func switchesPoliciesAndRejectsUnknownOnes() throws {
        let router = try makeRouter()
        #expect(throws: ClusterBackendError.self) { try router.setPolicy("oracle", now: 0) }
        try router.setPolicy("least-requests", now: 1)
        _ = try admit(router, now: 2)
        let snapshot = router.snapshot(now: 3)
        #expect(snapshot.policy == "least-requests")
        #expect(snapshot.recentDecisions.last?.policy == "least-requests")
        #expect(snapshot.markers.contains { $0.kind == .policy && $0.label == "least-requests" })
    }

    @Test func freshMetricsWinAndStaleOnesAreMarked() throws {
        let router = try makeRouter(backends: 1)
        router.recordScrape(0, metrics: EngineMetrics(kind: .vllm, waiting: 4, running: 7, kvUsage: 0.5), now: 10)
        var snapshot = router.snapshot(now: 10.5)
        #expect(snapshot.instances[0].health == .up)
        #expect(snapshot.instances[0].prefillQueue == 4)
        #expect(snapshot.instances[0].kvUsage == 0.5)
        #expect(router.view(now: 10.5).instances[0].running == 7)
        snapshot = router.snapshot(now: 20)
        #expect(snapshot.instances[0].health == .stale)
        #expect(router.view(now: 20).instances[0].running == 0)
        #expect(router.backendStatus(now: 20)[0].metrics == "stale")
    }

    @Test func failuresAndAbandonsAreCountedApartFromCompletions() throws {
        let router = try makeRouter(backends: 1)
        let a = try admit(router)
        let b = try admit(router)
        let c = try admit(router)
        router.finish(a, outcome: .backendFailed("boom"), now: 1)
        router.finish(b, outcome: .abandoned, now: 1)
        router.finish(c, outcome: .rerouted, now: 1)
        let totals = router.totals
        #expect(totals.arrived == 3)
        #expect(totals.completed == 0)
        #expect(totals.failed == 1)
        #expect(totals.abandoned == 1)
        #expect(totals.inFlight == 0)
        #expect(router.view(now: 1).instances[0].outstanding == 0)
    }

    @Test func abSplitRoutesEveryOtherRequestByBAndCountsEachArm() throws {
        let router = try makeRouter(backends: 2, policy: "round-robin")
        #expect(throws: ClusterBackendError.self) { try router.setComparison("oracle", now: 0) }
        try router.setComparison("least-requests", now: 0)
        var tickets: [LiveRouter.Ticket] = []
        for step in 0..<6 { tickets.append(try admit(router, now: Double(step))) }
        #expect(
            tickets.map(\.policy) == [
                "round-robin", "least-requests", "round-robin", "least-requests", "round-robin", "least-requests",
            ]
        )
        // Finish the A requests fast and the B requests slowly: each arm's latency is its own.
        for ticket in tickets {
            let slow = ticket.policy == "least-requests"
            router.firstToken(ticket, now: ticket.info.arrival + 0.1)
            router.finish(ticket, outcome: .completed(completionTokens: 5), now: ticket.info.arrival + (slow ? 3 : 1))
        }
        let snapshot = router.snapshot(now: 10)
        let twin = try #require(snapshot.twin)
        #expect(twin.policy == "least-requests")
        #expect(snapshot.completed == 3)
        #expect(twin.completed == 3)
        #expect(abs(snapshot.e2e.mean - 1) < 1e-9)
        #expect(abs(twin.e2e.mean - 3) < 1e-9)
        #expect(twin.recentDecisions.allSatisfy { $0.policy == "least-requests" })
        #expect(twin.recentDecisions.count == 3)
        #expect(snapshot.instances.map(\.completed).reduce(0, +) == 3)
        #expect(twin.instances.map(\.completed).reduce(0, +) == 3)
        try router.setComparison(nil, now: 11)
        #expect(router.snapshot(now: 11).twin == nil)
        #expect(router.snapshot(now: 11).completed == 6)
    }

    @Test func theRouterQueueIsFirstInFirstOut() throws {
        let router = try makeRouter(backends: 2, policy: "hold-first")
        let first = router.arrive(PromptFeatures(promptTokens: 10), now: 0)
        let second = router.arrive(PromptFeatures(promptTokens: 10), now: 1)
        #expect(router.route(first, now: 0) == .hold)
        // The policy would route the second at once, but it queues behind the first.
        #expect(router.route(second, now: 1) == .hold)
        #expect(router.snapshot(now: 1).routerQueue == 2)
        #expect(router.route(second, now: 2, held: true) == .hold)
        guard case .routed = router.route(first, now: 6, held: true) else {
            Issue.record("the head was not routed once the policy let it go")
            return
        }
        #expect(router.snapshot(now: 6).routerQueue == 1)
        guard case .routed = router.route(second, now: 6, held: true) else {
            Issue.record("the second was not routed after the head")
            return
        }
        #expect(router.snapshot(now: 6).routerQueue == 0)
        // A request that gives up leaves the queue.
        let third = router.arrive(PromptFeatures(promptTokens: 10), now: 7)
        try router.setPolicy("always-hold", now: 7)
        #expect(router.route(third, now: 7) == .hold)
        router.leaveQueue(third)
        #expect(router.snapshot(now: 8).routerQueue == 0)
    }

    @Test func aHeldRequestDoesNotBlockRequestsForOtherBackends() throws {
        let router = try makeRouter(backends: 2, policy: "hold-first")
        let first = router.arrive(PromptFeatures(promptTokens: 10), now: 0)
        let other = router.arrive(PromptFeatures(promptTokens: 10), now: 1)
        #expect(router.route(first, now: 0, eligible: [0]) == .hold)
        // A request for another model (served by backend 1 only) does not queue behind it.
        guard case .routed = router.route(other, now: 1, eligible: [1]) else {
            Issue.record("a request for other backends waited behind the held one")
            return
        }
        #expect(router.snapshot(now: 1).routerQueue == 1)
    }

    @Test func consecutive5xxEjectAForTheEjectionTimeAndASuccessResetsTheRun() throws {
        let router = try LiveRouter(
            backends: (0..<2).map { BackendDescriptor(url: "http://127.0.0.1:\(9000 + $0)") },
            policy: "round-robin",
            policyNames: ["round-robin"],
            makePolicy: { try PolicyCatalog.make($0, seed: 1, instances: 2) },
            predictor: FixedPredictor(),
            outlierDetection: OutlierDetection(consecutiveServerErrors: 3, baseEjectionTime: 10, maxEjectionTime: 15)
        )
        #expect(router.recordReply(0, serverError: true, now: 0) == nil)
        #expect(router.recordReply(0, serverError: true, now: 0) == nil)
        #expect(router.recordReply(0, serverError: false, now: 0) == nil, "a success ends the run")
        #expect(router.recordReply(0, serverError: true, now: 1) == nil)
        #expect(router.recordReply(0, serverError: true, now: 1) == nil)
        let reason = try #require(router.recordReply(0, serverError: true, now: 1))
        #expect(reason.contains("3 consecutive 5xx"))
        #expect(!router.isUp(0))
        #expect(router.backendStatus(now: 1)[0].downReason == reason)
        // /health passing does not bring it back before its ejection time.
        #expect(!router.markUp(0, now: 5))
        #expect(router.markUp(0, now: 11))
        // The second ejection lasts longer (capped at the maximum).
        for _ in 0..<3 { router.recordReply(0, serverError: true, now: 12) }
        #expect(!router.markUp(0, now: 26))
        #expect(router.markUp(0, now: 27.5))
        // The last backend up is never ejected for 5xx.
        router.markDown(1, reason: "test", now: 28)
        for _ in 0..<5 { #expect(router.recordReply(0, serverError: true, now: 28) == nil) }
        #expect(router.isUp(0))
    }

    @Test func startingABKeepsTheLatencyHistoryAndCountsFromTheSplit() throws {
        let router = try makeRouter(backends: 2, policy: "round-robin")
        for step in 0..<4 {
            let ticket = try admit(router, now: Double(step))
            router.firstToken(ticket, now: Double(step) + 0.5)
            router.finish(ticket, outcome: .completed(completionTokens: 5), now: Double(step) + 2)
        }
        let before = router.snapshot(now: 10).history.filter { $0.e2eP50 > 0 }.count
        #expect(before == 4)
        try router.setComparison("least-requests", now: 10)
        let snapshot = router.snapshot(now: 10.5)
        #expect(snapshot.history.filter { $0.e2eP50 > 0 }.count == before, "A keeps the seconds before the split")
        #expect(snapshot.twin?.history.filter { $0.e2eP50 > 0 }.count == before)
        #expect(snapshot.e2e.count == 0, "summaries count from the split")
        #expect(snapshot.completed == 0)
    }

    @Test func aDownBackendIsNeverTheBestScoreInTheDecisionLog() throws {
        let router = try makeRouter(backends: 3, policy: "least-requests")
        _ = try admit(router)
        _ = try admit(router)
        router.markDown(2, reason: "test", now: 0)
        // Backend 2 has the fewest requests, but it is down.
        let ticket = try admit(router)
        #expect(ticket.backend != 2)
        let record = try #require(router.snapshot(now: 1).recentDecisions.last)
        #expect(record.topScores.first?.instance != 2)
        #expect(record.topScores.last?.instance == 2)
        #expect(record.topScores.last?.ineligible == true)
    }

    @Test func aStalledBackendsRequestsShowAsWaitingNotPrefilling() throws {
        let router = try makeRouter(backends: 1)
        _ = try admit(router, prompt: 4)
        _ = try admit(router, prompt: 4)
        // The engine has not seen them (a stalled server): nothing waiting, nothing running.
        router.recordScrape(0, metrics: EngineMetrics(kind: .vllm, waiting: 0, running: 0, kvUsage: 0), now: 1)
        let card = router.snapshot(now: 1.1).instances[0]
        #expect(card.prefillQueue == 2)
        #expect(card.prefillQueueTokens == 8)
        #expect(card.prefilling == 0)
        #expect(card.decoding == 0)
    }

    @Test func heldRequestsSleepUntilAnEventLetsTheHeadGo() async throws {
        let router = try makeRouter(backends: 2, policy: "hold-first")
        let first = router.arrive(PromptFeatures(promptTokens: 10), now: 0)
        let second = router.arrive(PromptFeatures(promptTokens: 10), now: 0)
        #expect(router.route(first, now: 0) == .hold)
        #expect(router.route(second, now: 0) == .hold)
        let seen = router.changeCount
        let head = Task { await router.waitForTurn(first, after: seen) }
        let behind = Task { await router.waitForTurn(second, after: seen) }
        while router.waitingCount < 2 { try await Task.sleep(for: .milliseconds(1)) }
        // A scrape is an event: the head is resumed, the request behind it keeps sleeping.
        router.recordScrape(0, metrics: EngineMetrics(kind: .vllm, waiting: 0, running: 0, kvUsage: 0), now: 1)
        await head.value
        #expect(router.waitingCount == 1)
        // The head goes; the one behind it is now the head and is resumed.
        guard case .routed = router.route(first, now: 6, held: true) else {
            Issue.record("the head was not routed")
            return
        }
        await behind.value
        #expect(router.waitingCount == 0)
        // A wait that starts after an event it has not seen returns at once.
        await router.waitForTurn(second, after: seen)
    }

    @Test func aCancelledWaitLeavesNoWaiterBehind() async throws {
        let router = try makeRouter(backends: 1, policy: "always-hold")
        let info = router.arrive(PromptFeatures(promptTokens: 10), now: 0)
        #expect(router.route(info, now: 0) == .hold)
        let seen = router.changeCount
        let waiting = Task { await router.waitForTurn(info, after: seen) }
        while router.waitingCount < 1 { try await Task.sleep(for: .milliseconds(1)) }
        waiting.cancel()
        await waiting.value
        #expect(router.waitingCount == 0)
    }

    @Test func aDownBackendsCardSaysWhyAndSinceWhen() throws {
        let router = try makeRouter(backends: 2)
        router.markDown(1, reason: "/health answered 503", now: 10)
        let card = router.snapshot(now: 25).instances[1]
        #expect(card.health == .down)
        #expect(card.healthNote == "/health answered 503 for 15 s")
        #expect(router.snapshot(now: 25).instances[0].healthNote == "no metrics yet")
        router.recordScrape(0, metrics: EngineMetrics(kind: .vllm, waiting: 0, running: 0, kvUsage: 0), now: 25)
        #expect(router.snapshot(now: 25.5).instances[0].healthNote == nil)
        // Stale: how old the last good scrape is, and why the later ones failed.
        router.recordScrapeFailure(0, reason: "HTTP 500 from /metrics")
        let stale = router.snapshot(now: 32).instances[0]
        #expect(stale.health == .stale)
        #expect(stale.healthNote == "metrics 7 s old: HTTP 500 from /metrics")
    }
}

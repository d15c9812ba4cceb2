import ExtProcAPI
import Foundation
import Gateway
import GatewayServer
import Routing
import SwitchyardCore
import Testing

@testable import EndpointPicker

@Suite struct AdmissionVerdictTests {
    let slo = ServiceObjective(ttft: 2, priority: 0)

    @Test func aRequestThatCanMeetItsObjectiveIsAdmitted() {
        #expect(AdmissionVerdict.judge(best: 1.5, floor: 0.1, elapsed: 0.4, objective: slo, arrival: 10) == .admit)
        #expect(
            AdmissionVerdict.judge(best: 99, floor: 0.1, elapsed: 0, objective: ServiceObjective(), arrival: 0)
                == .admit,
            "no objective, no admission control"
        )
    }

    @Test func aRequestThatCouldStillMeetItWaitsUntilItCannot() {
        #expect(
            AdmissionVerdict.judge(best: 3, floor: 0.5, elapsed: 0.2, objective: slo, arrival: 10)
                == .wait(deadline: 11.5)
        )
    }

    @Test func aRequestThatCannotMeetItIsShedWithARetryTime() {
        guard
            case .shed(let reason, let retry) = AdmissionVerdict.judge(
                best: 4.2,
                floor: 0.5,
                elapsed: 1.6,
                objective: slo,
                arrival: 0
            )
        else {
            Issue.record("not shed")
            return
        }
        #expect(reason.contains("cannot meet") && retry == 3)
    }

    @Test func sheddableTrafficGoesFirst() {
        let sheddable = ServiceObjective(ttft: 2, priority: -1)
        guard
            case .shed(let reason, _) = AdmissionVerdict.judge(
                best: 3,
                floor: 0.5,
                elapsed: 0,
                objective: sheddable,
                arrival: 0
            )
        else {
            Issue.record("not shed")
            return
        }
        #expect(reason.hasPrefix("sheddable"))
    }

    @Test func headersPickTheObjective() {
        let settings = AdmissionSettings(
            defaultObjective: ServiceObjective(ttft: 5),
            objectives: ["batch": ServiceObjective(ttft: 60, priority: -2)]
        )
        let batch = settings.objective { ["x-gateway-inference-objective": "batch"][$0] }
        #expect(batch == ServiceObjective(ttft: 60, priority: -2))
        let direct = settings.objective { ["x-slo-ttft-ms": "250"][$0] }
        #expect(direct == ServiceObjective(ttft: 0.25, priority: 0))
        let unknown = settings.objective { ["x-gateway-inference-objective": "nope", "x-slo-ttft-ms": "-3"][$0] }
        #expect(unknown == ServiceObjective(ttft: 5), "an unknown name and a bad number fall back to the default")
    }

    @Test func theSettingsFileNamesABadObjective() throws {
        let config = try GatewayConfigFile.parse(
            """
            [admission]
            ttft_slo = 2.5
            [admission.objectives.batch]
            ttft_slo = 30
            priority = -1
            """,
            file: "gw.toml"
        )
        #expect(config.admission.defaultObjective == ServiceObjective(ttft: 2.5))
        #expect(config.admission.objectives["batch"] == ServiceObjective(ttft: 30, priority: -1))
        #expect(throws: GatewayConfigError.self) {
            try GatewayConfigFile.parse("[admission]\nttft_slo = -1\n", file: "gw.toml")
        }
        do {
            _ = try GatewayConfigFile.parse("[admission.objectives.x]\nslo = 1\n", file: "gw.toml")
            Issue.record("accepted an unknown key")
        } catch {
            #expect(error.description.contains("admission.objectives.x.slo"), "\(error.description)")
        }
    }
}

/// Admission control on a router that is never started: a long prompt queued on the only backend makes the next
/// request's predicted TTFT miss its objective.
@Suite struct AdmissionControlTests {
    static let oneBackend = ["http://10.0.0.1:8000"]

    /// Routes a 10,000-token prompt (3.2 s of prefill at the paper's V100 rate) to the only backend.
    func occupy(_ gateway: SwitchyardGateway) async throws -> LiveRouter.Ticket {
        let router = gateway.router
        let info = router.arrive(PromptFeatures(promptTokens: 10_000), now: gateway.clock.now())
        return try #require(
            await RequestLifecycle(pool: gateway.pool, metrics: gateway.metrics).admit(info, eligible: [0])
        )
    }

    @Test(.timeLimit(.minutes(1)))
    func aHeldRequestGoesWhenTheQueueAheadClears() async throws {
        try await withIdleGateway(backends: Self.oneBackend) { gateway in
            let lifecycle = RequestLifecycle(pool: gateway.pool, metrics: gateway.metrics)
            let router = gateway.router
            let first = try await occupy(gateway)
            let info = router.arrive(PromptFeatures(promptTokens: 100), now: gateway.clock.now())
            let waiting = Task { await lifecycle.admission(info, eligible: [0], objective: ServiceObjective(ttft: 2)) }
            // It waits: 3.2 s of prefill queued ahead, an objective of 2 s it could meet on an idle backend.
            var snapshot = router.snapshot(now: gateway.clock.now())
            for _ in 0..<100 where snapshot.admission?.waiting != 1 {
                try await Task.sleep(for: .milliseconds(10))
                snapshot = router.snapshot(now: gateway.clock.now())
            }
            #expect(snapshot.admission?.waiting == 1)
            lifecycle.end(first, outcome: .completed(completionTokens: 1))
            #expect(await waiting.value == .proceed, "the queue ahead cleared: it goes")
            #expect(router.snapshot(now: gateway.clock.now()).admission?.waiting == 0)
            #expect(router.totals.shed == 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aHeldRequestIsShedWhenItCanNoLongerMeetItsObjective() async throws {
        try await withIdleGateway(backends: Self.oneBackend) { gateway in
            let lifecycle = RequestLifecycle(pool: gateway.pool, metrics: gateway.metrics)
            _ = try await occupy(gateway)
            let info = gateway.router.arrive(PromptFeatures(promptTokens: 100), now: gateway.clock.now())
            let start = ContinuousClock.now
            let outcome = await lifecycle.admission(info, eligible: [0], objective: ServiceObjective(ttft: 0.3))
            guard case .shed(let reason, let retry) = outcome else {
                Issue.record("not shed: \(outcome)")
                return
            }
            #expect(reason.contains("cannot meet") && retry >= 1)
            #expect(ContinuousClock.now - start >= .milliseconds(200), "it waited while it could still make it")
            let admission = gateway.router.snapshot(now: gateway.clock.now()).admission
            #expect(admission?.shed == 1 && admission?.held == 1 && admission?.lastShedReason == reason)
        }
    }

    /// Every arrival ends in exactly one count: here one on a backend, one whose client left while it waited for
    /// admission, one shed and one that no backend could take.
    @Test(.timeLimit(.minutes(1)))
    func everyArrivalIsCountedOnceHoweverItEnds() async throws {
        try await withIdleGateway(backends: Self.oneBackend) { gateway in
            let lifecycle = RequestLifecycle(pool: gateway.pool, metrics: gateway.metrics)
            let router = gateway.router
            _ = try await occupy(gateway)
            let leaving = router.arrive(PromptFeatures(promptTokens: 100), now: gateway.clock.now())
            let waiting = Task {
                await lifecycle.admission(leaving, eligible: [0], objective: ServiceObjective(ttft: 2))
            }
            for _ in 0..<100 where router.snapshot(now: gateway.clock.now()).admission?.waiting != 1 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(router.totals.waiting == 1, "arrived, not routed, not ended")
            waiting.cancel()
            #expect(await waiting.value == .cancelled)
            var totals = router.totals
            #expect(totals.abandoned == 1 && totals.waiting == 0 && totals.inFlight == 1)
            let shed = router.arrive(PromptFeatures(promptTokens: 100), now: gateway.clock.now())
            let outcome = await lifecycle.admission(shed, eligible: [0], objective: ServiceObjective(ttft: 0.01))
            #expect(outcome != .proceed)
            let unserved = router.arrive(PromptFeatures(promptTokens: 100), now: gateway.clock.now())
            #expect(await lifecycle.admit(unserved, eligible: []) == nil, "no backend is eligible")
            totals = router.totals
            #expect(totals.arrived == 4)
            #expect(totals.shed == 1 && totals.unserved == 1 && totals.abandoned == 1 && totals.inFlight == 1)
            #expect(totals.accounted == totals.arrived)
            // Saying it again changes nothing: each is counted once.
            router.unrouted(unserved, reason: .noBackend)
            router.unrouted(leaving, reason: .clientLeft)
            #expect(router.totals == totals)
        }
    }

    @Test func thePickerShedsSheddableTrafficWith429AndRetryAfter() async throws {
        let batch: (inout GatewayConfiguration) -> Void = {
            $0.admission.objectives["batch"] = ServiceObjective(ttft: 1, priority: -1)
        }
        try await withIdleGateway(backends: Self.oneBackend, configure: batch) { gateway in
            _ = try await occupy(gateway)
            let (_, replies) = await routeOne(
                try pickerContext(gateway),
                headers: [("x-gateway-inference-objective", "batch")]
            )
            #expect(replies.first?.immediateStatus == 429)
            #expect(replies.first?.setHeaders["retry-after"] == "3")
            #expect(replies.first?.setHeaders["x-switchyard-shed-reason"]?.hasPrefix("sheddable") == true)
            // Without the objective the same request is routed.
            let (exchange, routed) = await routeOne(try pickerContext(gateway))
            #expect(routed.first?.destination == "10.0.0.1:8000")
            exchange.close()
        }
    }
}

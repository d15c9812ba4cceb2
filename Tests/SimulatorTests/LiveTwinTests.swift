import Engine
import RouterCore
import Routing
import Simulator
import SwitchyardCore
import Testing

/// A recorded session: what a live router's feed would have carried for a run, in time order, with the decisions
/// the router made. The run is a simulation on the same profile, so a faithful twin must reproduce it exactly.
struct RecordedSession {
    var events: [(time: Double, event: TwinFeedEvent)]
    var decisions: [(request: Int, instance: Int?)]
    var config: SimulationConfig
    var predictor: any LengthPredictor
}

/// A simulated request as a live router's feed would carry it: its arrival, prompt and the prediction made for it.
func feedInfo(_ index: Int, _ record: RequestRecord) -> RequestInfo {
    RequestInfo(
        id: RequestID(index),
        arrival: record.arrival,
        promptTokens: record.promptTokens,
        predictedBucket: record.predictedBucket,
        predictedOutputTokens: record.predictedTokens
    )
}

func recordSession(policy: String, count: Int = 240, rate: Double = 7) throws -> RecordedSession {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let workload = syntheticWorkload(count: count, rate: rate, seed: 11)
    let predictor = PromptBucketMeanPredictor(training: workload)
    let config = SimulationConfig(instances: 4, profile: profile, seed: 1)
    var simulation = Simulation(
        config: config,
        policy: try PolicyCatalog.make(policy, seed: 1),
        predictor: predictor,
        workload: workload
    )
    simulation.logging = true
    simulation.runToCompletion()
    var events: [(time: Double, event: TwinFeedEvent)] = []
    for (index, record) in simulation.records.enumerated() {
        events.append((record.arrival, .arrived(feedInfo(index, record), pinnedTo: nil)))
        let latency = MeasuredLatency(e2e: record.e2e, ttft: record.ttft)
        events.append(
            (record.finished, .ended(request: index, outputTokens: record.outputTokens, latency: latency, routed: true))
        )
    }
    // Arrivals before ends at the same instant, as a live router sees them; otherwise in time order.
    events = events.enumerated().sorted { x, y in
        x.element.time != y.element.time ? x.element.time < y.element.time : x.offset < y.offset
    }.map(\.element)
    let decisions = simulation.decisionLog.map { ($0.request, $0.instance) }
    return RecordedSession(events: events, decisions: decisions, config: config, predictor: predictor)
}

/// Feeds `session` to a twin as a live cluster would: each event when it happens, the twin advanced before it.
func replay(_ session: RecordedSession, a: String, b: String, advanceEvery: Double = 0.1) throws -> LiveTwin {
    var twin = LiveTwin(
        config: session.config,
        policyA: try PolicyCatalog.make(a, seed: 1),
        policyB: try PolicyCatalog.make(b, seed: 1),
        predictor: session.predictor,
        comparedLimit: 10_000
    )
    var clock = 0.0
    for (time, event) in session.events {
        while clock + advanceEvery < time {
            clock += advanceEvery
            twin.advance(now: clock)
        }
        twin.advance(now: time)
        twin.apply(event)
    }
    twin.advance(now: (session.events.last?.time ?? 0) + 1_000)
    return twin
}

/// A twin of `instances` llama2-7b-v100 instances routed by `a` and `b`.
func smallTwin(a: String, b: String, instances: Int = 2, maxLag: Double = 120) throws -> LiveTwin {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    return LiveTwin(
        config: SimulationConfig(instances: instances, profile: profile, seed: 1),
        policyA: try PolicyCatalog.make(a, seed: 1),
        policyB: try PolicyCatalog.make(b, seed: 1),
        predictor: PromptBucketMeanPredictor(training: syntheticWorkload(count: 50, rate: 1, seed: 2)),
        maxLag: maxLag
    )
}

/// A live request as the router's feed carries it.
func liveRequest(_ id: Int, at time: Double, prompt: Int, predicted: Double, bucket: Int = 0) -> RequestInfo {
    RequestInfo(
        id: RequestID(id),
        arrival: time,
        promptTokens: prompt,
        predictedBucket: bucket,
        predictedOutputTokens: predicted
    )
}

@Test(arguments: ["workload-aware", "least-requests"])
func twinFedARecordedSessionReproducesItsDecisions(policy: String) throws {
    let session = try recordSession(policy: policy)
    let twin = try replay(session, a: policy, b: "round-robin")
    let replayed = twin.a.simulation.records.count
    #expect(replayed == session.decisions.filter { $0.instance != nil }.count)
    // The decision log keeps the most recent ones; compare those, request by request.
    let recorded = session.decisions.suffix(twin.decisionsA.count)
    #expect(twin.decisionsA.count >= 200)
    #expect(twin.decisionsA.map(\.request) == recorded.map(\.request))
    #expect(twin.decisionsA.map(\.instance) == recorded.map(\.instance))
    // Same servers, same policy: the twin's A side predicts every measured latency exactly.
    let prediction = try #require(twin.snapshot(names: [], now: 0).prediction)
    #expect(prediction.compared == replayed)
    #expect(abs(try #require(prediction.e2eError)) < 1e-9)
    #expect(abs(try #require(prediction.ttftError)) < 1e-9)
    #expect(twin.estimated == 0)
    // Side B routes the same arrivals its own way.
    #expect(twin.decisionsB.map(\.instance) != recorded.map(\.instance))
    #expect(twin.b.simulation.records.count == replayed)
}

@Test func twinWaitsForTheOldestOpenRequestAndEstimatesPastItsLagLimit() throws {
    var twin = try smallTwin(a: "round-robin", b: "least-requests", maxLag: 30)
    func info(_ id: Int, at time: Double) -> RequestInfo { liveRequest(id, at: time, prompt: 200, predicted: 40) }
    twin.apply(.arrived(info(1, at: 101), pinnedTo: nil))
    twin.apply(.arrived(info(2, at: 102), pinnedTo: nil))
    twin.advance(now: 110)
    // Request 1's length is unknown: nothing past its arrival can be simulated.
    #expect(twin.horizon == 101)
    #expect(twin.a.simulation.records.isEmpty)
    twin.apply(.ended(request: 1, outputTokens: 30, latency: MeasuredLatency(e2e: 2, ttft: 0.2), routed: true))
    twin.advance(now: 111)
    #expect(twin.horizon == 102)
    #expect(twin.a.simulation.records.count == 1)
    #expect(twin.snapshot(names: ["x", "y"], now: 111).prediction?.lag == 9)
    #expect(twin.snapshot(names: ["x", "y"], now: 111).prediction?.compared == 1)
    // Request 3 arrives and ends while 2 is still open: unsettled, yet compared on side A (2 was really running).
    twin.apply(.arrived(info(3, at: 103), pinnedTo: nil))
    twin.apply(.ended(request: 3, outputTokens: 10, latency: MeasuredLatency(e2e: 1, ttft: 0.1), routed: true))
    twin.advance(now: 112)
    #expect(twin.horizon == 102)
    let unsettled = try #require(twin.snapshot(names: ["x", "y"], now: 112).prediction)
    #expect(unsettled.compared == 2)
    #expect(unsettled.lag == 10)
    // Request 2 never ends: past the lag limit it is simulated with its predicted length, and its late end ignored.
    twin.advance(now: 140)
    #expect(twin.horizon == 140)
    #expect(twin.estimated == 1)
    #expect(twin.a.simulation.records.map(\.outputTokens) == [30, 40, 10])
    twin.apply(.ended(request: 2, outputTokens: 500, latency: MeasuredLatency(e2e: 60, ttft: 0.2), routed: true))
    twin.advance(now: 141)
    #expect(twin.a.simulation.records.count == 3)
    let snapshot = twin.snapshot(names: ["x", "y"], now: 141)
    #expect(snapshot.instances.map(\.name) == ["x", "y"])
    #expect(snapshot.policy == "least-requests")
    #expect(snapshot.prediction?.estimated == 1)
}

@Test func twinForgetsUnroutedRequestsAndLeavesFailedOnesOutOfItsLatencies() throws {
    var twin = try smallTwin(a: "round-robin", b: "round-robin")
    func info(_ id: Int, at time: Double) -> RequestInfo {
        liveRequest(id, at: time, prompt: 300, predicted: 80, bucket: 1)
    }
    // 1 was shed (never routed), 2 failed after 5 tokens, 3 completed; 4 was in flight on backend 1 at the start.
    twin.apply(.arrived(info(4, at: 0.5), pinnedTo: 1))
    twin.apply(.arrived(info(1, at: 1), pinnedTo: nil))
    twin.apply(.arrived(info(2, at: 2), pinnedTo: nil))
    twin.apply(.arrived(info(3, at: 3), pinnedTo: nil))
    twin.apply(.ended(request: 1, outputTokens: 0, latency: nil, routed: false))
    twin.apply(.ended(request: 2, outputTokens: 5, latency: nil, routed: true))
    twin.apply(.ended(request: 3, outputTokens: 20, latency: MeasuredLatency(e2e: 1, ttft: 0.1), routed: true))
    twin.apply(.ended(request: 4, outputTokens: 10, latency: MeasuredLatency(e2e: 1, ttft: 0.1), routed: true))
    // A second end of the same request changes nothing.
    twin.apply(.ended(request: 3, outputTokens: 999, latency: nil, routed: true))
    twin.advance(now: 30)
    let records = twin.a.simulation.records
    #expect(records.count == 3)
    #expect(twin.liveIDs == [4, 2, 3])
    #expect(records.map(\.outputTokens) == [10, 5, 20])
    #expect(records.map(\.measured) == [true, false, true])
    #expect(records[0].instance == 1)
    // Round-robin on the twin starts at instance 0 for the first routed request (the pinned one asked no policy).
    #expect(twin.decisionsA.map(\.request) == [2, 3])
    let prediction = try #require(twin.snapshot(names: [], now: 30).prediction)
    #expect(prediction.compared == 2)
    #expect(prediction.twinA.count == 2)
}

@Test func aPolicySwitchReachesSideAAtItsOwnTimeHoweverLateTheTwinSettles() throws {
    // The recorded run switches from least-requests to workload-aware at t = 15.
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let workload = syntheticWorkload(count: 240, rate: 7, seed: 11)
    let predictor = PromptBucketMeanPredictor(training: workload)
    let config = SimulationConfig(instances: 4, profile: profile, seed: 1)
    var simulation = Simulation(
        config: config,
        policy: try PolicyCatalog.make("least-requests", seed: 1),
        predictor: predictor,
        workload: workload
    )
    simulation.logging = true
    simulation.advance(until: 15)
    simulation.setPolicy(try PolicyCatalog.make("workload-aware", seed: 1))
    simulation.runToCompletion()
    var twin = LiveTwin(
        config: config,
        policyA: try PolicyCatalog.make("least-requests", seed: 1),
        policyB: try PolicyCatalog.make("round-robin", seed: 1),
        predictor: predictor,
        comparedLimit: 10_000
    )
    // Every request is fed, and ended, only at the very end: the twin settles nothing before the switch is known.
    for (index, record) in simulation.records.enumerated() {
        twin.apply(.arrived(feedInfo(index, record), pinnedTo: nil))
    }
    twin.switchPolicyA(try PolicyCatalog.make("workload-aware", seed: 1), at: 15)
    for (index, record) in simulation.records.enumerated() {
        let latency = MeasuredLatency(e2e: record.e2e, ttft: record.ttft)
        twin.apply(.ended(request: index, outputTokens: record.outputTokens, latency: latency, routed: true))
    }
    twin.advance(now: 10_000)
    let recorded = simulation.decisionLog.suffix(twin.decisionsA.count)
    #expect(twin.decisionsA.map(\.instance) == recorded.map(\.instance))
    #expect(twin.decisionsA.map(\.policy) == recorded.map(\.policy))
    #expect(Set(recorded.map(\.policy)) == ["least-requests", "workload-aware"])
    let prediction = try #require(twin.snapshot(names: [], now: 10_000).prediction)
    #expect(abs(try #require(prediction.e2eError)) < 1e-9)
}

@Test func aRetryAfterAFailureCountsAndARestartKeepsWhatIsUnsettled() throws {
    var twin = try smallTwin(a: "round-robin", b: "least-requests")
    func info(_ id: Int, at time: Double) -> RequestInfo { liveRequest(id, at: time, prompt: 100, predicted: 30) }
    // 1 failed on its first backend, was retried elsewhere and completed: the completion counts.
    twin.apply(.arrived(info(1, at: 1), pinnedTo: nil))
    twin.apply(.ended(request: 1, outputTokens: 0, latency: nil, routed: true))
    twin.apply(.ended(request: 1, outputTokens: 12, latency: MeasuredLatency(e2e: 0.8, ttft: 0.1), routed: true))
    // ... but not an "unrouted" after a failure: the failed attempt did reach a backend.
    twin.apply(.arrived(info(2, at: 2), pinnedTo: nil))
    twin.apply(.ended(request: 2, outputTokens: 3, latency: nil, routed: true))
    twin.apply(.ended(request: 2, outputTokens: 0, latency: nil, routed: false))
    // 3 is still open, 4 ended behind it: both unsettled.
    twin.apply(.arrived(info(3, at: 3), pinnedTo: nil))
    twin.apply(.arrived(info(4, at: 4), pinnedTo: nil))
    twin.apply(.ended(request: 4, outputTokens: 9, latency: MeasuredLatency(e2e: 0.5, ttft: 0.1), routed: true))
    twin.advance(now: 20)
    #expect(twin.a.simulation.records.map(\.outputTokens) == [12, 3])
    #expect(twin.a.simulation.records.map(\.measured) == [true, false])
    #expect(twin.horizon == 3)
    // A restart: 3 (open) and 4 (ended) carry over unsettled; 0, on backend 1 since before the twin and already
    // settled by it, is seeded pinned; 3's copy in the live router's in-flight list is not taken twice.
    var fresh = twin.restarted(
        inFlight: [.arrived(info(0, at: 0.5), pinnedTo: 1), .arrived(info(3, at: 3), pinnedTo: 0)]
    )
    #expect(fresh.a.simulation.records.isEmpty)
    #expect(
        fresh.snapshot(names: [], now: 20).prediction?.compared
            == twin.snapshot(names: [], now: 20).prediction?.compared
    )
    fresh.apply(.ended(request: 3, outputTokens: 5, latency: MeasuredLatency(e2e: 1, ttft: 0.1), routed: true))
    fresh.apply(.ended(request: 0, outputTokens: 7, latency: MeasuredLatency(e2e: 30, ttft: 0.1), routed: true))
    fresh.advance(now: 40)
    #expect(fresh.liveIDs == [0, 3, 4])
    #expect(fresh.a.simulation.records.map(\.outputTokens) == [7, 5, 9])
    #expect(fresh.a.simulation.records[0].instance == 1)
    #expect(fresh.decisionsA.map(\.request).suffix(2) == [3, 4])
}

@Test func aBackendDownLiveIsDownInTheTwinFromTheMomentItWent() throws {
    var twin = try smallTwin(a: "round-robin", b: "least-requests")
    // Backend 1 goes down at t = 5 and comes back at t = 9; the twin learns it late, after every arrival.
    for k in 0..<12 {
        twin.apply(.arrived(liveRequest(k, at: Double(k), prompt: 100, predicted: 20), pinnedTo: nil))
    }
    twin.apply(.health(backend: 1, up: false, at: 5))
    twin.apply(.health(backend: 1, up: true, at: 9))
    for k in 0..<12 {
        let latency = MeasuredLatency(e2e: 0.5, ttft: 0.1)
        twin.apply(.ended(request: k, outputTokens: 10, latency: latency, routed: true))
    }
    twin.advance(now: 60)
    for decisions in [twin.decisionsA, twin.decisionsB] {
        let byRequest = Dictionary(uniqueKeysWithValues: decisions.map { ($0.request, $0.instance) })
        for k in 5..<9 { #expect(byRequest[k] == 0, "request \(k) went to a backend that was down") }
        #expect((0..<5).contains { byRequest[$0] == 1 })
        #expect((9..<12).contains { byRequest[$0] == 1 })
    }
}

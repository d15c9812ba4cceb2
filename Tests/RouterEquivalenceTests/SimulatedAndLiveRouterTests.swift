import Engine
import Gateway
import RouterCore
import Routing
import Simulator
import SwitchyardCore
import Synchronization
import Testing

/// What a policy was shown, and what it chose.
struct Seen: Sendable, Equatable, CustomStringConvertible {
    var request: Int
    var now: Double
    var instances: [InstanceLoad]
    var routerQueueLength: Int
    var completedRequests: Int
    var tieBreak: Int
    var target: RoutingTarget

    var description: String {
        let loads = instances.map {
            "[out \($0.outstanding) pf \($0.prefillCount) w \($0.waiting) r \($0.running) kv \($0.kvUsage) "
                + "str \($0.streamedTokens) ctx \($0.decodeContextTokens) pred \($0.predictedDecodeTokens) "
                + "cached \($0.expectedCachedTokens) idx \($0.prefixIndexTokens) unc \($0.prefillUncachedTokens)]"
        }
        return "r\(request) t=\(now) q=\(routerQueueLength) done=\(completedRequests) → \(target) \(loads)"
    }
}

/// Wraps a policy and keeps every view it is shown.
struct Recording: RoutingPolicy {
    final class Log: Sendable {
        let seen = Mutex<[Seen]>([])
        var all: [Seen] { seen.withLock { $0 } }
    }
    var inner: any RoutingPolicy
    let log: Log
    var name: String { inner.name }

    mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let decision = inner.route(request, in: view)
        let entry = Seen(
            request: request.id.rawValue,
            now: view.now,
            instances: view.instances,
            routerQueueLength: view.routerQueueLength,
            completedRequests: view.completedRequests,
            tieBreak: view.tieBreak,
            target: decision.target
        )
        log.seen.withLock { $0.append(entry) }
        return decision
    }
}

/// Holds while every instance has at least `limit` requests outstanding, else picks the one with the fewest: a
/// policy that exercises the router queue, its retries and the hold limit.
struct HoldWhenAllBusy: RoutingPolicy {
    var limit: Int
    var name: String { "hold-when-busy" }
    func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        let healthy = view.instances.indices.filter { view.instances[$0].healthy }
        guard let best = healthy.min(by: { view.instances[$0].outstanding < view.instances[$1].outstanding }) else {
            return RoutingDecision(target: .hold, reason: "none up")
        }
        if view.instances[best].outstanding >= limit { return RoutingDecision(target: .hold, reason: "all busy") }
        return .pick(InstanceID(best), reason: "fewest outstanding")
    }
}

func workload(count: Int, rate: Double, seed: UInt64, prefixes: Bool = false) -> [Request] {
    var rng = SplitMix64(seed: seed)
    var t = 0.0
    return (0..<count).map { index in
        t += Double(rng.next() % 1000) / 1000 * 2 / rate
        let prompt = 50 + Int(rng.next() % 1500)
        // Five families of 64-token blocks: a shared run of leading blocks, then the request's own.
        let family = rng.next() % 5
        let shared = Int(rng.next() % 12)
        let hashes = (0..<(prompt + 63) / 64).map { block in
            block < shared ? family << 40 | UInt64(block) : UInt64(index) << 20 | UInt64(block)
        }
        return Request(
            id: RequestID(index),
            arrival: t,
            promptTokens: prompt,
            outputTokens: 5 + Int(rng.next() % 400),
            prefix: prefixes ? PrefixHashes(blockTokens: 64, hashes: hashes) : nil
        )
    }
}

/// Runs `requests` through the simulator with its router's inputs taped, feeds the same inputs to a live router,
/// and returns what the policy was shown on each side.
func runBoth(
    policy make: @escaping @Sendable () throws -> any RoutingPolicy,
    requests: [Request],
    instances: Int,
    holdLimit: Double = 5
) throws -> (simulated: [Seen], live: [Seen], simulation: Simulation, tickets: [Int: LiveRouter.Ticket]) {
    let profile = try ProfileCatalog.profile(named: "llama2-7b-v100")
    let predictor = PromptBucketMeanPredictor(training: requests)
    let config = SimulationConfig(
        instances: instances,
        profile: profile,
        scrapeInterval: 0.25,
        holdLimit: holdLimit,
        seed: 1
    )
    let simulatedLog = Recording.Log()
    var simulation = Simulation(
        config: config,
        policy: Recording(inner: try make(), log: simulatedLog),
        predictor: predictor,
        workload: requests
    )
    simulation.tape = []
    simulation.runToCompletion()

    let engine = profile.engineConfig(chunkedPrefill: config.chunkedPrefill)
    let liveLog = Recording.Log()
    let live = try LiveRouter(
        backends: (0..<instances).map { BackendDescriptor(url: "http://127.0.0.1:\(9000 + $0)") },
        policy: "taped",
        policyNames: ["taped"],
        makePolicy: { _ in Recording(inner: try make(), log: liveLog) },
        predictor: predictor,
        cost: profile.cost,
        maxBatchSize: engine.maxBatchSize
    )
    for index in 0..<instances { live.setKVCapacity(index, tokens: engine.kvBlocks * engine.blockSize) }
    var infos: [Int: RequestInfo] = [:]
    var tickets: [Int: LiveRouter.Ticket] = [:]
    func route(_ id: Int, at now: Double, held: Bool) {
        guard let info = infos[id] else { return }
        let mayHold = now - info.arrival < holdLimit
        if case .routed(let ticket) = live.route(info, now: now, held: held, mayHold: mayHold) { tickets[id] = ticket }
    }
    for input in simulation.tape ?? [] {
        switch input {
        case .arrived(let request, let now):
            let info = live.arrive(PromptFeatures(request), prefix: request.prefix, now: now)
            #expect(info.id == request.id, "the live router numbers arrivals as the simulator does")
            infos[request.id.rawValue] = info
            route(request.id.rawValue, at: now, held: false)
        case .retried(let id, let now):
            route(id, at: now, held: true)
        case .sampled(let instance, let metrics, let now):
            live.recordScrape(instance, metrics: metrics, now: now)
        case .firstToken(let id, let now):
            if let ticket = tickets[id] { live.firstToken(ticket, now: now) }
        case .streamed(let id, let tokens, let now):
            if let ticket = tickets[id] { live.streamed(ticket, tokens: tokens, now: now) }
        case .finished(let id, let now):
            if let ticket = tickets[id] { live.finish(ticket, outcome: .completed(completionTokens: nil), now: now) }
        }
    }
    return (simulatedLog.all, liveLog.all, simulation, tickets)
}

@Suite struct SimulatedAndLiveRouterTests {
    @Test(arguments: ["round-robin", "least-requests", "least-tokens", "least-kv", "llm-d", "workload-aware"])
    func theSameInputsGiveTheSameViewsAndDecisions(policy: String) throws {
        let requests = workload(count: 400, rate: 4, seed: 7)
        let run = try runBoth(
            policy: { try PolicyCatalog.make(policy, seed: 3, instances: 4) },
            requests: requests,
            instances: 4
        )
        #expect(run.simulated.count >= requests.count)
        #expect(run.live.count == run.simulated.count, "as many decisions live as simulated")
        for (simulated, live) in zip(run.simulated, run.live) where simulated != live {
            Issue.record("first difference:\n  simulated \(simulated)\n  live      \(live)")
            break
        }
        // Every request went to the same instance on both sides, and the run loaded the engines enough to matter.
        for (index, record) in run.simulation.records.enumerated() {
            #expect(run.tickets[index]?.backend == record.instance, "request \(index)")
        }
        #expect(run.simulated.contains { $0.instances.contains { $0.waiting > 0 } }, "some requests queued")
        #expect(run.live.contains { $0.instances.contains { $0.streamedTokens > 0 } })
    }

    @Test(arguments: ["least-requests", "workload-aware"])
    func requestsWithPrefixesSeeTheSameExpectedCachedTokensOnBothSides(policy: String) throws {
        let requests = workload(count: 400, rate: 4, seed: 9, prefixes: true)
        let run = try runBoth(
            policy: { try PolicyCatalog.make(policy, seed: 3, instances: 4) },
            requests: requests,
            instances: 4
        )
        #expect(run.live.count == run.simulated.count)
        for (simulated, live) in zip(run.simulated, run.live) where simulated != live {
            Issue.record("first difference:\n  simulated \(simulated)\n  live      \(live)")
            break
        }
        #expect(run.simulated.contains { $0.instances.contains { $0.expectedCachedTokens > 0 } }, "prefixes matched")
        #expect(run.simulation.prefixCacheTotals.hits > 0, "and the engines found them cached")
    }

    @Test func theRouterIndexIsTheRoutersOwnNotTheEnginesCache() throws {
        // Engines without prefix caching: the router still expects what it sent to be cached (it cannot see the
        // engines), while the engines find nothing.
        let requests = workload(count: 300, rate: 4, seed: 9, prefixes: true)
        var config = SimulationConfig(instances: 4, profile: try ProfileCatalog.profile(named: "llama2-7b-v100"))
        config.prefixCaching = false
        let log = Recording.Log()
        var simulation = Simulation(
            config: config,
            policy: Recording(inner: LeastRequestsPolicy(), log: log),
            predictor: PromptBucketMeanPredictor(training: requests),
            workload: requests
        )
        simulation.runToCompletion()
        #expect(log.all.contains { $0.instances.contains { $0.expectedCachedTokens > 0 } })
        #expect(simulation.prefixCacheTotals.queries == 0 && simulation.prefixCacheTotals.hits == 0)
    }

    @Test func heldRequestsAreRetriedAndReleasedAlikeOnBothSides() throws {
        let requests = workload(count: 300, rate: 6, seed: 11)
        let run = try runBoth(policy: { HoldWhenAllBusy(limit: 6) }, requests: requests, instances: 3, holdLimit: 2)
        #expect(run.simulated.contains { $0.target == .hold }, "the policy held some requests")
        #expect(run.simulated.contains { $0.routerQueueLength > 0 }, "and others waited behind them")
        #expect(run.live.count == run.simulated.count)
        for (simulated, live) in zip(run.simulated, run.live) where simulated != live {
            Issue.record("first difference:\n  simulated \(simulated)\n  live      \(live)")
            break
        }
        for (index, record) in run.simulation.records.enumerated() {
            #expect(run.tickets[index]?.backend == record.instance, "request \(index)")
        }
    }
}

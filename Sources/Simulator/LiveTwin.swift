import DequeModule
import Engine
import RouterCore
import Routing
import SwitchyardCore

/// A simulated copy of a live cluster, fed the live router's traffic as it comes (``TwinFeedEvent``), that answers
/// "what would policy B do with exactly this traffic on these servers?" without routing a single real request by B.
///
/// It holds two simulations of the same instances (one per backend, on the cluster's latency profile): side A is
/// routed by the live policy, side B by the policy under test. Both see the identical arrivals, with the predictions
/// the gateway made. Side A exists to measure the twin itself: each request's simulated latency on A is compared
/// with the one measured, so the operator sees how far to trust B.
///
/// A request's length is known only when it ends, and a simulation needs it to know when the request finishes. So
/// the twin settles its state up to the arrival of the oldest request still open, where every earlier request's
/// length is known (``horizon``), and shows the rest as a guess on a copy (``speculated(now:)``: the open
/// requests run on past now). A request open longer than
/// `maxLag` is settled with its predicted length (counted in ``estimated``) so that one stuck stream cannot stop
/// the twin. On side A the guess is no guess: a request open now really was running all along, so A's error is
/// measured on every request that ended, settled or not. On side B an open request might have ended sooner.
///
/// Requests already in flight when the twin starts are replayed from their arrival on the backend they are on.
/// Traffic that reaches the engines around the router is not in the twin. Pure: time comes in as `now`.
public struct LiveTwin: Sendable {
    /// One simulated side.
    public struct Side: Sendable {
        public internal(set) var simulation: Simulation
        var window = RecentWindow()
        var decisions = DecisionLog()
    }

    struct Open: Sendable {
        var info: RequestInfo
        var pinnedTo: Int?
        /// Set once the request ended: its length, and its measured latencies when it completed.
        var outputTokens: Int?
        var latency: MeasuredLatency?
        var routed = true
    }

    /// A request both sides simulate whose measured latency is known, until side A finishes it.
    struct Pending: Sendable {
        var index: Int
        var measured: MeasuredLatency
    }

    /// A measured and a predicted latency of one request on side A.
    struct Pair: Sendable {
        var measured: MeasuredLatency
        var predicted: MeasuredLatency
    }

    public private(set) var a: Side
    public private(set) var b: Side
    public let profileName: String
    /// Seconds a request may stay open before the twin simulates it with its predicted length.
    public let maxLag: Double
    /// How many recent requests the A-side error is computed over.
    public let comparedLimit: Int
    /// Arrivals not yet given to the simulations, in arrival order (live request ids), and their state.
    var order: Deque<Int> = []
    var open: [Int: Open] = [:]
    /// Live request id per simulated request index (both sides give the same indices).
    public private(set) var liveIDs: [Int] = []
    var awaitingA: [Pending] = []
    var pairs: Deque<Pair> = []
    /// How far the twin has simulated.
    public private(set) var horizon: Double
    /// Requests simulated with their predicted length because they stayed open past ``maxLag``.
    public private(set) var estimated = 0

    /// - Parameters:
    ///   - config: the cluster: one instance per backend, the profile, the router's scrape interval and hold limit.
    ///   - policyA: the live policy.
    ///   - policyB: the policy under test.
    ///   - predictor: the bucket scheme's predictor, used only for a request that carries no prediction.
    ///   - maxLag: seconds a request may stay open before it is simulated with its predicted length.
    ///   - comparedLimit: how many recent requests the A-side error is computed over.
    public init(
        config: SimulationConfig,
        policyA: any RoutingPolicy,
        policyB: any RoutingPolicy,
        predictor: any LengthPredictor,
        maxLag: Double = 120,
        comparedLimit: Int = 500
    ) {
        var simulation = Simulation(config: config, policy: policyA, predictor: predictor, workload: [])
        simulation.logging = true
        a = Side(simulation: simulation)
        simulation.setPolicy(policyB)
        b = Side(simulation: simulation)
        profileName = config.profile.name
        self.maxLag = maxLag
        self.comparedLimit = comparedLimit
        // The simulations' clocks start at 0 (idle until the first request, which may be one in flight since
        // before the twin started); the horizon only moves forward from there.
        horizon = 0
    }

    /// A change that takes effect at its time, however late the twin settles it.
    enum Change: Sendable {
        case policyA(any RoutingPolicy)
        case health(backend: Int, up: Bool)
    }

    /// Changes not yet reached by the settled simulations, in time order.
    var changes: [(time: Double, change: Change)] = []

    /// Takes one event of the live router's feed.
    public mutating func apply(_ event: TwinFeedEvent) {
        switch event {
        case .arrived(let info, let pinnedTo):
            let id = info.id.rawValue
            guard open[id] == nil else { return }
            open[id] = Open(info: info, pinnedTo: pinnedTo)
            order.append(id)
        case .ended(let request, let outputTokens, let latency, let routed):
            // An end the twin did not wait for (it arrived before the twin, or was already estimated) is ignored.
            // A second end counts only after a failure, as the end of its retry elsewhere.
            guard var entry = open[request], entry.routed else { return }
            if entry.outputTokens != nil, entry.latency != nil || !routed { return }
            entry.outputTokens = outputTokens
            entry.latency = latency
            entry.routed = routed
            open[request] = entry
        case .policy:
            // Side A follows the live policy, but building a policy is the owner's business: it calls
            // ``switchPolicyA(_:at:)``.
            break
        case .health(let backend, let up, let time):
            // Both sides lose (or regain) the backend when the live router did.
            schedule(.health(backend: backend, up: up), at: time)
        }
    }

    /// Switches side A's policy at `time` (the live policy changed then): requests that arrived before it are
    /// still routed by the old one, however late the twin settles them.
    public mutating func switchPolicyA(_ policy: any RoutingPolicy, at time: Double) {
        schedule(.policyA(policy), at: time)
    }

    mutating func schedule(_ change: Change, at time: Double) {
        changes.append((time, change))
        // Stable: changes at the same time keep their order.
        changes = changes.enumerated().sorted { x, y in
            x.element.time != y.element.time ? x.element.time < y.element.time : x.offset < y.offset
        }.map(\.element)
    }

    /// Applies the changes due by `time`, each at its own time.
    mutating func applySwitches(upTo time: Double) {
        while let next = changes.first, next.time <= time {
            let at = max(next.time, a.simulation.now)
            a.simulation.advance(until: at)
            b.simulation.advance(until: at)
            switch next.change {
            case .policyA(let policy):
                a.simulation.setPolicy(policy)
            case .health(let backend, let up):
                a.simulation.setHealthy(backend, up)
                b.simulation.setHealthy(backend, up)
            }
            changes.removeFirst()
        }
    }

    /// Gives the simulations every request whose length is known, in arrival order, and simulates up to the
    /// arrival of the oldest one still open (or `now` when none is).
    public mutating func advance(now: Double) {
        while let id = order.first, var entry = open[id] {
            let known = entry.outputTokens != nil
            if !known {
                guard now - entry.info.arrival > maxLag else { break }
                entry.outputTokens = max(1, Int(entry.info.predictedOutputTokens.rounded()))
                estimated += 1
            }
            order.removeFirst()
            open[id] = nil
            applySwitches(upTo: entry.info.arrival)
            if entry.routed { inject(entry, estimated: !known) }
        }
        let target = max(horizon, min(now, order.first.flatMap { open[$0]?.info.arrival } ?? now))
        applySwitches(upTo: target)
        a.simulation.advance(until: target)
        b.simulation.advance(until: target)
        horizon = target
        Self.drain(&a, liveIDs: liveIDs)
        Self.drain(&b, liveIDs: liveIDs)
        compareA()
    }

    /// Gives both sides one request that ended (pinned ones to the backend they were on).
    mutating func inject(_ entry: Open, estimated: Bool) {
        let info = entry.info
        let request = Request(
            id: info.id,
            arrival: max(info.arrival, a.simulation.now),
            promptTokens: info.promptTokens,
            outputTokens: max(1, entry.outputTokens ?? 1),
            hint: info.hint,
            prefix: info.prefix
        )
        let prediction = LengthPrediction(bucket: info.predictedBucket, tokens: info.predictedOutputTokens)
        // A request that failed or was abandoned still took its share of the engine, but has no latency to count.
        let measured = entry.latency != nil || estimated
        let index = a.simulation.inject(request, measured: measured, prediction: prediction, pinnedTo: entry.pinnedTo)
        b.simulation.inject(request, measured: measured, prediction: prediction, pinnedTo: entry.pinnedTo)
        liveIDs.append(info.id.rawValue)
        if let latency = entry.latency { awaitingA.append(Pending(index: index.rawValue, measured: latency)) }
    }

    static func drain(_ side: inout Side, liveIDs: [Int]) {
        // Requests whose live counterpart failed or was abandoned are simulated unmeasured: out of the latencies.
        for record in side.simulation.completionLog where record.measured && !record.rejected {
            side.window.add(record)
        }
        side.simulation.completionLog.removeAll(keepingCapacity: true)
        for var decision in side.simulation.decisionLog {
            if liveIDs.indices.contains(decision.request) { decision.request = liveIDs[decision.request] }
            side.decisions.append(decision)
        }
        side.simulation.decisionLog.removeAll(keepingCapacity: true)
        side.window.trim(now: side.simulation.now)
    }

    /// Pairs each request side A has finished with what was measured.
    mutating func compareA() {
        guard !awaitingA.isEmpty else { return }
        var kept: [Pending] = []
        kept.reserveCapacity(awaitingA.count)
        for pending in awaitingA {
            let record = a.simulation.records[pending.index]
            guard !record.finished.isNaN else {
                kept.append(pending)
                continue
            }
            guard !record.rejected else { continue }
            pairs.append(
                Pair(measured: pending.measured, predicted: MeasuredLatency(e2e: record.e2e, ttft: record.ttft))
            )
            if pairs.count > comparedLimit { pairs.removeFirst() }
        }
        awaitingA = kept
    }

    /// The twin as it stands at `now`: a copy given the requests still open as well (simulated as running on past
    /// `now`, since they have not ended: their length is at least what they have streamed) and advanced to `now`.
    /// The settled part (up to ``horizon``) is exact given the lengths; the rest is the best guess there is.
    public func speculated(now: Double) -> LiveTwin {
        var copy = self
        guard now > horizon else { return copy }
        let longest = a.simulation.maxModelLen
        for id in order {
            guard var entry = open[id], entry.routed else { continue }
            if entry.outputTokens == nil {
                // Not measured: if it finishes at all before `now`, it is only because of this stand-in length.
                entry.outputTokens = max(1, longest - entry.info.promptTokens)
                entry.latency = nil
            }
            copy.applySwitches(upTo: entry.info.arrival)
            copy.inject(entry, estimated: false)
        }
        copy.applySwitches(upTo: now)
        copy.a.simulation.advance(until: now)
        copy.b.simulation.advance(until: now)
        Self.drain(&copy.a, liveIDs: copy.liveIDs)
        Self.drain(&copy.b, liveIDs: copy.liveIDs)
        // Side A's comparisons hold on the copy too: a request still open now was really running all along, as the
        // copy has it, so A's predicted latency of a request that ended is as good there as in the settled part.
        copy.compareA()
        return copy
    }

    /// Side B as the console draws it at `now` (``speculated(now:)``), with how far side A's settled part is from
    /// what was measured.
    /// - Parameters:
    ///   - names: the backends' names, in order.
    ///   - now: the live clock.
    ///   - detailLimit: the most requests listed per instance.
    /// - Returns: side B, with the twin's ``TwinPrediction``.
    public func snapshot(names: [String], now: Double, detailLimit: Int = 64) -> TwinSnapshot {
        let current = speculated(now: now)
        let b = current.b
        var instances = b.simulation.instanceSnapshots(detailLimit: detailLimit)
        for index in instances.indices where names.indices.contains(index) { instances[index].name = names[index] }
        var twin = TwinSnapshot(
            policy: b.simulation.policy.name,
            instances: instances,
            routerQueue: b.simulation.routerQueueLength,
            completed: b.simulation.metrics.completed,
            e2e: b.window.e2e(),
            ttft: b.window.ttft(),
            tbt: b.window.tbt(),
            history: b.window.history(now: b.simulation.now),
            recentDecisions: b.decisions.recent()
        )
        let pairs = current.pairs
        let count = Double(max(1, pairs.count))
        let timed = pairs.filter { $0.measured.ttft != nil }
        let timedCount = Double(max(1, timed.count))
        twin.prediction = TwinPrediction(
            profile: profileName,
            lag: max(0, now - horizon),
            twinA: current.a.window.e2e(),
            twinATTFT: current.a.window.ttft(),
            compared: pairs.count,
            measuredE2E: pairs.reduce(0) { $0 + $1.measured.e2e } / count,
            predictedE2E: pairs.reduce(0) { $0 + $1.predicted.e2e } / count,
            // Over the requests whose first token was seen, on both sides alike.
            measuredTTFT: timed.reduce(0) { $0 + ($1.measured.ttft ?? 0) } / timedCount,
            predictedTTFT: timed.reduce(0) { $0 + ($1.predicted.ttft ?? 0) } / timedCount,
            estimated: estimated
        )
        return twin
    }

    /// A fresh twin on the same cluster and policies that keeps this one's recent history (latency windows,
    /// decisions, comparisons, pending switches) and its unsettled requests, seeded with the requests in flight
    /// now (`inFlight`, from the live router) that this one had already settled. Its simulations hold only what it
    /// is given from here, so a long session restarts the twin now and then to bound its memory: side B's state
    /// is then re-seeded from the real placement of the requests in flight.
    public func restarted(inFlight: [TwinFeedEvent]) -> LiveTwin {
        var fresh = LiveTwin(
            config: a.simulation.config,
            policyA: a.simulation.policy,
            policyB: b.simulation.policy,
            predictor: a.simulation.predictor,
            maxLag: maxLag,
            comparedLimit: comparedLimit
        )
        var arrivals: [(info: RequestInfo, pinnedTo: Int?)] = order.compactMap { id in
            open[id].map { ($0.info, $0.pinnedTo) }
        }
        for case .arrived(let info, let pinnedTo) in inFlight where open[info.id.rawValue] == nil {
            arrivals.append((info, pinnedTo))
        }
        arrivals.sort {
            $0.info.arrival != $1.info.arrival ? $0.info.arrival < $1.info.arrival : $0.info.id < $1.info.id
        }
        for arrival in arrivals { fresh.apply(.arrived(arrival.info, pinnedTo: arrival.pinnedTo)) }
        for id in order {
            guard let entry = open[id], let tokens = entry.outputTokens else { continue }
            fresh.apply(.ended(request: id, outputTokens: tokens, latency: entry.latency, routed: entry.routed))
        }
        fresh.a.window = a.window
        fresh.b.window = b.window
        fresh.a.decisions = a.decisions
        fresh.b.decisions = b.decisions
        fresh.pairs = pairs
        fresh.estimated = estimated
        fresh.changes = changes
        for backend in a.simulation.loads.indices where !a.simulation.loads[backend].healthy {
            fresh.a.simulation.setHealthy(backend, false)
            fresh.b.simulation.setHealthy(backend, false)
        }
        return fresh
    }

    /// Side A's decisions, with the live request ids (for checking the twin against the live router).
    public var decisionsA: [DecisionRecord] { Array(a.decisions.records) }
    /// Side B's decisions, with the live request ids.
    public var decisionsB: [DecisionRecord] { Array(b.decisions.records) }
}

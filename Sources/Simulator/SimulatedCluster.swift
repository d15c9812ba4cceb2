import Engine
import Foundation
import RouterCore
import Routing
import SwitchyardCore
import Synchronization

/// A live simulated cluster: a ``Simulation`` driven in real time at a speed factor, behind ``ClusterBackend``.
///
/// The workload is replayed endlessly (each pass shifted in time after the previous one). An A/B twin is a copy of
/// the primary simulation at the moment comparison starts, with another policy; from then on both receive the
/// identical arrivals, bursts included.
public final class SimulatedCluster: ClusterBackend {
    public struct Configuration: Sendable {
        public var simulation: SimulationConfig
        public var workloadName: String
        public var policy: String
        public var speed: Double
        public init(simulation: SimulationConfig, workloadName: String, policy: String, speed: Double = 1) {
            self.simulation = simulation
            self.workloadName = workloadName
            self.policy = policy
            self.speed = speed
        }
    }

    struct Side: Sendable {
        var simulation: Simulation
        var window = RecentWindow()
        var decisions = DecisionLog()
        /// Completions counted before the A/B split, so that each arm's count starts at the split as its latencies do.
        var completedBefore = 0
        var completed: Int { simulation.metrics.completed - completedBefore }
    }

    struct State: Sendable {
        var primary: Side
        var twin: Side?
        var speed: Double
        var paused = false
        var clock = 0.0
        var pass = 0
        var cursor = 0
        var passOffset = 0.0
        var markers = MarkerLog()
        var burstRNG: SplitMix64
    }

    public var policyNames: [String] { menu.names }
    public let referencePolicyNames: Set<String>
    let configuration: Configuration
    let trace: [Request]
    let menu: PolicyMenu
    let makeBurst: @Sendable (BurstKind, Double, inout SplitMix64) -> [Request]
    let state: Mutex<State>

    /// - Parameters:
    ///   - configuration: the cluster, the workload's name, the first policy and the speed.
    ///   - trace: the workload, with arrival times, replayed endlessly.
    ///   - predictor: the length predictor every request passes through.
    ///   - policyNames: the policies the operator can switch between, in menu order.
    ///   - referencePolicyNames: those of them that are references (the console labels them).
    ///   - makePolicy: builds a policy by name.
    ///   - makeBurst: the requests of a burst of a kind starting at a time.
    /// - Throws: the error of `makePolicy` for the first policy.
    public init(
        configuration: Configuration,
        trace: [Request],
        predictor: any LengthPredictor,
        policyNames: [String],
        referencePolicyNames: Set<String> = [],
        makePolicy: @escaping @Sendable (String) throws -> any RoutingPolicy,
        makeBurst: @escaping @Sendable (BurstKind, Double, inout SplitMix64) -> [Request]
    ) throws {
        precondition(!trace.isEmpty, "a simulated cluster needs a workload")
        self.configuration = configuration
        self.trace = trace
        self.menu = PolicyMenu(names: policyNames, factory: makePolicy)
        self.referencePolicyNames = referencePolicyNames.intersection(policyNames)
        self.makeBurst = makeBurst
        var simulation = Simulation(
            config: configuration.simulation,
            policy: try makePolicy(configuration.policy),
            predictor: predictor,
            workload: []
        )
        simulation.logging = true
        state = Mutex(
            State(
                primary: Side(simulation: simulation),
                speed: configuration.speed,
                burstRNG: SplitMix64(seed: configuration.simulation.seed ^ 0xB0B5)
            )
        )
    }

    // MARK: - Driving

    /// Advances the cluster by `wallSeconds` of real time (times the speed factor), unless paused.
    public func advance(wallSeconds: Double) {
        state.withLock { state in
            guard !state.paused else { return }
            let target = state.clock + wallSeconds * state.speed
            feedArrivals(&state, until: target + 1)
            state.primary.simulation.advance(until: target)
            state.twin?.simulation.advance(until: target)
            state.clock = target
            drain(&state)
        }
    }

    /// Runs the cluster in real time until the task is cancelled, stepping every `interval` seconds.
    public func run(interval: Double = 0.02) async {
        let clock = ContinuousClock()
        var last = clock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            let now = clock.now
            let elapsed = last.duration(to: now)
            last = now
            advance(wallSeconds: elapsed.inSeconds)
        }
    }

    /// Injects the trace's arrivals up to `time` into every side, replaying the trace when it runs out.
    func feedArrivals(_ state: inout State, until time: Double) {
        var batch: [Request] = []
        while true {
            if state.cursor >= trace.count {
                let span = (trace.last?.arrival ?? 0) - (trace.first?.arrival ?? 0)
                state.passOffset += span + 1
                state.cursor = 0
                state.pass += 1
            }
            var request = trace[state.cursor]
            request.arrival = request.arrival - (trace.first?.arrival ?? 0) + state.passOffset
            if request.arrival > time { break }
            batch.append(request)
            state.cursor += 1
        }
        guard !batch.isEmpty else { return }
        state.primary.simulation.inject(batch, measured: true)
        state.twin?.simulation.inject(batch, measured: true)
        for request in batch { state.primary.window.arrived(at: request.arrival) }
    }

    func drain(_ state: inout State) {
        func drainSide(_ side: inout Side) {
            for record in side.simulation.completionLog { side.window.add(record) }
            side.simulation.completionLog.removeAll(keepingCapacity: true)
            side.decisions.append(contentsOf: side.simulation.decisionLog)
            side.simulation.decisionLog.removeAll(keepingCapacity: true)
            side.window.trim(now: side.simulation.now)
        }
        drainSide(&state.primary)
        if var twin = state.twin {
            drainSide(&twin)
            state.twin = twin
        }
    }

    // MARK: - ClusterBackend

    public func snapshot() async -> ClusterSnapshot { currentSnapshot() }

    /// The current state, synchronously.
    public func currentSnapshot(detailLimit: Int = 64) -> ClusterSnapshot {
        state.withLock { state in
            let sim = state.primary.simulation
            let rates = state.primary.window.rates(now: sim.now)
            let twin = state.twin.map { side in
                TwinSnapshot(
                    policy: side.simulation.policy.name,
                    instances: side.simulation.instanceSnapshots(detailLimit: detailLimit),
                    routerQueue: side.simulation.routerQueueLength,
                    completed: side.completed,
                    e2e: side.window.e2e(),
                    ttft: side.window.ttft(),
                    tbt: side.window.tbt(),
                    history: side.window.history(now: side.simulation.now),
                    recentDecisions: side.decisions.recent()
                )
            }
            let buckets = configuration.simulation.buckets
            var snapshot = ClusterSnapshot(
                mode: .simulated,
                workload: configuration.workloadName,
                policy: sim.policy.name,
                clock: state.clock,
                speed: state.speed,
                paused: state.paused,
                instances: sim.instanceSnapshots(detailLimit: detailLimit),
                routerQueue: sim.routerQueueLength,
                arrivalsPerSecond: rates.arrivals,
                completionsPerSecond: rates.completions,
                tokensPerSecond: rates.tokens,
                arrived: sim.arrived,
                completed: state.primary.completed,
                e2e: state.primary.window.e2e(),
                ttft: state.primary.window.ttft(),
                tbt: state.primary.window.tbt(),
                history: state.primary.window.history(now: sim.now),
                markers: state.markers.recent(now: state.clock),
                recentDecisions: state.primary.decisions.recent(),
                bucketLabels: (0..<buckets.count).map { buckets.label(of: $0) },
                twin: twin
            )
            snapshot.prefixHitRate = sim.prefixHitRate
            return snapshot
        }
    }

    public func setPolicy(_ name: String) async throws { try switchPolicy(name) }

    /// Switches the primary's policy, synchronously.
    public func switchPolicy(_ name: String) throws {
        let policy = try menu.make(name)
        state.withLock { state in
            state.primary.simulation.setPolicy(policy)
            state.markers.mark(.policy, name, at: state.clock)
        }
    }

    public func injectBurst(_ kind: BurstKind) async throws { burst(kind) }

    /// Injects a burst into both sides, synchronously. - Returns: the number of requests.
    @discardableResult
    public func burst(_ kind: BurstKind) -> Int {
        state.withLock { state in
            let requests = makeBurst(kind, state.clock, &state.burstRNG)
            state.primary.simulation.inject(requests, measured: true)
            state.twin?.simulation.inject(requests, measured: true)
            for request in requests { state.primary.window.arrived(at: request.arrival) }
            state.markers.mark(.burst, kind.rawValue, at: state.clock)
            return requests.count
        }
    }

    public func setPaused(_ paused: Bool) async { state.withLock { $0.paused = paused } }

    public func setSpeed(_ speed: Double) async { state.withLock { $0.speed = max(0.01, min(1000, speed)) } }

    public func setComparison(_ policy: String?) async throws { try compare(policy) }

    /// Starts (a copy of the primary's current state, routed by `policy`) or stops the A/B twin, synchronously.
    public func compare(_ policy: String?) throws {
        guard let policy else {
            state.withLock { state in
                state.twin = nil
                state.primary.window = RecentWindow(splitFrom: state.primary.window, at: -.infinity)
                state.primary.completedBefore = 0
            }
            return
        }
        let made = try menu.make(policy)
        state.withLock { state in
            // Both arms keep the history before the split and count latencies and completions from it.
            state.primary.window = RecentWindow(splitFrom: state.primary.window, at: state.primary.simulation.now)
            state.primary.completedBefore = state.primary.simulation.metrics.completed
            var twin = state.primary
            twin.simulation.setPolicy(made)
            twin.decisions.removeAll()
            state.twin = twin
            state.markers.mark(.policy, "A/B vs \(policy)", at: state.clock)
        }
    }
}

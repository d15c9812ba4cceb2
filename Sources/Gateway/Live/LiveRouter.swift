import DequeModule
import RouterCore
import Routing
import SwitchyardCore
import Synchronization

/// The gateway's routing brain, with no I/O: the backends' health and scraped metrics, the ledger of what was sent
/// where, the policy, the decision log and the latency window. The HTTP front calls it around each request; the
/// scraper feeds it metrics; the console and `/admin/state` read snapshots from it.
///
/// Every method takes `now` (seconds on the caller's clock) so tests drive it deterministically. It is thread-safe:
/// one lock guards the state, and no method awaits or blocks while holding it.
public final class LiveRouter: Sendable {
    /// Builds a policy by name; `PolicyCatalog.make` in the product.
    public typealias PolicyFactory = @Sendable (String) throws -> any RoutingPolicy

    /// Where one request goes, and everything needed to account for it afterwards.
    public struct Ticket: Sendable, Equatable {
        public var info: RequestInfo
        public var backend: Int
        public var policy: String
    }

    public enum Admission: Sendable, Equatable {
        /// Send it to `ticket.backend`.
        case routed(Ticket)
        /// The policy holds it in the router's queue; ask again later.
        case hold
        /// No backend is up.
        case noBackend
    }

    /// How a request ended, for accounting.
    public enum Outcome: Sendable, Equatable {
        /// Completed; `completionTokens` from `usage` when the reply had it, else the router's count.
        case completed(completionTokens: Int?)
        /// The backend failed it (error status, broken or truncated stream, timeout).
        case backendFailed(String)
        /// The client went away, or the backend rejected it as a bad request; not the backend's fault.
        case abandoned
        /// It never reached the backend (the connection failed) and is being routed again: not counted.
        case rerouted
    }

    public let descriptors: [BackendDescriptor]
    public let buckets: BucketScheme
    public var policyNames: [String] { menu.names }
    private let menu: PolicyMenu
    private let predictor: any LengthPredictor
    private let cost: CostModel
    public let outlierDetection: OutlierDetection
    /// When the snapshot names an instance that stands out from the others.
    public let imbalance: ImbalanceThreshold
    private let state: Mutex<State>

    /// - Parameters:
    ///   - backends: The engines, in console order.
    ///   - policy: The starting policy's name.
    ///   - policyNames: The names the operator may switch between.
    ///   - makePolicy: Builds a policy by name.
    ///   - predictor: Predicts each request's response-length bucket from its prompt.
    ///   - cost: The latency coefficients the mixing-impact policies scale by.
    ///   - stalenessBound: Seconds after which scraped metrics are not trusted.
    ///   - maxBatchSize: The engines' batch limit, for policies that read it (vLLM's default `max_num_seqs`).
    ///   - outlierDetection: When consecutive 5xx replies take a backend out.
    ///   - imbalance: When the snapshot names an instance whose queue or KV usage stands out.
    /// - Throws: what `makePolicy` throws for `policy`.
    public init(
        backends: [BackendDescriptor],
        policy: String,
        policyNames: [String],
        makePolicy: @escaping PolicyFactory,
        predictor: any LengthPredictor,
        cost: CostModel = .paperV100,
        stalenessBound: Double = MetricsFreshness.defaultStalenessBound,
        maxBatchSize: Int = 256,
        outlierDetection: OutlierDetection = OutlierDetection(),
        imbalance: ImbalanceThreshold = ImbalanceThreshold()
    ) throws {
        self.outlierDetection = outlierDetection
        self.imbalance = imbalance
        self.descriptors = backends
        self.buckets = predictor.buckets
        self.menu = PolicyMenu(names: policyNames, factory: makePolicy)
        self.predictor = predictor
        self.cost = cost
        let initial = try makePolicy(policy)
        let buckets = predictor.buckets
        let states = backends.enumerated().map { index, descriptor in
            BackendState(
                descriptor: descriptor,
                ledger: InstanceLoad(
                    id: InstanceID(index),
                    buckets: buckets.count,
                    kvCapacityTokens: 0,
                    maxBatchSize: maxBatchSize
                ),
                freshness: MetricsFreshness(stalenessBound: stalenessBound)
            )
        }
        self.state = Mutex(State(backends: states, policyName: policy, policy: initial))
    }

    /// Runs `body` under the lock as an event that may let held requests go: the heads of the router queue that
    /// wait for a change are resumed, after the lock is released.
    private func changing<T>(_ body: (inout State) -> T) -> T {
        let (result, wake) = state.withLock { state -> (T, [CheckedContinuation<Void, Never>]) in
            let result = body(&state)
            return (result, state.changed())
        }
        for continuation in wake { continuation.resume() }
        return result
    }

    /// Counts the events that may let held requests go; read it before ``route(_:now:held:eligible:mayHold:)`` and
    /// pass it to ``waitForTurn(_:after:)``, so that an event in between is not missed.
    public var changeCount: Int { state.withLock { $0.changes } }

    /// Waits, without polling, until an event may let `info` go: a completion, a first token, a scrape, a backend
    /// going up or down, a policy switch, or the requests ahead of it leaving the queue; or until ``wake(_:)``
    /// (its hold limit) or cancellation. Returns at once when an event came after `seen`.
    public func waitForTurn(_ info: RequestInfo, after seen: Int) async {
        let id = info.id.rawValue
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.changes != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            wake(info)
        }
    }

    /// Held requests sleeping in ``waitForTurn(_:after:)``.
    var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Resumes `info`'s wait (its hold limit passed, or its client left).
    public func wake(_ info: RequestInfo) {
        let continuation = state.withLock { $0.waiters.removeValue(forKey: info.id.rawValue) }
        continuation?.resume()
    }

    // MARK: - Requests

    /// Registers an arriving request and predicts its response length.
    /// - Parameters:
    ///   - features: what the predictor reads.
    ///   - prefix: the prompt's prefix block hashes (hashed from its text), for the prefix index.
    ///   - now: the current time.
    /// - Returns: the request as policies see it, with its id and predicted length.
    public func arrive(_ features: PromptFeatures, prefix: PrefixHashes? = nil, now: Double) -> RequestInfo {
        let prediction = predictor.predict(features)
        return state.withLock { state in
            let id = state.nextRequest
            state.nextRequest += 1
            state.arrived += 1
            state.awaitingRoute.insert(id)
            state.window.arrived(at: now)
            let info = RequestInfo(
                id: RequestID(id),
                arrival: now,
                promptTokens: features.promptTokens,
                predictedBucket: prediction.bucket,
                predictedOutputTokens: prediction.tokens,
                hint: features.hint,
                prefix: prefix
            )
            state.twinFeed?.append(.arrived(info, pinnedTo: nil))
            return info
        }
    }

    /// Why a request ended without reaching a backend.
    public enum Unrouted: Sendable {
        /// Admission control shed it, for this reason.
        case shed(String)
        /// No backend was up and eligible for it.
        case noBackend
        /// Its client left while it waited (counted as abandoned).
        case clientLeft
    }

    /// The request ended without reaching a backend: shed, no backend up, or its client left while it waited.
    /// It is counted by `reason`, once; a twin following the traffic forgets it. (A request that is on a backend,
    /// or has already ended, is left as it is.)
    public func unrouted(_ info: RequestInfo, reason: Unrouted) {
        state.withLock { state in
            let id = info.id.rawValue
            guard state.requests[id] == nil, state.awaitingRoute.remove(id) != nil else { return }
            switch reason {
            case .shed(let why):
                state.shed += 1
                state.lastShedReason = why
            case .noBackend: state.unserved += 1
            case .clientLeft: state.abandoned += 1
            }
            state.twinFeed?.append(.ended(request: id, outputTokens: 0, latency: nil, routed: false))
        }
    }

    // MARK: - Twin feed

    /// Starts recording the traffic for a twin. - Returns: the requests in flight now, each on its backend, in
    /// arrival order, to seed the twin with.
    public func startTwinFeed(now: Double) -> [TwinFeedEvent] {
        state.withLock { state in
            state.twinFeed = []
            let down = state.backends.indices.filter { !state.backends[$0].up }.map {
                TwinFeedEvent.health(backend: $0, up: false, at: now)
            }
            return down + state.inFlightForTwin
        }
    }

    /// What happened since the last call, and the requests in flight now (each on its backend, in arrival order),
    /// read together so that nothing falls between them (a twin restarting). Empty when no twin follows.
    public func drainTwinFeedWithInFlight() -> (feed: [TwinFeedEvent], inFlight: [TwinFeedEvent]) {
        state.withLock { state in
            guard let feed = state.twinFeed else { return ([], []) }
            state.twinFeed = []
            return (feed, state.inFlightForTwin)
        }
    }

    /// Stops recording the traffic for a twin.
    public func stopTwinFeed() { state.withLock { $0.twinFeed = nil } }

    /// What happened since the last call, in order (empty when no twin follows).
    public func drainTwinFeed() -> [TwinFeedEvent] {
        state.withLock { state in
            guard let feed = state.twinFeed else { return [] }
            state.twinFeed = []
            return feed
        }
    }

    /// Asks the policy where `info` goes, and records it there when routed.
    /// - Parameters:
    ///   - info: The request, from ``arrive(_:now:)``.
    ///   - now: The current time.
    ///   - held: True when the request is already in the router's queue from an earlier `.hold`.
    ///   - eligible: The backends that serve the request's model; nil for all.
    ///   - mayHold: False once a held request has waited its limit: a hold then goes to the least-loaded backend.
    /// - Returns: the backend to send it to, a hold, or `.noBackend` when none is up and eligible.
    public func route(
        _ info: RequestInfo,
        now: Double,
        held: Bool = false,
        eligible: Set<Int>? = nil,
        mayHold: Bool = true
    ) -> Admission {
        let (admission, wake) = state.withLock { state -> (Admission, [CheckedContinuation<Void, Never>]) in
            let queued = state.heldQueue.count
            let admission = route(info, now: now, held: held, eligible: eligible, mayHold: mayHold, in: &state)
            // A request that left the queue may have been the head: the next ones may go now.
            return (admission, state.heldQueue.count < queued ? state.changed() : [])
        }
        for continuation in wake { continuation.resume() }
        return admission
    }

    private func route(
        _ info: RequestInfo,
        now: Double,
        held: Bool,
        eligible: Set<Int>?,
        mayHold: Bool,
        in state: inout State
    ) -> Admission {
        let id = info.id.rawValue
        let healthy = state.backends.indices.filter { state.backends[$0].up && (eligible?.contains($0) ?? true) }
        guard !healthy.isEmpty else {
            if held { state.removeHeld(id) }
            return .noBackend
        }
        // A/B split: odd-numbered requests go to the B policy, even ones to A, on the same cluster.
        let arm = state.comparison != nil && id % 2 == 1 ? 1 : 0
        // First in, first out: while earlier requests of this arm that could use the same backends are held, a
        // newer one waits behind them without asking the policy.
        if mayHold, state.heldQueue.waitsBehind(id, arm: arm, eligible: eligible) {
            if !held {
                state.heldQueue.append(RouterQueue.Entry(id: id, arm: arm, eligible: eligible))
            }
            return .hold
        }
        var view = state.view(now: now, cost: cost, buckets: buckets, arm: arm, excludingHeld: held ? 1 : 0)
        view.tieBreak = id
        state.expectCachedTokens(of: info, in: &view, now: now)
        if let eligible {
            for index in view.instances.indices where !eligible.contains(index) {
                view.instances[index].healthy = false
            }
        }
        var decision: RoutingDecision
        let policyName: String
        // In place (optional chaining), so the comparison's windows are not copied under the lock.
        if arm == 1, let routed = state.comparison?.policy.route(info, in: view), let name = state.comparison?.name {
            decision = routed
            policyName = name
        } else {
            decision = state.policy.route(info, in: view)
            policyName = state.policyName
        }
        // The decision log marks the backends that could not take the request.
        func record(_ decision: RoutingDecision) {
            let eligible = view.instances.map(\.healthy)
            state.decisions.append(
                DecisionRecord(
                    time: now,
                    request: info,
                    decision: decision,
                    policy: policyName,
                    eligible: eligible,
                    cachedTokens: info.prefix == nil ? nil : view.instances.map(\.expectedCachedTokens)
                )
            )
        }
        let target: Int
        switch RoutingRules.settle(&decision, in: view, mayHold: mayHold, name: { descriptors[$0].name }) {
        case .hold:
            if !held {
                state.heldQueue.append(RouterQueue.Entry(id: id, arm: arm, eligible: eligible))
                record(decision)
            }
            return .hold
        case .instance(let index):
            target = index
        case .none:
            if held { state.removeHeld(id) }
            return .noBackend
        }
        if held { state.removeHeld(id) }
        state.awaitingRoute.remove(id)
        let cached = view.instances[target].expectedCachedTokens
        state.admit(info, to: target, arm: arm, buckets: buckets, cachedTokens: cached, now: now)
        record(decision)
        return .routed(Ticket(info: info, backend: target, policy: policyName))

    }

    /// A held request gave up waiting (its client left).
    public func leaveQueue(_ info: RequestInfo) {
        // Its own wait, if any, is resumed with the others, after the lock is released.
        let own = changing { state in
            state.removeHeld(info.id.rawValue)
            return state.waiters.removeValue(forKey: info.id.rawValue)
        }
        own?.resume()
    }

    /// The request's first token arrived; with `seen` false, its response began and the first token cannot be seen
    /// (Envoy sends the endpoint picker no response body): the ledger counts it as decoding from now, and no TTFT
    /// is recorded for it.
    public func firstToken(_ ticket: Ticket, now: Double, seen: Bool = true) {
        changing { state in
            guard var record = state.requests[ticket.info.id.rawValue], record.firstToken == nil else { return }
            record.firstToken = now
            record.firstTokenSeen = seen
            state.requests[ticket.info.id.rawValue] = record
            state.backends[ticket.backend].startDecode(record)
        }
    }

    /// More tokens streamed back (one SSE chunk is one token for vLLM, SGLang and llama.cpp).
    public func streamed(_ ticket: Ticket, tokens: Int, now: Double) {
        guard tokens > 0 else { return }
        state.withLock { state in
            guard var record = state.requests[ticket.info.id.rawValue] else { return }
            record.streamed += tokens
            state.requests[ticket.info.id.rawValue] = record
            state.backends[ticket.backend].ledger.stream(tokens, decoding: record.firstToken != nil)
        }
    }

    /// The request ended; removes it from the ledger and records its latencies when it completed.
    /// - Returns: when its first token came (nil when not seen) and how many tokens it streamed, or nil when it had
    ///   already ended.
    @discardableResult
    public func finish(_ ticket: Ticket, outcome: Outcome, now: Double) -> (firstToken: Double?, streamed: Int)? {
        let id = ticket.info.id.rawValue
        return changing { state in
            guard let record = state.requests.removeValue(forKey: id) else { return nil }
            state.backends[ticket.backend].remove(record)
            switch outcome {
            case .completed(let completionTokens):
                let first = record.firstTokenSeen ? record.firstToken ?? now : nil
                let e2e = now - record.info.arrival
                let ttft = first.map { $0 - record.info.arrival }
                let tokens = max(completionTokens ?? record.streamed, record.firstToken == nil ? 0 : 1)
                state.window.add(finished: now, e2e: e2e, ttft: ttft, firstToken: first, outputTokens: tokens)
                state.backends[ticket.backend].window.add(
                    finished: now,
                    e2e: e2e,
                    ttft: ttft,
                    firstToken: first,
                    outputTokens: tokens
                )
                state.backends[ticket.backend].window.trim(now: now)
                state.completed += 1
                state.backends[ticket.backend].completed += 1
                if state.comparison?.generation == record.comparison {
                    // In place (optional chaining): copying the comparison would copy its windows under the lock.
                    state.comparison?.windows[record.arm].add(
                        finished: now,
                        e2e: e2e,
                        ttft: ttft,
                        firstToken: first,
                        outputTokens: tokens
                    )
                    state.comparison?.completed[record.arm][ticket.backend] += 1
                }
                let latency = MeasuredLatency(e2e: e2e, ttft: ttft)
                state.twinFeed?.append(.ended(request: id, outputTokens: tokens, latency: latency, routed: true))
            case .backendFailed:
                state.failed += 1
                state.backends[ticket.backend].failed += 1
                state.twinFeed?.append(.ended(request: id, outputTokens: record.streamed, latency: nil, routed: true))
            case .abandoned:
                state.abandoned += 1
                state.twinFeed?.append(.ended(request: id, outputTokens: record.streamed, latency: nil, routed: true))
            case .rerouted:
                // Off its backend, not ended: it is routed again or ends unrouted.
                state.awaitingRoute.insert(id)
            }
            state.window.trim(now: now)
            return (record.firstTokenSeen ? record.firstToken : nil, record.streamed)
        }
    }

    // MARK: - Backends

    /// A scrape of `backend`'s `/metrics` succeeded.
    public func recordScrape(_ backend: Int, metrics: EngineMetrics, now: Double) {
        changing { state in
            guard state.backends.indices.contains(backend) else { return }
            state.backends[backend].metrics = metrics
            state.backends[backend].engineWindow.record(metrics, at: now)
            if let capacity = metrics.kvCapacityTokens, capacity > 0 {
                state.prefixIndex.capacityTokens[backend] = capacity
            }
            state.backends[backend].freshness.recordGoodScrape(at: now)
            state.backends[backend].scrapeError = nil
        }
    }

    /// Sets a backend's KV capacity in tokens when its metrics do not publish it (llama.cpp: the sum of its slots'
    /// `n_ctx` from `/slots`). KV usage is then estimated from the router's ledger.
    public func setKVCapacity(_ backend: Int, tokens: Int) {
        guard tokens > 0 else { return }
        state.withLock { state in
            guard state.backends.indices.contains(backend) else { return }
            state.backends[backend].ledger.kvCapacityTokens = tokens
            state.prefixIndex.capacityTokens[backend] = tokens
        }
    }

    /// A scrape failed or was unusable; the last good metrics age and become stale.
    public func recordScrapeFailure(_ backend: Int, reason: String) {
        state.withLock { state in
            guard state.backends.indices.contains(backend) else { return }
            state.backends[backend].scrapeError = reason
        }
    }

    /// Takes `backend` out of rotation. Returns true when it was up.
    @discardableResult
    public func markDown(_ backend: Int, reason: String, now: Double) -> Bool {
        changing { state in
            guard state.backends.indices.contains(backend), state.backends[backend].up else { return false }
            state.backends[backend].up = false
            state.backends[backend].downReason = reason
            state.backends[backend].downSince = now
            state.markers.mark(.burst, "\(descriptors[backend].name) down", at: now)
            state.twinFeed?.append(.health(backend: backend, up: false, at: now))
            return true
        }
    }

    /// Puts `backend` back after its `/health` passed. Returns true when it was down and may come back: an
    /// ejected backend stays out until its ejection time has passed.
    @discardableResult
    public func markUp(_ backend: Int, now: Double) -> Bool {
        changing { state in
            guard state.backends.indices.contains(backend), !state.backends[backend].up else { return false }
            if let until = state.backends[backend].ejectedUntil, now < until { return false }
            state.backends[backend].up = true
            state.backends[backend].downReason = nil
            state.backends[backend].downSince = nil
            state.backends[backend].ejectedUntil = nil
            state.backends[backend].consecutiveServerErrors = 0
            state.twinFeed?.append(.health(backend: backend, up: true, at: now))
            return true
        }
    }

    /// Counts a reply of `backend` for outlier detection: a 5xx (`serverError`) adds to its run of failures, any
    /// other reply ends the run.
    /// - Returns: the reason when this reply ejected the backend, else nil.
    @discardableResult
    public func recordReply(_ backend: Int, serverError: Bool, now: Double) -> String? {
        // Only an ejection is an event for held requests; a reply that ejects nothing wakes no one.
        let (reason, wake) = state.withLock { state -> (String?, [CheckedContinuation<Void, Never>]) in
            guard state.backends.indices.contains(backend) else { return (nil, []) }
            guard serverError else {
                state.backends[backend].consecutiveServerErrors = 0
                return (nil, [])
            }
            state.backends[backend].consecutiveServerErrors += 1
            let limit = outlierDetection.consecutiveServerErrors
            guard limit > 0, state.backends[backend].up, state.backends[backend].consecutiveServerErrors >= limit,
                state.backends.indices.contains(where: { $0 != backend && state.backends[$0].up })
            else { return (nil, []) }
            state.backends[backend].ejections += 1
            let time = outlierDetection.ejectionTime(ejections: state.backends[backend].ejections)
            let reason = "ejected for \(Int(time.rounded())) s after \(limit) consecutive 5xx replies"
            state.backends[backend].up = false
            state.backends[backend].downReason = reason
            state.backends[backend].downSince = now
            state.backends[backend].ejectedUntil = now + time
            state.backends[backend].consecutiveServerErrors = 0
            state.markers.mark(.burst, "\(descriptors[backend].name) ejected", at: now)
            state.twinFeed?.append(.health(backend: backend, up: false, at: now))
            return (reason, state.changed())
        }
        for continuation in wake { continuation.resume() }
        return reason
    }

    public func isUp(_ backend: Int) -> Bool {
        state.withLock { $0.backends.indices.contains(backend) && $0.backends[backend].up }
    }

    // MARK: - Operator

    public var policyName: String { state.withLock { $0.policyName } }

    /// Builds a policy of the menu by name (a twin routes by the same policies).
    /// - Throws: ``ClusterBackendError/unknownPolicy(_:known:)``, or what building it throws.
    public func makePolicy(_ name: String) throws -> any RoutingPolicy { try menu.make(name) }

    /// The length predictor every arriving request passes through.
    public var lengthPredictor: any LengthPredictor { predictor }

    /// Switches the policy; requests already routed are not moved.
    /// - Throws: ``ClusterBackendError/unknownPolicy(_:known:)``, or what building the policy throws.
    public func setPolicy(_ name: String, now: Double) throws {
        let policy = try menu.make(name)
        changing { state in
            state.policy = policy
            state.policyName = name
            state.markers.mark(.policy, name, at: now)
            state.twinFeed?.append(.policy(name, at: now))
        }
    }

    /// The B policy of the live A/B split, or nil.
    public var comparisonName: String? { state.withLock { $0.comparison?.name } }

    /// Starts a live A/B split against `name` (every other request is routed by it, on the same cluster), or
    /// stops it (nil). Latencies and completions are counted per arm from the moment it starts.
    /// - Throws: ``ClusterBackendError/unknownPolicy(_:known:)``, or what building the policy throws.
    public func setComparison(_ name: String?, now: Double) throws {
        guard let name else {
            state.withLock { $0.comparison = nil }
            return
        }
        let policy = try menu.make(name)
        changing { state in
            state.comparisons += 1
            state.comparison = Comparison(
                name: name,
                policy: policy,
                generation: state.comparisons,
                windows: Array(repeating: RecentWindow(splitFrom: state.window, at: now), count: 2),
                completed: Array(repeating: Array(repeating: 0, count: state.backends.count), count: 2)
            )
            state.markers.mark(.policy, "A/B vs \(name)", at: now)
        }
    }

    /// Puts an operator's marker on the console's timeline (a twin started).
    public func noteMarker(_ label: String, now: Double) {
        state.withLock { $0.markers.mark(.policy, label, at: now) }
    }

    /// Notes a burst the load generator started, for the console's markers.
    public func noteBurst(_ kind: BurstKind, requests: Int, now: Double) {
        state.withLock { state in
            state.markers.mark(.burst, kind.rawValue, at: now)
        }
    }

    // MARK: - Reading

    /// The cluster as the console draws it.
    public func snapshot(now: Double, workload: String = "live traffic") -> ClusterSnapshot {
        state.withLock { state in
            state.window.trim(now: now)
            let rates = state.window.rates(now: now)
            let comparing = state.comparison != nil
            let instances = state.backends.indices.map { index in
                comparing
                    ? state.armSnapshot(index, arm: 0, now: now, buckets: buckets)
                    : state.instanceSnapshot(index, now: now, buckets: buckets)
            }
            state.markers.trim(now: now)
            var twin: TwinSnapshot? = nil
            var windowA = state.window
            for arm in 0..<2 { state.comparison?.windows[arm].trim(now: now) }
            if let comparison = state.comparison {
                windowA = comparison.windows[0]
                let windowB = comparison.windows[1]
                twin = TwinSnapshot(
                    policy: comparison.name,
                    instances: state.backends.indices.map { state.armSnapshot($0, arm: 1, now: now, buckets: buckets) },
                    routerQueue: state.queued(arm: 1),
                    completed: comparison.completed[1].reduce(0, +),
                    e2e: windowB.e2e(),
                    ttft: windowB.ttft(),
                    tbt: windowB.tbt(),
                    history: windowB.history(now: now),
                    recentDecisions: state.decisions.recent(policy: comparison.name)
                )
            }
            var snapshot = ClusterSnapshot(
                mode: .live,
                workload: workload,
                policy: state.policyName,
                clock: now,
                speed: 1,
                paused: false,
                instances: instances,
                routerQueue: twin == nil ? state.routerQueue : state.queued(arm: 0),
                arrivalsPerSecond: rates.arrivals,
                completionsPerSecond: rates.completions,
                tokensPerSecond: rates.tokens,
                arrived: state.arrived,
                completed: twin == nil ? state.completed : (state.comparison?.completed[0].reduce(0, +) ?? 0),
                e2e: windowA.e2e(),
                ttft: windowA.ttft(),
                tbt: windowA.tbt(),
                history: windowA.history(now: now),
                markers: state.markers.recent(now: now),
                recentDecisions: state.decisions.recent(),
                bucketLabels: (0..<buckets.count).map { buckets.label(of: $0) },
                twin: twin
            )
            snapshot.prefixHitRate = state.clusterPrefixHitRate
            snapshot.imbalance = imbalance.describe(instances)
            let engines = instances.compactMap(\.engine)
            if !engines.isEmpty {
                let tokens = engines.compactMap(\.generationTokensPerSecond)
                let requests = engines.compactMap(\.requestsPerSecond)
                snapshot.engineTokensPerSecond = tokens.isEmpty ? nil : tokens.reduce(0, +)
                snapshot.engineCompletionsPerSecond = requests.isEmpty ? nil : requests.reduce(0, +)
            }
            if state.admissionHeld > 0 || state.shed > 0 {
                snapshot.admission = AdmissionSnapshot(
                    waiting: state.admissionWaiting,
                    held: state.admissionHeld,
                    shed: state.shed,
                    lastShedReason: state.lastShedReason
                )
            }
            return snapshot
        }
    }

    /// Each backend's health and metrics trust, for `/admin/state` and the logs.
    public func backendStatus(now: Double) -> [BackendStatus] {
        state.withLock { state in
            state.backends.enumerated().map { index, backend in
                let observed = state.observed(index, now: now)
                return BackendStatus(
                    name: backend.descriptor.name,
                    url: backend.descriptor.url,
                    engine: (backend.metrics?.kind ?? backend.descriptor.kind ?? .unknown).rawValue,
                    up: backend.up,
                    downReason: backend.downReason,
                    metrics: observed.trust.label,
                    scrapeError: backend.scrapeError,
                    outstanding: backend.ledger.outstanding,
                    completed: backend.completed,
                    failed: backend.failed
                )
            }
        }
    }

    /// The view a policy would see now.
    public func view(now: Double) -> ClusterView {
        state.withLock { $0.view(now: now, cost: cost, buckets: buckets) }
    }

    // MARK: - Admission control

    /// The request's predicted TTFT on the best eligible up backend now, and on an idle one (its floor); nil when
    /// none is up.
    public func predictedTTFT(_ info: RequestInfo, eligible: Set<Int>?, now: Double) -> (best: Double, floor: Double)? {
        state.withLock { state in
            var view = state.view(now: now, cost: cost, buckets: buckets)
            state.expectCachedTokens(of: info, in: &view, now: now)
            var best = Double.infinity
            var mostCached = 0
            for index in view.instances.indices where state.backends[index].up && (eligible?.contains(index) ?? true) {
                let instance = view.instances[index]
                let ttft = AdmissionVerdict.predictedTTFT(
                    on: instance,
                    promptTokens: info.promptTokens,
                    cachedTokens: instance.expectedCachedTokens,
                    cost: cost
                )
                best = min(best, ttft)
                mostCached = max(mostCached, instance.expectedCachedTokens)
            }
            guard best.isFinite else { return nil }
            let floor = cost.fixed + Double(max(0, info.promptTokens - mostCached)) * cost.perPrefillToken
            return (best, floor)
        }
    }

    /// `info` starts waiting for its objective (`true`), or stops (`false`). While it waits, every event that may
    /// let held requests go resumes its ``waitForTurn(_:after:)``.
    public func admissionWait(_ info: RequestInfo, _ waiting: Bool) {
        state.withLock { state in
            if waiting {
                state.admissionWaiters.insert(info.id.rawValue)
                state.admissionHeld += 1
            } else {
                state.admissionWaiters.remove(info.id.rawValue)
            }
        }
    }

    /// Counts since start. Every arrival is in one of the others: completed, failed by a backend, abandoned (its
    /// client left, on a backend or while it waited, or a backend refused it with a 4xx), shed, unserved (no backend
    /// could take it), on a backend (`inFlight`), or `waiting` to be routed. The exception: a request retried on
    /// another backend after a 5xx also counts that failure, so ``Totals/accounted`` exceeds `arrived` by one for
    /// each such retry.
    public var totals: Totals {
        state.withLock {
            Totals(
                arrived: $0.arrived,
                completed: $0.completed,
                failed: $0.failed,
                abandoned: $0.abandoned,
                shed: $0.shed,
                unserved: $0.unserved,
                inFlight: $0.requests.count,
                waiting: $0.awaitingRoute.count
            )
        }
    }

    /// See ``totals``.
    public struct Totals: Sendable, Equatable {
        public var arrived: Int
        public var completed: Int
        public var failed: Int
        public var abandoned: Int
        public var shed: Int
        public var unserved: Int
        public var inFlight: Int
        public var waiting: Int

        /// The sum of the outcomes and of the requests still open: `arrived` plus the retries after a 5xx.
        public var accounted: Int { completed + failed + abandoned + shed + unserved + inFlight + waiting }
    }
}

/// One backend's health as `/admin/state` reports it.
public struct BackendStatus: Sendable, Equatable, Codable {
    public var name: String
    public var url: String
    public var engine: String
    public var up: Bool
    public var downReason: String?
    /// `trusted`, `stale` or `missing`.
    public var metrics: String
    public var scrapeError: String?
    public var outstanding: Int
    public var completed: Int
    public var failed: Int

    enum CodingKeys: String, CodingKey {
        case name, url, engine, up, metrics, outstanding, completed, failed
        case downReason = "down_reason"
        case scrapeError = "scrape_error"
    }
}

extension MetricsTrust {
    var label: String {
        switch self {
        case .trusted: "trusted"
        case .stale: "stale"
        case .missing: "missing"
        }
    }
}

/// One backend as the engine monitors show it: its health, its last scrape, and what its counters and histograms
/// say about the last minute and since it started (`switchyard top`).
public struct EngineReport: Sendable {
    public var name: String
    public var url: String
    public var engine: String
    public var health: InstanceHealth
    /// Why it is down or stale.
    public var note: String?
    public var metrics: EngineMetrics?
    public var window: EngineSideStats?
    /// The window's histograms, for merging across backends.
    public var histograms: LatencyHistograms?
}

extension LiveRouter {
    /// Every backend as the engine monitors show it.
    public func engineReports(now: Double) -> [EngineReport] {
        state.withLock { state in
            state.backends.enumerated().map { index, backend in
                let instance = state.instanceSnapshot(index, now: now, buckets: buckets)
                return EngineReport(
                    name: backend.descriptor.name,
                    url: backend.descriptor.url,
                    engine: (backend.metrics?.kind ?? backend.descriptor.kind ?? .unknown).rawValue,
                    health: instance.health,
                    note: instance.healthNote,
                    metrics: backend.metrics,
                    window: instance.engine,
                    histograms: backend.engineWindow.histograms()
                )
            }
        }
    }
}

extension [EngineReport] {
    /// The latencies of the backends that are not down, their window's histograms merged.
    public var mergedLatency: InstanceLatency {
        LatencyHistograms.merged(filter { $0.health != .down }.compactMap(\.histograms)).summary
    }
}

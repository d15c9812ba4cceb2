import Engine
import HeapModule
import RouterCore
import Routing
import SwitchyardCore

/// A discrete-event simulation of N engine instances behind one router.
///
/// Events are kept in a heap ordered by time and then by submission order, so a run is deterministic for a seed.
/// Arrivals come from the workload (sorted) and from injected bursts; each is predicted, then routed by the policy
/// through a ``ClusterView`` built as a real router would know it: the engines' gauges as last sampled (every
/// `scrapeInterval` seconds, as `serve` scrapes `/metrics`; exact when it is 0) plus the router's own ledger of what
/// it sent where and the tokens streamed back. A policy may hold a request: it then waits in the central router
/// queue, which is retried every `routerTick` seconds in FIFO order.
public struct Simulation: Sendable {
    public let config: SimulationConfig
    public private(set) var engines: [Engine]
    /// The router's ledger per instance (the engine-metric fields are refreshed before each decision).
    public private(set) var loads: [InstanceLoad]
    var trueOutputOutstanding: [Int]
    var busy: [Bool]
    var pending: [[EngineEvent]]
    var lastIteration: [IterationSummary]
    public private(set) var policy: any RoutingPolicy
    /// Whether the policy learns from completions (a DQN router), so that it is told of each.
    var learns = false
    public let predictor: any LengthPredictor

    var workload: [Request]
    var nextArrival = 0
    var injected: Heap<Timed> = []
    var injectedRequests: [Request] = []
    var events: Heap<Timed> = []
    var sequence = 0
    /// The router's central queue (shared with the live gateway); entries are request indices.
    var routerQueue = RouterQueue()
    var tickScheduled = false
    /// The engines' gauges as last scraped: waiting, running, KV usage.
    var scraped: [(waiting: Int, running: Int, kvUsage: Double)]
    var nextScrape = 0.0
    /// When the gauges were last sampled.
    var scrapedAt = 0.0
    /// The router's record of the prefixes it sent where (never the engines' caches).
    public private(set) var prefixIndex: PrefixIndex
    /// Whether the last view carried a request's expected cached tokens (then the next one resets them).
    var viewHasPrefix = false

    public private(set) var records: [RequestRecord]
    public private(set) var metrics = SimulationMetrics()
    public private(set) var now = 0.0
    public private(set) var arrived = 0
    /// When true, decisions and completions are appended to ``decisionLog`` and ``completionLog`` for the owner to
    /// drain (the live cluster does; `bench` does not, to stay fast).
    public var logging = false
    public var decisionLog: [DecisionRecord] = []
    public var completionLog: [RequestRecord] = []
    /// When not nil, every input of the router is appended to it, in order (tests; costs time per token).
    public var tape: [RouterInput]? = nil
    /// Predictions made elsewhere (a live twin's requests carry the gateway's), by request index.
    var givenPredictions: [Int: LengthPrediction] = [:]
    /// Requests that go to a fixed instance without asking the policy (a twin's requests that were already in
    /// flight when it started), by request index.
    var pinned: [Int: Int] = [:]

    struct Timed: Comparable {
        var time: Double
        var sequence: Int
        /// Instance index for an iteration end, -1 for a router tick, or the injected-request index.
        var payload: Int
        static func < (a: Timed, b: Timed) -> Bool { a.time != b.time ? a.time < b.time : a.sequence < b.sequence }
    }

    /// - Parameters:
    ///   - config: the cluster.
    ///   - policy: the routing policy.
    ///   - predictor: the length predictor every request passes through.
    ///   - workload: requests sorted by arrival, with ids 0..<n in that order.
    public init(
        config: SimulationConfig,
        policy: any RoutingPolicy,
        predictor: any LengthPredictor,
        workload: [Request]
    ) {
        self.config = config
        var engineConfig = config.profile.engineConfig(chunkedPrefill: config.chunkedPrefill)
        engineConfig.prefixCaching = config.prefixCaching
        engines = Array(repeating: Engine(config: engineConfig), count: config.instances)
        loads = (0..<config.instances).map {
            InstanceLoad(
                id: InstanceID($0),
                buckets: config.buckets.count,
                kvCapacityTokens: engineConfig.kvBlocks * engineConfig.blockSize,
                maxBatchSize: engineConfig.maxBatchSize
            )
        }
        trueOutputOutstanding = Array(repeating: 0, count: config.instances)
        prefixIndex = PrefixIndex(
            capacityTokens: Array(repeating: engineConfig.kvBlocks * engineConfig.blockSize, count: config.instances)
        )
        scraped = Array(repeating: (0, 0, 0), count: config.instances)
        busy = Array(repeating: false, count: config.instances)
        pending = Array(repeating: [], count: config.instances)
        lastIteration = Array(
            repeating: IterationSummary(duration: 0, prefillTokens: 0, decodeTokens: 0),
            count: config.instances
        )
        self.policy = policy
        learns = policy is RLPolicy
        self.predictor = predictor
        self.workload = workload
        records = workload.map {
            RequestRecord(
                arrival: $0.arrival,
                promptTokens: $0.promptTokens,
                outputTokens: $0.outputTokens,
                measured: true
            )
        }
        records.reserveCapacity(workload.count + 64)
    }

    /// Longest prompt + output an instance accepts.
    public var maxModelLen: Int { engines.first?.config.maxModelLen ?? .max }

    /// The instances' prefix-cache counters: prompt tokens looked up, and found.
    public var prefixCacheTotals: (queries: Int, hits: Int) {
        engines.reduce((0, 0)) { ($0.0 + $1.prefixQueries, $0.1 + $1.prefixHits) }
    }

    /// Requests not finished: queued in the router, waiting or running on an instance, or yet to arrive.
    public var unfinished: Int { records.count - metrics.completedAll }
    public var routerQueueLength: Int { routerQueue.count }
    public var isDone: Bool {
        nextArrival >= workload.count && injected.isEmpty && events.isEmpty && routerQueue.isEmpty
    }
    /// Time of the next event, or nil when there is none.
    public var nextEventTime: Double? {
        var next = events.min?.time
        if nextArrival < workload.count { next = min(next ?? .infinity, workload[nextArrival].arrival) }
        if let i = injected.min { next = min(next ?? .infinity, i.time) }
        return next
    }

    public mutating func setPolicy(_ newPolicy: any RoutingPolicy) {
        policy = newPolicy
        learns = newPolicy is RLPolicy
    }

    /// Takes an instance out of the router's choices, or puts it back (a live twin following a backend's health).
    /// What it already runs carries on.
    public mutating func setHealthy(_ instance: Int, _ healthy: Bool) {
        guard loads.indices.contains(instance) else { return }
        loads[instance].healthy = healthy
    }

    /// Adds requests that arrive later (a burst); their ids are assigned here, after every existing one.
    /// - Returns: the ids given.
    @discardableResult
    public mutating func inject(_ requests: [Request], measured: Bool = false) -> [RequestID] {
        var ids: [RequestID] = []
        for var request in requests {
            request.id = RequestID(records.count)
            records.append(
                RequestRecord(
                    arrival: request.arrival,
                    promptTokens: request.promptTokens,
                    outputTokens: request.outputTokens,
                    measured: measured
                )
            )
            injected.insert(Timed(time: request.arrival, sequence: nextSequence(), payload: injectedRequests.count))
            injectedRequests.append(request)
            ids.append(request.id)
        }
        return ids
    }

    /// Adds one request that arrives later with a prediction made elsewhere (the live gateway's), optionally sent
    /// to a fixed instance without asking the policy. - Returns: the id given.
    @discardableResult
    public mutating func inject(
        _ request: Request,
        measured: Bool,
        prediction: LengthPrediction,
        pinnedTo instance: Int? = nil
    ) -> RequestID {
        let id = inject([request], measured: measured)[0]
        givenPredictions[id.rawValue] = prediction
        if let instance, engines.indices.contains(instance) { pinned[id.rawValue] = instance }
        return id
    }

    /// Runs until no event is left.
    public mutating func runToCompletion() {
        while let t = nextEventTime { advance(until: t) }
    }

    /// Processes every event at or before `time`, then sets the clock to `time`.
    public mutating func advance(until time: Double) {
        while true {
            let eventTime = events.min?.time ?? .infinity
            let workloadTime = nextArrival < workload.count ? workload[nextArrival].arrival : .infinity
            let injectedTime = injected.min?.time ?? .infinity
            let earliest = min(eventTime, workloadTime, injectedTime)
            if config.scrapeInterval > 0, nextScrape <= min(earliest, time) {
                now = nextScrape
                // Idle ticks are skipped up to the next event, or to `time` when none comes before it (a twin
                // advanced in steps on an idle cluster whose clock started long ago).
                scrape(until: min(earliest, time))
                continue
            }
            if earliest > time || earliest == .infinity { break }
            now = earliest
            if eventTime <= workloadTime && eventTime <= injectedTime {
                guard let event = events.popMin() else { break }
                if event.payload >= 0 { iterationEnded(event.payload) } else { routerTick() }
            } else if workloadTime <= injectedTime {
                let request = workload[nextArrival]
                nextArrival += 1
                arrive(request)
            } else {
                guard let entry = injected.popMin() else { break }
                arrive(injectedRequests[entry.payload])
            }
        }
        if time.isFinite { now = max(now, time) }
    }

    /// Samples the engines' gauges as a scraper would at `now`, and sets the next scrape. While every engine is
    /// idle nothing changes, so the ticks up to `earliest` (the next event) are skipped.
    mutating func scrape(until earliest: Double) {
        scrapedAt = now
        for i in engines.indices {
            scraped[i] = (engines[i].waitingCount, engines[i].runningCount, engines[i].kvUsage)
            if tape != nil {
                let metrics = sample(scraped[i])
                tape?.append(.sampled(instance: i, metrics: metrics, at: now))
            }
        }
        let interval = config.scrapeInterval
        nextScrape += interval
        if !busy.contains(true), earliest.isFinite, nextScrape < earliest {
            nextScrape += ((earliest - nextScrape) / interval).rounded(.down) * interval
        }
    }

    mutating func nextSequence() -> Int {
        sequence += 1
        return sequence
    }

    // MARK: - Routing

    mutating func arrive(_ request: Request) {
        arrived += 1
        let index = request.id.rawValue
        let given = givenPredictions.isEmpty ? nil : givenPredictions.removeValue(forKey: index)
        let pinnedTo = pinned.isEmpty ? nil : pinned.removeValue(forKey: index)
        // As vLLM answers 400 to a request that cannot fit its context, the request ends here, routed nowhere.
        if request.promptTokens + request.outputTokens > maxModelLen {
            records[index].rejected = true
            records[index].finished = now
            metrics.rejected += 1
            metrics.completedAll += 1
            return
        }
        tape?.append(.arrived(request, at: now))
        let prediction = given ?? predictor.predict(PromptFeatures(request))
        records[index].predictedBucket = min(max(0, prediction.bucket), config.buckets.count - 1)
        records[index].predictedTokens = prediction.tokens
        if let instance = pinnedTo {
            // No view was built for it: the router's prefix index credits nothing.
            loads[instance].expectedCachedTokens = 0
            send(index, request: request, to: instance)
            return
        }
        if routerQueue.isEmpty, tryRoute(index, request: request) { return }
        routerQueue.append(RouterQueue.Entry(id: index))
        scheduleTick()
    }

    mutating func scheduleTick() {
        guard !tickScheduled else { return }
        tickScheduled = true
        events.insert(Timed(time: now + config.routerTick, sequence: nextSequence(), payload: -1))
    }

    mutating func routerTick() {
        tickScheduled = false
        while let index = routerQueue.first?.id {
            tape?.append(.retried(request: index, at: now))
            guard tryRoute(index, request: request(at: index)) else { break }
            routerQueue.removeFirst()
        }
        if !routerQueue.isEmpty { scheduleTick() }
    }

    func request(at index: Int) -> Request {
        index < workload.count ? workload[index] : injectedRequests[index - workload.count]
    }

    /// Asks the policy; on a pick, sends the request there. - Returns: false when it holds.
    mutating func tryRoute(_ index: Int, request: Request) -> Bool {
        let record = records[index]
        let info = RequestInfo(
            id: request.id,
            arrival: request.arrival,
            promptTokens: request.promptTokens,
            predictedBucket: record.predictedBucket,
            predictedOutputTokens: record.predictedTokens,
            hint: request.hint,
            trueOutputTokens: policy.usesTrueLengths ? request.outputTokens : nil,
            prefix: request.prefix
        )
        refreshLoads(oracle: info.trueOutputTokens != nil)
        expectCachedTokens(of: info)
        let held = routerQueue.first?.id == index
        let view = ClusterView(
            now: now,
            instances: loads,
            routerQueueLength: max(0, routerQueue.count - (held ? 1 : 0)),
            cost: config.profile.cost,
            buckets: config.buckets,
            completedRequests: metrics.completedAll,
            tieBreak: request.id.rawValue
        )
        var decision = policy.route(info, in: view)
        // The router's rules, as live: a request held past its limit goes to the instance with the fewest
        // outstanding requests rather than waiting on.
        let outcome = RoutingRules.settle(&decision, in: view, mayHold: now - request.arrival < config.holdLimit)
        // As live, a hold is logged once, when the request enters the queue, not at every retry.
        if logging, !(held && outcome == .hold) {
            decisionLog.append(
                DecisionRecord(
                    time: now,
                    request: info,
                    decision: decision,
                    policy: policy.name,
                    cachedTokens: info.prefix == nil ? nil : loads.map(\.expectedCachedTokens)
                )
            )
        }
        guard case .instance(let target) = outcome else { return false }
        send(index, request: request, to: target)
        return true
    }

    /// The engine metrics a scrape of these gauges gives.
    func sample(_ gauges: (waiting: Int, running: Int, kvUsage: Double)) -> EngineMetrics {
        EngineMetrics(kind: .vllm, waiting: gauges.waiting, running: gauges.running, kvUsage: gauges.kvUsage)
    }

    /// True when the router sees what a live one would: sampled gauges, and tokens as they stream back.
    var sampled: Bool { config.scrapeInterval > 0 }

    mutating func refreshLoads(oracle: Bool) {
        let sampled = self.sampled
        // The view is built as the live router builds it (RouterCore's InstanceLoadBuilder): the engine's gauges as
        // last sampled (or exact), with the same staleness rule; the ledger is the router's own.
        let freshness = MetricsFreshness(lastGoodScrape: sampled ? scrapedAt : now)
        for i in loads.indices {
            // Sampled, the ledger counts tokens as they reach the router (at the end of each iteration), as live.
            // Exact, it reads the engine's own counts, which include the tokens of the iteration in progress.
            if !sampled {
                loads[i].streamedTokens = engines[i].generatedTokens
                loads[i].decodeContextTokens = engines[i].decodeContextTokens
            }
            let gauges: (waiting: Int, running: Int, kvUsage: Double) =
                sampled ? scraped[i] : (engines[i].waitingCount, engines[i].runningCount, engines[i].kvUsage)
            _ = InstanceLoadBuilder.observe(&loads[i], metrics: sample(gauges), freshness: freshness, now: now)
            loads[i].trueRemainingDecodeTokens = oracle ? max(0, trueOutputOutstanding[i] - loads[i].streamedTokens) : 0
        }
    }

    /// Fills each instance's ``InstanceLoad/expectedCachedTokens`` for `info` from the router's prefix index.
    mutating func expectCachedTokens(of info: RequestInfo) {
        guard let prefix = info.prefix else {
            if viewHasPrefix {
                for i in loads.indices {
                    loads[i].expectedCachedTokens = 0
                    loads[i].prefixIndexTokens = 0
                }
                viewHasPrefix = false
            }
            return
        }
        prefixIndex.credit(&loads, for: prefix, promptTokens: info.promptTokens, now: now)
        viewHasPrefix = true
    }

    mutating func send(_ index: Int, request: Request, to instance: Int) {
        records[index].expectedCachedTokens = loads[instance].expectedCachedTokens
        let record = records[index]
        records[index].routed = now
        records[index].instance = instance
        if let prefix = request.prefix {
            prefixIndex.record(prefix, promptTokens: request.promptTokens, at: instance, now: now)
        }
        if record.measured { metrics.routerWait.record(now - record.arrival) }
        loads[instance].admit(ledgerEntry(record))
        trueOutputOutstanding[instance] += request.outputTokens
        engines[instance].submit(
            request,
            now: now,
            predictedTokens: Int(record.predictedTokens + 0.5),
            predictedBucket: record.predictedBucket
        )
        if !busy[instance] { startIteration(instance) }
    }

    /// A token produced by a prefill (the first, or the next after a recompute) reaches the router.
    mutating func streamOne(_ index: Int, instance: Int) {
        guard sampled else { return }
        loads[instance].stream(1, decoding: true)
        tape?.append(.streamed(request: index, tokens: 1, at: now))
    }

    /// Records on the tape the decode token of each request that decoded in the iteration that just ended on
    /// `instance`: those decoding now that did not start (or resume) in it, and those it finished.
    mutating func recordDecodeTokens(_ instance: Int, count: Int) {
        var prefilled = Set<Int>()
        var finished: [Int] = []
        for event in pending[instance] {
            switch event.kind {
            case .firstToken, .resumed: prefilled.insert(event.request.rawValue)
            case .finished: finished.append(event.request.rawValue)
            default: break
            }
        }
        var decoded = engines[instance].requestSnapshots().filter { $0.phase == .decode }.map(\.id)
        decoded += finished
        decoded.removeAll { prefilled.contains($0) }
        precondition(decoded.count == count, "tape: \(decoded.count) requests decoded, the iteration says \(count)")
        for id in decoded.sorted() { tape?.append(.streamed(request: id, tokens: 1, at: now)) }
    }

    func ledgerEntry(_ record: RequestRecord) -> LedgerEntry {
        LedgerEntry(
            promptTokens: record.promptTokens,
            predictedBucket: record.predictedBucket,
            promptBucket: config.buckets.bucket(of: record.promptTokens),
            predictedTokens: record.predictedTokens,
            cachedTokens: record.expectedCachedTokens
        )
    }

    // MARK: - Instances

    mutating func startIteration(_ instance: Int) {
        let clampedBefore = engines[instance].clamped
        if let summary = engines[instance].step(now: now, events: &pending[instance]) {
            busy[instance] = true
            lastIteration[instance] = summary
            events.insert(Timed(time: now + summary.duration, sequence: nextSequence(), payload: instance))
        } else {
            busy[instance] = false
        }
        metrics.clamped += engines[instance].clamped - clampedBefore
    }

    mutating func iterationEnded(_ instance: Int) {
        let summary = lastIteration[instance]
        metrics.tbt.record(summary.duration, times: summary.decodeTokens)
        metrics.prefillTokens += summary.prefillTokens
        metrics.decodeTokens += summary.decodeTokens
        if sampled {
            // The tokens of the sequences that were decoding reach the router now.
            loads[instance].stream(summary.decodeTokens, decoding: true)
            if tape != nil { recordDecodeTokens(instance, count: summary.decodeTokens) }
        }
        for event in pending[instance] { apply(event, instance: instance) }
        pending[instance].removeAll(keepingCapacity: true)
        startIteration(instance)
    }

    mutating func apply(_ event: EngineEvent, instance: Int) {
        let index = event.request.rawValue
        switch event.kind {
        case .admitted:
            if records[index].admitted.isNaN {
                records[index].admitted = event.time
                if records[index].measured { metrics.queueWait.record(event.time - records[index].routed) }
            }
        case .firstToken:
            records[index].firstToken = event.time
            let record = records[index]
            loads[instance].startDecode(ledgerEntry(record), streamed: 0)
            tape?.append(.firstToken(request: index, at: now))
            streamOne(index, instance: instance)
            if record.measured { metrics.ttft.record(record.ttft) }
        case .resumed:
            // To the router, a request that recomputed after a preemption was decoding all along.
            streamOne(index, instance: instance)
            if records[index].measured { metrics.tbt.record(event.value) }
        case .preempted:
            metrics.preemptions += 1
        case .finished:
            records[index].finished = event.time
            let record = records[index]
            // Exact, streamed tokens are re-read from the engine before each decision; sampled, they are the count
            // that reached the router: every token the request generated.
            loads[instance].remove(ledgerEntry(record), streamed: sampled ? Int(event.value) : 0, decoding: true)
            tape?.append(.finished(request: index, at: now))
            trueOutputOutstanding[instance] -= record.outputTokens
            metrics.completedAll += 1
            if learns { policy.observeCompletion(of: request(at: index).id, e2e: record.e2e) }
            if record.measured {
                metrics.completed += 1
                metrics.e2e.record(record.e2e)
            }
            if logging { completionLog.append(record) }
        }
    }
}

import DequeModule
import RouterCore
import Routing
import SwitchyardCore

/// One request the router sent and has not seen finish.
struct LiveRecord: Sendable {
    var info: RequestInfo
    var backend: Int
    var entry: LedgerEntry
    var firstToken: Double?
    /// False when `firstToken` only stands in for it (the response began; its first token was not seen).
    var firstTokenSeen = true
    var streamed = 0
    /// The A/B arm that routed it (0 = A, the main policy; 1 = B), tagged with the comparison it belongs to.
    var arm = 0
    var comparison = 0
}

/// A live A/B split: every other request is routed by the B policy on the same cluster.
struct Comparison: Sendable {
    var name: String
    var policy: any RoutingPolicy
    /// Numbers this comparison, so requests routed under an earlier one are not counted in it.
    var generation: Int
    /// Completed requests' latencies per arm: each starts as a copy of the router's window, counting from the
    /// split, so the sparklines keep the seconds before it.
    var windows: [RecentWindow]
    /// Completions per arm and backend.
    var completed: [[Int]]
}

/// What the router knows about one backend.
struct BackendState: Sendable {
    var descriptor: BackendDescriptor
    /// The router's own record: every ledger field of `InstanceLoad`. Engine fields come from `metrics`.
    var ledger: InstanceLoad
    var freshness: MetricsFreshness
    var metrics: EngineMetrics? = nil
    /// The engine's scrapes over the last minute, for its own latencies and rates.
    var engineWindow = EngineWindow()
    /// The gateway's measurements of the requests this backend completed, over the same minute.
    var window = RecentWindow()
    var scrapeError: String? = nil
    var up = true
    var downReason: String? = nil
    var downSince: Double? = nil
    var completed = 0
    var failed = 0
    /// 5xx replies in a row, for outlier detection.
    var consecutiveServerErrors = 0
    /// Times outlier detection took this backend out.
    var ejections = 0
    /// While ejected: the time before which `/health` passing does not bring it back.
    var ejectedUntil: Double? = nil

    mutating func admit(_ record: LiveRecord) { ledger.admit(record.entry) }

    mutating func startDecode(_ record: LiveRecord) { ledger.startDecode(record.entry, streamed: record.streamed) }

    mutating func remove(_ record: LiveRecord) {
        ledger.remove(record.entry, streamed: record.streamed, decoding: record.firstToken != nil)
    }
}

extension LiveRouter {
    struct State: Sendable {
        var backends: [BackendState]
        var policyName: String
        var policy: any RoutingPolicy
        var requests: [Int: LiveRecord] = [:]
        var nextRequest = 0
        var arrived = 0
        var completed = 0
        var failed = 0
        var abandoned = 0
        /// Requests that ended without a backend to serve them (none up, or none eligible).
        var unserved = 0
        /// Requests that arrived and are not on a backend yet and have not ended: waiting for admission, held in
        /// the router queue, being routed, or between two backends (a retry). Each leaves by being routed, or by
        /// ``LiveRouter/unrouted(_:reason:)``, which counts how it ended, so that no arrival goes uncounted.
        var awaitingRoute: Set<Int> = []
        /// Admission control: requests waiting now for their TTFT objective, that have waited, and shed.
        var admissionWaiters: Set<Int> = []
        var admissionWaiting: Int { admissionWaiters.count }
        var admissionHeld = 0
        var shed = 0
        var lastShedReason: String? = nil
        /// While a twin follows the traffic: what happened since it last read (``LiveRouter/drainTwinFeed()``).
        var twinFeed: [TwinFeedEvent]? = nil
        /// The router's central queue: requests the policy held, oldest first. Only the oldest asks the policy
        /// again; newer arrivals queue behind it, as in the simulator.
        var heldQueue = RouterQueue()
        var routerQueue: Int { heldQueue.count }
        /// Events that may let held requests go (see ``LiveRouter/changeCount``).
        var changes = 0
        /// Held requests waiting for an event, by request id.
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]

        /// Takes `id` out of the router queue.
        mutating func removeHeld(_ id: Int) { heldQueue.remove(id: id) }

        /// Notes an event: the waiting heads of the queue are taken out, for the caller to resume outside the lock.
        mutating func changed() -> [CheckedContinuation<Void, Never>] {
            changes &+= 1
            guard !waiters.isEmpty else { return [] }
            // The heads of the router queue, and every request waiting for its TTFT objective (any event may
            // change its prediction).
            return heldQueue.heads().compactMap { waiters.removeValue(forKey: $0) }
                + admissionWaiters.compactMap { waiters.removeValue(forKey: $0) }
        }

        /// Held requests of one A/B arm (0 when there is no split).
        func queued(arm: Int) -> Int { heldQueue.count(arm: arm) }

        var window = RecentWindow()
        var comparison: Comparison? = nil
        var comparisons = 0
        var decisions = DecisionLog()
        var markers = MarkerLog()
        /// The router's record of the prefixes it sent where (never the engines' caches).
        var prefixIndex: PrefixIndex

        init(backends: [BackendState], policyName: String, policy: any RoutingPolicy) {
            self.backends = backends
            self.policyName = policyName
            self.policy = policy
            // Until a backend publishes its KV capacity: llm-d's default, 31,250 blocks of 16 tokens.
            self.prefixIndex = PrefixIndex(capacityTokens: Array(repeating: 500_000, count: backends.count))
        }

        /// The cluster's prefix-cache hit rate: hits over queries summed over the backends that count them (vLLM),
        /// else the mean of the rates they publish (SGLang); nil when none publishes either.
        var clusterPrefixHitRate: Double? {
            var queries = 0.0
            var hits = 0.0
            var rates: [Double] = []
            for backend in backends {
                guard let metrics = backend.metrics else { continue }
                if let q = metrics.prefixCacheQueriesTotal, let h = metrics.prefixCacheHitsTotal {
                    queries += q
                    hits += h
                } else if let rate = metrics.prefixCacheHitRate {
                    rates.append(rate)
                }
            }
            if queries > 0 { return min(1, hits / queries) }
            return rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count)
        }

        /// Fills each instance's expected cached tokens for `info` from the prefix index.
        func expectCachedTokens(of info: RequestInfo, in view: inout ClusterView, now: Double) {
            guard let prefix = info.prefix else { return }
            prefixIndex.credit(&view.instances, for: prefix, promptTokens: info.promptTokens, now: now)
        }

        /// The requests in flight, each on its backend, in arrival order: what a twin starting now is seeded with.
        var inFlightForTwin: [TwinFeedEvent] {
            requests.values.sorted { $0.info.id.rawValue < $1.info.id.rawValue }.map {
                .arrived($0.info, pinnedTo: $0.backend)
            }
        }

        mutating func admit(
            _ info: RequestInfo,
            to backend: Int,
            arm: Int,
            buckets: BucketScheme,
            cachedTokens: Int,
            now: Double
        ) {
            if let prefix = info.prefix {
                prefixIndex.record(prefix, promptTokens: info.promptTokens, at: backend, now: now)
            }
            let entry = LedgerEntry(info, buckets: buckets, cachedTokens: cachedTokens)
            var record = LiveRecord(info: info, backend: backend, entry: entry)
            record.arm = arm
            record.comparison = comparison?.generation ?? 0
            requests[info.id.rawValue] = record
            backends[backend].admit(record)
        }

        func observed(_ index: Int, now: Double) -> ObservedInstanceLoad {
            var ledger = backends[index].ledger
            ledger.healthy = backends[index].up
            return InstanceLoadBuilder.build(
                ledger: ledger,
                metrics: backends[index].metrics,
                freshness: backends[index].freshness,
                now: now
            )
        }

        /// The view a policy sees.
        /// - Parameters:
        ///   - now: The current time.
        ///   - cost: The latency coefficients.
        ///   - buckets: The length buckets.
        ///   - arm: The A/B arm whose queue the policy sees (0 when there is no split).
        ///   - excludingHeld: 1 when the request being routed is itself in the queue (it does not count).
        /// - Returns: every backend's load, the router queue and the totals.
        func view(
            now: Double,
            cost: CostModel,
            buckets: BucketScheme,
            arm: Int = 0,
            excludingHeld: Int = 0
        )
            -> ClusterView
        {
            ClusterView(
                now: now,
                instances: backends.indices.map { observed($0, now: now).load },
                routerQueueLength: max(0, queued(arm: arm) - excludingHeld),
                cost: cost,
                buckets: buckets,
                completedRequests: completed
            )
        }

        /// One backend as one A/B arm sees it: the arm's own requests there (queued, decoding, predicted buckets,
        /// completions), with the cluster-wide health and KV usage.
        func armSnapshot(_ index: Int, arm: Int, now: Double, buckets: BucketScheme) -> InstanceSnapshot {
            var snapshot = instanceSnapshot(index, now: now, buckets: buckets)
            guard let comparison else { return snapshot }
            let mine = requests.values.filter {
                $0.backend == index && $0.arm == arm && $0.comparison == comparison.generation
            }
            let waiting = mine.filter { $0.firstToken == nil }
            snapshot.prefillQueue = waiting.count
            snapshot.prefillQueueTokens = waiting.reduce(0) { $0 + $1.info.promptTokens }
            snapshot.prefilling = 0
            snapshot.decoding = mine.count - waiting.count
            var predicted = Array(repeating: 0, count: buckets.count)
            for record in mine { predicted[record.entry.predictedBucket] += 1 }
            snapshot.predictedBuckets = predicted
            snapshot.completed = comparison.completed[arm][index]
            let ids = Set(mine.map { $0.info.id.rawValue })
            snapshot.requests = snapshot.requests.filter { ids.contains($0.id) }
            return snapshot
        }

        func instanceSnapshot(_ index: Int, now: Double, buckets: BucketScheme) -> InstanceSnapshot {
            let backend = backends[index]
            let observed = observed(index, now: now)
            let load = observed.load
            let health: InstanceHealth =
                !backend.up ? .down : (observed.metricsTrusted ? .up : .stale)
            // Of the router's requests with no token yet, those the engine runs (at most its running count) are in
            // prefill; the rest wait, in the engine's queue or not yet seen by it (a stalled server), so a stalled
            // card reads `prefill 2 q` rather than `decode 0 run 2 pf`. Without trusted metrics all of them wait.
            let pending = backend.ledger.prefillCount
            let prefilling =
                observed.metricsTrusted ? min(load.running, max(0, pending - load.waiting)) : 0
            // The engine's queue may also hold other clients' requests.
            let waiting = observed.metricsTrusted ? max(load.waiting, pending - prefilling) : pending
            let decoding = observed.metricsTrusted ? max(0, load.running - prefilling) : backend.ledger.decodeCount
            let blockSize = backend.metrics?.kvBlockSize ?? 16
            let totalBlocks = backend.metrics?.numGPUBlocks ?? (load.kvCapacityTokens / max(1, blockSize))
            var predicted = Array(repeating: 0, count: buckets.count)
            for bucket in predicted.indices {
                predicted[bucket] = backend.ledger.prefillByBucket[bucket] + backend.ledger.decodeByBucket[bucket]
            }
            let requests = self.requests.values.lazy.filter { $0.backend == index }.sorted {
                $0.info.id.rawValue < $1.info.id.rawValue
            }
            .prefix(64).map { record in
                RequestSnapshot(
                    id: record.info.id.rawValue,
                    phase: record.firstToken == nil ? .waiting : .decode,
                    promptTokens: record.info.promptTokens,
                    generatedTokens: record.streamed,
                    predictedTokens: Int(record.info.predictedOutputTokens + 0.5),
                    predictedBucket: record.info.predictedBucket,
                    // Until its first token the router cannot tell queued (no KV) from prefilling; it shows none.
                    kvBlocks: record.firstToken == nil
                        ? 0 : (record.info.promptTokens + record.streamed + blockSize - 1) / max(1, blockSize)
                )
            }
            var snapshot = InstanceSnapshot(
                id: index,
                name: backend.descriptor.name,
                health: health,
                prefillQueue: waiting,
                prefillQueueTokens: pending == 0
                    ? 0 : backend.ledger.prefillPromptTokens * (pending - prefilling) / pending,
                prefilling: prefilling,
                decoding: decoding,
                kvUsage: load.kvUsage,
                kvBlocksUsed: Int((load.kvUsage * Double(totalBlocks)).rounded()),
                kvBlocksTotal: totalBlocks,
                predictedBuckets: predicted,
                preemptions: Int(backend.metrics?.preemptionsTotal ?? 0),
                completed: backend.completed,
                requests: Array(requests),
                prefixHitRate: backend.metrics?.prefixHitRate
            )
            snapshot.engine = backend.engineWindow.stats()
            var own = backend.window
            own.trim(now: now)
            let e2e = own.e2e()
            if e2e.count > 0 {
                let tbt = own.tbt()
                snapshot.gateway = InstanceLatency(
                    ttft: own.ttft(),
                    interToken: tbt.count > 0 ? tbt : nil,
                    e2e: e2e
                )
            }
            switch health {
            case .down:
                let since = backend.downSince.map { " for \(Int((now - $0).rounded())) s" } ?? ""
                snapshot.healthNote = (backend.downReason ?? "down") + since
            case .stale:
                // Since when: the last good scrape, as an age (none yet: since the backend came up).
                var what = "no metrics yet"
                if case .stale(let age) = backend.freshness.state(at: now) {
                    what = "metrics \(Int(age.rounded())) s old"
                }
                snapshot.healthNote = what + (backend.scrapeError.map { ": \($0)" } ?? "")
            default:
                break
            }
            return snapshot
        }
    }
}

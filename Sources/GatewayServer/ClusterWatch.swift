import Gateway
import Logging
import RouterCore
import Routing
import SwitchyardCore

/// `switchyard top`: the backends scraped and shown, with no gateway in the path. The same scraper, router state
/// and cards as the console; it routes nothing.
public final class ClusterWatch: Sendable {
    public let configuration: GatewayConfiguration
    public let router: LiveRouter
    public let pool: BackendPool
    public let clock: GatewayClock

    /// - Throws: ``GatewayConfigError`` for a bad configuration.
    public init(configuration: GatewayConfiguration, logger: Logger) throws {
        var configuration = configuration
        // Nothing is routed; a policy every cluster size offers keeps the router's construction honest.
        configuration.policy = "round-robin"
        try configuration.validate()
        self.configuration = configuration
        self.clock = GatewayClock()
        self.router = try SwitchyardGateway.makeRouter(configuration, policyNames: [configuration.policy])
        self.pool = BackendPool(
            router: router,
            configuration: configuration,
            clock: clock,
            metrics: GatewayMetrics(),
            logger: logger
        )
    }

    /// One report after `interval` seconds: every backend probed and scraped, then scraped again, so that the rates
    /// and windowed latencies cover the interval.
    public func once(interval: Double) async -> WatchReport {
        let start = clock.now()
        await pool.probeAll()
        // From the first scrape, not from the end of the slowest probe (a dead backend's connect timeout).
        let rest = max(0.05, interval - (clock.now() - start))
        try? await Task.sleep(for: .milliseconds(Int64(rest * 1000)))
        await withTaskGroup(of: Void.self) { group in
            for index in configuration.backends.indices where router.isUp(index) {
                group.addTask { await self.pool.scrape(index) }
            }
        }
        return report()
    }

    /// Probes, then scrapes and probes until cancelled.
    public func run() async {
        await pool.probeAll()
        await pool.run()
    }

    /// The backends now.
    public func report() -> WatchReport {
        WatchReport(router.engineReports(now: clock.now()), time: clock.now())
    }

    public func shutdown() async { await pool.shutdown() }

    /// The console's view: the LIVE cards and header with no routing.
    public func cluster() -> WatchedCluster { WatchedCluster(watch: self) }
}

/// ``ClusterWatch`` as a ``ClusterBackend``: snapshots only; every steering command is refused, saying why.
public final class WatchedCluster: ClusterBackend {
    let watch: ClusterWatch

    init(watch: ClusterWatch) { self.watch = watch }

    public var policyNames: [String] { [] }

    public func snapshot() async -> ClusterSnapshot {
        let now = watch.clock.now()
        var snapshot = watch.router.snapshot(now: now, workload: "top · watch only")
        snapshot.policy = "none"
        snapshot.watchOnly = true
        // The latency summaries are the engines' (their histograms over the last minute, merged); the router
        // measured nothing.
        let merged = watch.router.engineReports(now: now).mergedLatency
        snapshot.e2e = merged.e2e ?? .empty
        snapshot.ttft = merged.ttft ?? .empty
        snapshot.tbt = merged.interToken ?? .empty
        return snapshot
    }

    public func setPolicy(_ name: String) async throws {
        throw ClusterBackendError.unavailable("Routing (switchyard top only watches; use serve or console --backend)")
    }

    public func injectBurst(_ kind: BurstKind) async throws {
        throw ClusterBackendError.unavailable("A burst (switchyard top sends no traffic)")
    }

    public func setPaused(_ paused: Bool) async {}

    public func setSpeed(_ speed: Double) async {}
}

/// What `switchyard top --once --format json` prints: each backend and the aggregate.
public struct WatchReport: Sendable, Codable, Equatable {
    /// Percentiles of one latency, in seconds.
    public struct Percentiles: Sendable, Codable, Equatable {
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var mean: Double
        public var count: Int

        init?(_ summary: LatencySummary?) {
            guard let summary, summary.count > 0 else { return nil }
            (p50, p90, p99, mean, count) = (summary.p50, summary.p90, summary.p99, summary.mean, summary.count)
        }
    }

    public struct Latency: Sendable, Codable, Equatable {
        public var ttft: Percentiles?
        public var interToken: Percentiles?
        public var e2e: Percentiles?

        init(_ latency: InstanceLatency?) {
            ttft = Percentiles(latency?.ttft)
            interToken = Percentiles(latency?.interToken)
            e2e = Percentiles(latency?.e2e)
        }

        enum CodingKeys: String, CodingKey {
            case ttft, e2e
            case interToken = "inter_token"
        }
    }

    public struct Throughput: Sendable, Codable, Equatable {
        public var promptTokensPerSecond: Double?
        public var generationTokensPerSecond: Double?
        public var requestsPerSecond: Double?

        enum CodingKeys: String, CodingKey {
            case promptTokensPerSecond = "prompt_tokens_per_s"
            case generationTokensPerSecond = "generation_tokens_per_s"
            case requestsPerSecond = "requests_per_s"
        }
    }

    public struct Backend: Sendable, Codable, Equatable {
        public var name: String
        public var url: String
        public var engine: String
        /// `up`, `stale` or `down`.
        public var status: String
        public var reason: String?
        public var running: Int?
        public var waiting: Int?
        public var kvUsage: Double?
        public var prefixHitRate: Double?
        /// Over the last `window_s` seconds (the difference of scrapes).
        public var latency: Latency
        /// Since the engine started (its cumulative histograms).
        public var latencySinceStart: Latency
        public var throughput: Throughput
        public var preemptionsInWindow: Int?
        public var preemptionsTotal: Double?
        public var windowSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case name, url, engine, status, reason, running, waiting, latency, throughput
            case kvUsage = "kv_usage"
            case prefixHitRate = "prefix_hit_rate"
            case latencySinceStart = "latency_since_start"
            case preemptionsInWindow = "preemptions_in_window"
            case preemptionsTotal = "preemptions_total"
            case windowSeconds = "window_s"
        }
    }

    public struct Aggregate: Sendable, Codable, Equatable {
        public var backends: Int
        public var up: Int
        public var running: Int
        public var waiting: Int
        /// Mean over the backends that publish KV usage.
        public var kvUsage: Double?
        public var latency: Latency
        public var throughput: Throughput

        enum CodingKeys: String, CodingKey {
            case backends, up, running, waiting, latency, throughput
            case kvUsage = "kv_usage"
        }
    }

    /// Seconds since the watch started.
    public var time: Double
    public var backends: [Backend]
    public var aggregate: Aggregate

    public init(_ reports: [EngineReport], time: Double) {
        self.time = time
        let backends = reports.map { report in
            let metrics = report.health == .down ? nil : report.metrics
            return Backend(
                name: report.name,
                url: report.url,
                engine: report.engine,
                status: report.health.rawValue,
                reason: report.note,
                running: metrics?.running,
                waiting: metrics?.waiting,
                kvUsage: metrics?.kvUsage,
                prefixHitRate: metrics?.prefixHitRate,
                latency: Latency(report.window?.latency),
                latencySinceStart: Latency(metrics.map { LatencyHistograms(sinceStartOf: $0).summary }),
                throughput: Throughput(
                    promptTokensPerSecond: report.window?.promptTokensPerSecond,
                    generationTokensPerSecond: report.window?.generationTokensPerSecond,
                    requestsPerSecond: report.window?.requestsPerSecond
                ),
                preemptionsInWindow: report.window?.preemptions,
                preemptionsTotal: metrics?.preemptionsTotal,
                windowSeconds: report.window?.window
            )
        }
        self.backends = backends
        let usages = backends.compactMap(\.kvUsage)
        func total(_ path: KeyPath<Throughput, Double?>) -> Double? {
            let values = backends.compactMap { $0.throughput[keyPath: path] }
            return values.isEmpty ? nil : values.reduce(0, +)
        }
        aggregate = Aggregate(
            backends: reports.count,
            up: reports.filter { $0.health == .up }.count,
            running: backends.compactMap(\.running).reduce(0, +),
            waiting: backends.compactMap(\.waiting).reduce(0, +),
            kvUsage: usages.isEmpty ? nil : usages.reduce(0, +) / Double(usages.count),
            latency: Latency(reports.mergedLatency),
            throughput: Throughput(
                promptTokensPerSecond: total(\.promptTokensPerSecond),
                generationTokensPerSecond: total(\.generationTokensPerSecond),
                requestsPerSecond: total(\.requestsPerSecond)
            )
        )
    }
}

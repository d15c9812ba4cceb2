/// Whether a backend is a simulation or a real cluster.
public enum ClusterMode: String, Sendable, Codable {
    case simulated = "SIM"
    case live = "LIVE"
}

/// Health of one instance as the console shows it.
public enum InstanceHealth: String, Sendable, Codable {
    case up
    /// Metrics are older than the staleness bound and not trusted.
    case stale
    case down
}

/// One request on an instance, for the instance detail view.
public struct RequestSnapshot: Sendable, Equatable, Codable {
    public var id: Int
    public var phase: Phase
    public var promptTokens: Int
    /// Tokens generated so far.
    public var generatedTokens: Int
    public var predictedTokens: Int
    public var predictedBucket: Int
    /// The KV blocks its context occupies, prompt blocks shared through the prefix cache included.
    public var kvBlocks: Int

    public init(
        id: Int,
        phase: Phase,
        promptTokens: Int,
        generatedTokens: Int,
        predictedTokens: Int,
        predictedBucket: Int,
        kvBlocks: Int
    ) {
        self.id = id
        self.phase = phase
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.predictedTokens = predictedTokens
        self.predictedBucket = predictedBucket
        self.kvBlocks = kvBlocks
    }
}

/// One instance as the console draws it.
public struct InstanceSnapshot: Sendable, Equatable, Codable {
    public var id: Int
    public var name: String
    public var health: InstanceHealth
    /// Why the instance is down or its metrics stale, and since when (a live backend); nil when healthy.
    public var healthNote: String?
    /// Requests waiting for admission, and their prompt tokens.
    public var prefillQueue: Int
    public var prefillQueueTokens: Int
    /// Requests admitted whose prompt is still being prefilled.
    public var prefilling: Int
    /// Requests in the decode batch.
    public var decoding: Int
    public var kvUsage: Double
    public var kvBlocksUsed: Int
    public var kvBlocksTotal: Int
    /// Requests here per predicted response-length bucket.
    public var predictedBuckets: [Int]
    public var preemptions: Int
    public var completed: Int
    /// The requests on the instance; may be empty when the backend does not know them.
    public var requests: [RequestSnapshot]
    /// The prefix cache's hit rate (cached prompt tokens over prompt tokens looked up) since the engine started;
    /// nil when the engine publishes none or has had no query.
    public var prefixHitRate: Double? = nil
    /// The engine's own view of the recent past (LIVE, when its metrics carry histograms or counters).
    public var engine: EngineSideStats? = nil
    /// The gateway's own measurements of the requests it sent here, over the same recent window (LIVE).
    public var gateway: InstanceLatency? = nil

    public init(
        id: Int,
        name: String,
        health: InstanceHealth,
        prefillQueue: Int,
        prefillQueueTokens: Int,
        prefilling: Int,
        decoding: Int,
        kvUsage: Double,
        kvBlocksUsed: Int,
        kvBlocksTotal: Int,
        predictedBuckets: [Int],
        preemptions: Int,
        completed: Int,
        requests: [RequestSnapshot],
        prefixHitRate: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.health = health
        self.prefillQueue = prefillQueue
        self.prefillQueueTokens = prefillQueueTokens
        self.prefilling = prefilling
        self.decoding = decoding
        self.kvUsage = kvUsage
        self.kvBlocksUsed = kvBlocksUsed
        self.kvBlocksTotal = kvBlocksTotal
        self.predictedBuckets = predictedBuckets
        self.preemptions = preemptions
        self.completed = completed
        self.requests = requests
        self.prefixHitRate = prefixHitRate
    }
}

/// Mean and percentiles of one latency, in seconds.
public struct LatencySummary: Sendable, Equatable, Codable {
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var count: Int

    public init(mean: Double = 0, p50: Double = 0, p90: Double = 0, p99: Double = 0, count: Int = 0) {
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.count = count
    }

    public static let empty = LatencySummary()
}

/// One point of the latency history the sparklines draw: percentiles over a one-second window.
public struct LatencyPoint: Sendable, Equatable, Codable {
    public var time: Double
    public var e2eP50: Double
    public var e2eP99: Double
    public var ttftP50: Double
    public var ttftP99: Double

    public init(time: Double, e2eP50: Double, e2eP99: Double, ttftP50: Double, ttftP99: Double) {
        self.time = time
        self.e2eP50 = e2eP50
        self.e2eP99 = e2eP99
        self.ttftP50 = ttftP50
        self.ttftP99 = ttftP99
    }
}

/// A marker on the timeline: a policy switch or a burst.
public struct TimelineMarker: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case policy
        case burst
    }
    public var time: Double
    public var kind: Kind
    public var label: String

    public init(time: Double, kind: Kind, label: String) {
        self.time = time
        self.kind = kind
        self.label = label
    }
}

/// Everything the console draws in one frame.
public struct ClusterSnapshot: Sendable, Equatable, Codable {
    public var mode: ClusterMode
    public var workload: String
    public var policy: String
    /// Cluster clock in seconds (simulated time in SIM mode, wall time since start in LIVE mode).
    public var clock: Double
    public var speed: Double
    public var paused: Bool
    public var instances: [InstanceSnapshot]
    public var routerQueue: Int
    public var arrivalsPerSecond: Double
    public var completionsPerSecond: Double
    public var tokensPerSecond: Double
    public var arrived: Int
    public var completed: Int
    /// Latency over the recent window (the last 60 s of cluster time).
    public var e2e: LatencySummary
    public var ttft: LatencySummary
    public var tbt: LatencySummary
    /// One point per second of cluster time, oldest first, at most 60.
    public var history: [LatencyPoint]
    public var markers: [TimelineMarker]
    /// Newest last.
    public var recentDecisions: [DecisionRecord]
    public var bucketLabels: [String]
    /// The A/B twin: the same arrivals (bursts included) routed by a second policy, when comparison is on.
    public var twin: TwinSnapshot?
    /// The cluster's prefix-cache hit rate (over every instance that publishes one); nil when none does.
    public var prefixHitRate: Double? = nil
    /// Admission control (LIVE, when requests carry TTFT objectives); nil when it has never acted.
    public var admission: AdmissionSnapshot? = nil
    /// The instance whose queue or KV usage stands out from the others (``ImbalanceThreshold``); nil when none.
    public var imbalance: String? = nil
    /// The engines' own rates over the header's window, summed over the instances that publish them (LIVE): requests
    /// finished and tokens generated per second. They include traffic that did not pass through this router.
    public var engineCompletionsPerSecond: Double? = nil
    public var engineTokensPerSecond: Double? = nil
    /// Nothing is routed (`switchyard top`): the header shows the engines' rates, and the latencies are theirs.
    public var watchOnly = false

    public init(
        mode: ClusterMode,
        workload: String,
        policy: String,
        clock: Double,
        speed: Double,
        paused: Bool,
        instances: [InstanceSnapshot],
        routerQueue: Int,
        arrivalsPerSecond: Double,
        completionsPerSecond: Double,
        tokensPerSecond: Double,
        arrived: Int,
        completed: Int,
        e2e: LatencySummary,
        ttft: LatencySummary,
        tbt: LatencySummary,
        history: [LatencyPoint],
        markers: [TimelineMarker],
        recentDecisions: [DecisionRecord],
        bucketLabels: [String],
        twin: TwinSnapshot? = nil
    ) {
        self.mode = mode
        self.workload = workload
        self.policy = policy
        self.clock = clock
        self.speed = speed
        self.paused = paused
        self.instances = instances
        self.routerQueue = routerQueue
        self.arrivalsPerSecond = arrivalsPerSecond
        self.completionsPerSecond = completionsPerSecond
        self.tokensPerSecond = tokensPerSecond
        self.arrived = arrived
        self.completed = completed
        self.e2e = e2e
        self.ttft = ttft
        self.tbt = tbt
        self.history = history
        self.markers = markers
        self.recentDecisions = recentDecisions
        self.bucketLabels = bucketLabels
        self.twin = twin
    }
}

/// The B side of an A/B comparison: a cluster fed the identical arrival stream, routed by another policy.
public struct TwinSnapshot: Sendable, Equatable, Codable {
    public var policy: String
    public var instances: [InstanceSnapshot]
    public var routerQueue: Int
    public var completed: Int
    public var e2e: LatencySummary
    public var ttft: LatencySummary
    public var tbt: LatencySummary
    public var history: [LatencyPoint]
    public var recentDecisions: [DecisionRecord]
    /// Set when B is predicted (a simulated twin of a live cluster) rather than measured: what the prediction rests
    /// on and how far its A side is from what was measured.
    public var prediction: TwinPrediction? = nil

    public init(
        policy: String,
        instances: [InstanceSnapshot],
        routerQueue: Int,
        completed: Int,
        e2e: LatencySummary,
        ttft: LatencySummary,
        tbt: LatencySummary,
        history: [LatencyPoint],
        recentDecisions: [DecisionRecord]
    ) {
        self.policy = policy
        self.instances = instances
        self.routerQueue = routerQueue
        self.completed = completed
        self.e2e = e2e
        self.ttft = ttft
        self.tbt = tbt
        self.history = history
        self.recentDecisions = recentDecisions
    }
}

/// How a live cluster's twin predicts B, and how far it is from the truth: the twin also routes every request by
/// A, and its A-side latencies are compared with the measured ones, request by request.
public struct TwinPrediction: Sendable, Equatable, Codable {
    /// The latency profile the twin simulates (a calibrated one, or a built-in).
    public var profile: String
    /// Seconds the twin's settled state is behind the wall clock: it settles up to the arrival of the oldest request
    /// whose length is not known yet, and shows the time since as a re-simulated guess.
    public var lag: Double
    /// The twin's A side over its window.
    public var twinA: LatencySummary
    public var twinATTFT: LatencySummary
    /// Requests both measured and predicted on the A side (the most recent ones, up to a few hundred).
    public var compared: Int
    /// Their mean E2E and TTFT, measured and as the twin predicted them.
    public var measuredE2E: Double
    public var predictedE2E: Double
    public var measuredTTFT: Double
    public var predictedTTFT: Double
    /// Requests still running past the twin's lag limit, which it simulated with their predicted length.
    public var estimated: Int

    public init(
        profile: String,
        lag: Double,
        twinA: LatencySummary,
        twinATTFT: LatencySummary,
        compared: Int,
        measuredE2E: Double,
        predictedE2E: Double,
        measuredTTFT: Double,
        predictedTTFT: Double,
        estimated: Int
    ) {
        self.profile = profile
        self.lag = lag
        self.twinA = twinA
        self.twinATTFT = twinATTFT
        self.compared = compared
        self.measuredE2E = measuredE2E
        self.predictedE2E = predictedE2E
        self.measuredTTFT = measuredTTFT
        self.predictedTTFT = predictedTTFT
        self.estimated = estimated
    }

    /// The twin's A-side error in mean E2E, (predicted − measured) / measured; nil before any comparison.
    public var e2eError: Double? { compared > 0 && measuredE2E > 0 ? (predictedE2E - measuredE2E) / measuredE2E : nil }
    /// The same for mean TTFT.
    public var ttftError: Double? {
        compared > 0 && measuredTTFT > 0 ? (predictedTTFT - measuredTTFT) / measuredTTFT : nil
    }
}

/// What admission control did: requests held for their TTFT objective, and requests shed (answered 429).
public struct AdmissionSnapshot: Sendable, Equatable, Codable {
    /// Requests waiting now for a chance to meet their objective.
    public var waiting: Int
    /// Requests that have waited, since start.
    public var held: Int
    /// Requests shed, since start.
    public var shed: Int
    /// Why the last one was shed.
    public var lastShedReason: String?

    public init(waiting: Int, held: Int, shed: Int, lastShedReason: String?) {
        self.waiting = waiting
        self.held = held
        self.shed = shed
        self.lastShedReason = lastShedReason
    }
}

/// Latency percentiles of one instance over the recent window: time to first token, the gap between tokens, and
/// arrival to last token. A figure is nil when nothing was measured.
public struct InstanceLatency: Sendable, Equatable, Codable {
    public var ttft: LatencySummary?
    /// The engine's histogram counts every gap between tokens; the gateway's figure is each request's mean gap.
    public var interToken: LatencySummary?
    public var e2e: LatencySummary?

    public init(ttft: LatencySummary? = nil, interToken: LatencySummary? = nil, e2e: LatencySummary? = nil) {
        self.ttft = ttft
        self.interToken = interToken
        self.e2e = e2e
    }
}

/// What an engine's own counters and histograms say about the recent past (the differences between scrapes).
public struct EngineSideStats: Sendable, Equatable, Codable {
    /// Seconds between the scrapes the latencies are the difference of (up to the window, 60 s).
    public var window: Double
    /// Percentiles from the engine's histogram buckets (interpolated inside a bucket, as Prometheus does).
    public var latency: InstanceLatency
    /// Rates over the last few seconds (the header's window), from the engine's counters; nil when not published.
    public var promptTokensPerSecond: Double?
    public var generationTokensPerSecond: Double?
    public var requestsPerSecond: Double?
    /// Preemptions in the window, when the engine counts them.
    public var preemptions: Int?

    public init(
        window: Double,
        latency: InstanceLatency = InstanceLatency(),
        promptTokensPerSecond: Double? = nil,
        generationTokensPerSecond: Double? = nil,
        requestsPerSecond: Double? = nil,
        preemptions: Int? = nil
    ) {
        self.window = window
        self.latency = latency
        self.promptTokensPerSecond = promptTokensPerSecond
        self.generationTokensPerSecond = generationTokensPerSecond
        self.requestsPerSecond = requestsPerSecond
        self.preemptions = preemptions
    }
}

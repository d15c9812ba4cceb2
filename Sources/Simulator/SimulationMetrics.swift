import SwitchyardCore

/// Aggregate latency metrics of a run, over the measured requests.
public struct SimulationMetrics: Sendable {
    public var e2e = LatencyRecorder()
    public var ttft = LatencyRecorder()
    /// Every inter-token gap of every request (weighted by tokens, not by request).
    public var tbt = LatencyRecorder()
    /// Time held in the router's central queue.
    public var routerWait = LatencyRecorder()
    /// Time from routing to first admission into a batch.
    public var queueWait = LatencyRecorder()
    /// Measured requests completed.
    public var completed = 0
    /// Every request completed, bursts included.
    public var completedAll = 0
    public var preemptions = 0
    /// Requests clamped to the profile's maximum model length (none since requests longer than it are rejected).
    public var clamped = 0
    /// Requests rejected because prompt + output exceed the profile's maximum model length, as vLLM answers 400.
    public var rejected = 0
    /// Prompt tokens looked up in the instances' prefix caches, and those found there (vLLM's
    /// `prefix_cache_queries` and `prefix_cache_hits`).
    public var prefixQueries = 0
    public var prefixHits = 0
    /// Prefill and decode tokens processed.
    public var prefillTokens = 0
    public var decodeTokens = 0

    public init() {}

    public mutating func merge(_ other: SimulationMetrics) {
        e2e.merge(other.e2e)
        ttft.merge(other.ttft)
        tbt.merge(other.tbt)
        routerWait.merge(other.routerWait)
        queueWait.merge(other.queueWait)
        completed += other.completed
        completedAll += other.completedAll
        preemptions += other.preemptions
        clamped += other.clamped
        rejected += other.rejected
        prefixQueries += other.prefixQueries
        prefixHits += other.prefixHits
        prefillTokens += other.prefillTokens
        decodeTokens += other.decodeTokens
    }
}

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
    /// Requests clamped to the profile's maximum model length.
    public var clamped = 0
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
        prefillTokens += other.prefillTokens
        decodeTokens += other.decodeTokens
    }
}

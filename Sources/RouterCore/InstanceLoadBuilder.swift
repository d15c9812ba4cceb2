import SwitchyardCore

/// Builds the `InstanceLoad` a policy sees from scraped engine metrics and the router's own ledger.
///
/// Fresh metrics give `waiting`, `running` and KV usage. Stale or missing metrics are not trusted: the ledger
/// stands in, with requests that have streamed no token yet as waiting and the rest as running, and KV usage from
/// the ledger's tokens when the capacity is known. The router's counts lag the engine (a request is "prefill" here
/// until its first token arrives, though the engine may already run it), which is why fresh metrics win.
public enum InstanceLoadBuilder {
    /// Combines engine metrics with the ledger.
    ///
    /// - Parameters:
    ///   - ledger: The router's record for the instance: every ledger field, `id`, `healthy`, `maxBatchSize` and,
    ///     when the caller knows it, `kvCapacityTokens` (for llama.cpp, `n_ctx` from `/slots`). Its engine fields
    ///     are ignored.
    ///   - metrics: The metrics of the last good scrape, or nil.
    ///   - freshness: When that scrape happened and the staleness bound.
    ///   - now: The current time, on the clock of `freshness`.
    /// - Returns: The load with its engine fields filled, and whether they were trusted.
    public static func build(
        ledger: InstanceLoad,
        metrics: EngineMetrics?,
        freshness: MetricsFreshness,
        now: Double
    ) -> ObservedInstanceLoad {
        var load = ledger
        let (trust, source) = observe(&load, metrics: metrics, freshness: freshness, now: now)
        return ObservedInstanceLoad(load: load, trust: trust, kvUsageSource: source)
    }

    /// Fills `load`'s engine fields in place from `metrics` (or its own ledger when they are stale or missing), as
    /// ``build(ledger:metrics:freshness:now:)`` does, without copying it: the simulator's path, per decision.
    /// - Returns: Whether the metrics were trusted, and where the KV usage came from.
    @inlinable
    public static func observe(
        _ load: inout InstanceLoad,
        metrics: EngineMetrics?,
        freshness: MetricsFreshness,
        now: Double
    ) -> (MetricsTrust, KVUsageSource) {
        // Capacity is configuration, not load: a stale scrape still knows it.
        if let capacity = metrics?.kvCapacityTokens, capacity > 0 { load.kvCapacityTokens = capacity }
        let capacity = load.kvCapacityTokens
        let ledgerTokens = load.outstandingPromptTokens + load.streamedTokens
        let state = freshness.state(at: now)

        guard let metrics, state.isFresh else {
            load.waiting = load.prefillCount
            load.running = max(0, load.decodeCount)
            let source: KVUsageSource = capacity > 0 ? .ledger : .unknown
            load.kvUsage = capacity > 0 ? fraction(ledgerTokens, of: capacity) : 0
            let trust: MetricsTrust
            if metrics == nil {
                trust = .missing
            } else if case .stale(let age) = state {
                trust = .stale(age: age)
            } else {
                trust = .missing
            }
            return (trust, source)
        }

        load.waiting = metrics.waiting
        load.running = metrics.running
        let source: KVUsageSource
        if let usage = metrics.kvUsage {
            load.kvUsage = usage
            source = .engineGauge
        } else if let used = metrics.kvUsedTokens, capacity > 0 {
            load.kvUsage = fraction(used, of: capacity)
            source = .engineTokens
        } else if capacity > 0 {
            // Requests the engine says are waiting hold no KV (llama.cpp's deferred requests). The ledger does not
            // know which of its not-yet-streaming requests those are, so it takes their share of the prompt tokens.
            let waitingShare = min(1, Double(metrics.waiting) / Double(max(1, load.prefillCount)))
            let held = Double(ledgerTokens) - Double(load.prefillPromptTokens) * waitingShare
            load.kvUsage = fraction(Int(held.rounded()), of: capacity)
            source = .ledger
        } else {
            load.kvUsage = 0
            source = .unknown
        }
        return (.trusted, source)
    }

    @usableFromInline
    static func fraction(_ tokens: Int, of capacity: Int) -> Double {
        min(1, max(0, Double(tokens) / Double(capacity)))
    }
}

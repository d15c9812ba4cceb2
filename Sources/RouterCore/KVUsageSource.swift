/// The source of an instance's KV usage.
public enum KVUsageSource: Sendable, Equatable {
    /// The engine's usage gauge (`vllm:kv_cache_usage_perc`, `sglang:token_usage`, ...).
    case engineGauge
    /// The engine's used-token gauge divided by the known capacity.
    case engineTokens
    /// The router's ledger: prompt plus streamed tokens of outstanding requests, divided by the known capacity.
    case ledger
    /// Nothing to go on (no gauge, no capacity): reported as 0.
    case unknown
}

/// Whether an instance's engine metrics were trusted when its load was built.
public enum MetricsTrust: Sendable, Equatable {
    /// Fresh metrics were used.
    case trusted
    /// The last good scrape was `age` seconds old, beyond the bound; the ledger was used instead.
    case stale(age: Double)
    /// There were no engine metrics (no good scrape yet); the ledger was used instead.
    case missing
}

import SwitchyardCore

/// A workload ready to run: its requests and where they came from.
public struct LoadedWorkload: Sendable, Equatable {
    /// The spec as the user typed it.
    public var name: String
    /// The requests sorted by arrival, ids 0..<n in that order. When ``hasArrivalTimes`` is false every arrival is 0
    /// and the caller assigns times (for example Poisson at `--rate`).
    public var requests: [Request]
    /// Whether the arrivals are real (from a trace's timestamps).
    public var hasArrivalTimes: Bool
    /// Which data was used: `bundled sample (N rows)`, a file path, `generator (...)` or a mix of two sources.
    public var source: String

    public init(name: String, requests: [Request], hasArrivalTimes: Bool, source: String) {
        self.name = name
        self.requests = requests
        self.hasArrivalTimes = hasArrivalTimes
        self.source = source
    }
}

/// Whether an instance's last good scrape is recent enough to trust.
///
/// llm-d's endpoint picker scrapes every 50 ms and treats metrics older than 2 s as stale (peers.md); Switchyard
/// uses the same default bound. Times are seconds on one monotonic clock that the caller injects, so tests advance it
/// by hand.
public struct MetricsFreshness: Sendable, Equatable {
    /// The default staleness bound, in seconds.
    public static let defaultStalenessBound = 2.0

    /// When the last scrape that parsed and yielded engine metrics finished, or nil before the first one.
    public var lastGoodScrape: Double?
    /// Age, in seconds, beyond which metrics are stale. An age equal to the bound is still fresh.
    public let stalenessBound: Double

    /// How trustworthy the last good scrape is at a given time.
    public enum State: Sendable, Equatable {
        /// There has been no good scrape yet.
        case never
        /// The last good scrape is `age` seconds old, within the bound.
        case fresh(age: Double)
        /// The last good scrape is `age` seconds old, beyond the bound.
        case stale(age: Double)

        /// Whether metrics in this state may be trusted.
        public var isFresh: Bool {
            if case .fresh = self { return true }
            return false
        }
    }

    /// Creates a freshness tracker.
    ///
    /// - Parameters:
    ///   - lastGoodScrape: The time of the last good scrape, if any.
    ///   - stalenessBound: Seconds after which metrics are stale; must be finite and not negative.
    public init(lastGoodScrape: Double? = nil, stalenessBound: Double = defaultStalenessBound) {
        precondition(
            stalenessBound.isFinite && stalenessBound >= 0,
            "staleness bound must be finite and >= 0, got \(stalenessBound)"
        )
        self.lastGoodScrape = lastGoodScrape
        self.stalenessBound = stalenessBound
    }

    /// Records a good scrape finished at `time`. An older time than the one recorded is ignored, so a slow reply
    /// that lands after a newer one cannot make the metrics look older.
    public mutating func recordGoodScrape(at time: Double) {
        if let last = lastGoodScrape, last >= time { return }
        lastGoodScrape = time
    }

    /// The state at `now`. A scrape time after `now` (clocks mixed up) counts as age 0.
    public func state(at now: Double) -> State {
        guard let lastGoodScrape else { return .never }
        let age = max(0, now - lastGoodScrape)
        return age <= stalenessBound ? .fresh(age: age) : .stale(age: age)
    }

    /// Whether the metrics may be trusted at `now`.
    public func isFresh(at now: Double) -> Bool { state(at: now).isFresh }
}

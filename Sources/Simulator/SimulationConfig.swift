import Engine
import SwitchyardCore

/// How a simulated cluster is set up.
public struct SimulationConfig: Sendable {
    public var instances: Int
    public var profile: LatencyProfile
    public var chunkedPrefill: Bool
    public var buckets: BucketScheme
    /// How often the router retries requests it holds, in seconds (the paper's router acts every 0.02 s).
    public var routerTick: Double
    /// Seconds a request may wait in the router queue when the policy holds it; then it goes to the instance with
    /// the fewest outstanding requests. 5 s, as `serve`'s hold limit.
    public var holdLimit: Double
    /// Seconds between samples of the engines' gauges (waiting, running, KV usage), as `serve` scrapes `/metrics`;
    /// policies see the last sample. 0 shows them the engines' exact state at every decision.
    public var scrapeInterval: Double
    /// The engines' automatic prefix caching (on, as in vLLM V1; it applies to requests with prefix hashes).
    public var prefixCaching = true
    public var seed: UInt64

    public init(
        instances: Int,
        profile: LatencyProfile,
        chunkedPrefill: Bool = false,
        buckets: BucketScheme = .paper,
        routerTick: Double = 0.02,
        scrapeInterval: Double = 0.25,
        holdLimit: Double = 5,
        seed: UInt64 = 1
    ) {
        self.holdLimit = holdLimit
        precondition(scrapeInterval >= 0 && scrapeInterval.isFinite, "the scrape interval must be >= 0")
        self.scrapeInterval = scrapeInterval
        precondition(instances > 0, "a cluster needs at least one instance")
        self.instances = instances
        self.profile = profile
        self.chunkedPrefill = chunkedPrefill
        self.buckets = buckets
        self.routerTick = routerTick
        self.seed = seed
    }
}

import RouterCore
import SwitchyardCore

/// One thing the simulator's router learned or did, in order: what a live router would be told by its clients,
/// its scraper and the streams it proxies. With ``Simulation/tape`` on, a run records them, so that the live
/// router can be fed exactly the same inputs and its views and decisions compared with the simulator's.
public enum RouterInput: Sendable, Equatable {
    /// A request arrived and was routed, or queued behind held ones.
    case arrived(Request, at: Double)
    /// A held request at the head of the router queue was asked about again.
    case retried(request: Int, at: Double)
    /// A scrape of one instance's gauges.
    case sampled(instance: Int, metrics: EngineMetrics, at: Double)
    /// A request's first token reached the router.
    case firstToken(request: Int, at: Double)
    /// Tokens of a request that had started decoding reached the router.
    case streamed(request: Int, tokens: Int, at: Double)
    /// A request completed.
    case finished(request: Int, at: Double)
}

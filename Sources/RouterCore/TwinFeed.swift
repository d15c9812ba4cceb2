import SwitchyardCore

/// What a live router tells a twin about its traffic, in order: each arrival as it comes, each end once known,
/// and the operator's policy switches. A twin replays these into a simulated copy of the cluster.
public enum TwinFeedEvent: Sendable, Equatable {
    /// A request arrived at the router, with the prediction the router made for it. `pinnedTo` names the backend
    /// it was already on when the twin started (it is replayed there rather than routed again).
    case arrived(RequestInfo, pinnedTo: Int?)
    /// A request ended. `outputTokens` is what it generated; `latency` is set when it completed, nil when it
    /// failed or was abandoned after routing (a request retried elsewhere after a failure ends again, and the later
    /// end counts); `routed` is false when it never reached a backend (shed, no backend up, the client left while
    /// it was held), and then the twin forgets it.
    case ended(request: Int, outputTokens: Int, latency: MeasuredLatency?, routed: Bool)
    /// The live policy changed at `at`.
    case policy(String, at: Double)
    /// A backend went down (failed health checks, ejected) or came back at `at`.
    case health(backend: Int, up: Bool, at: Double)
}

/// A completed request's measured latencies, in seconds.
public struct MeasuredLatency: Sendable, Equatable {
    public var e2e: Double
    /// Nil when the first token's time was not seen (Envoy sent the picker no response body).
    public var ttft: Double?

    public init(e2e: Double, ttft: Double?) {
        self.e2e = e2e
        self.ttft = ttft
    }
}

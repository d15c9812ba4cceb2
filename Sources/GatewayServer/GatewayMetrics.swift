import CoreMetrics
import Prometheus

/// The router's own metrics, published on `/metrics` in Prometheus text through swift-metrics and
/// swift-prometheus: requests, errors and latencies per backend and policy, routing decisions, backend health.
///
/// A private registry (not the process-wide `MetricsSystem`) so that several gateways in one process, as in the
/// tests, keep separate counts.
public struct GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let seconds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
        factory.defaultDurationHistogramBuckets = seconds.map { Duration.milliseconds(Int64($0 * 1000)) }
        self.registry = registry
        self.factory = factory
    }

    /// A request finished: `outcome` is `ok`, `backend_error`, `client_gone` or `rejected`.
    public func requestFinished(backend: String, policy: String, outcome: String) {
        Counter(
            label: "switchyard_requests_total",
            dimensions: [("backend", backend), ("policy", policy), ("outcome", outcome)],
            factory: factory
        ).increment()
        if outcome == "backend_error" {
            Counter(
                label: "switchyard_backend_errors_total",
                dimensions: [("backend", backend), ("policy", policy)],
                factory: factory
            ).increment()
        }
    }

    /// A request the gateway refused before routing it: `reason` is `bad_request`, `too_large`, `unknown_model`
    /// or `no_backend`.
    /// A request shed by admission control (429): sheddable traffic, or a request that cannot meet its objective.
    public func shed(sheddable: Bool) {
        Counter(
            label: "switchyard_shed_total",
            dimensions: [("reason", sheddable ? "sheddable" : "objective_unmet")],
            factory: factory
        ).increment()
    }

    /// A request admission control held for its TTFT objective.
    public func admissionHeld() {
        Counter(label: "switchyard_admission_held_total", factory: factory).increment()
    }

    public func rejected(reason: String) {
        Counter(label: "switchyard_rejected_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// Latencies of a completed request, in seconds.
    public func latencies(backend: String, policy: String, e2e: Double, ttft: Double?, tbt: Double?) {
        let dimensions = [("backend", backend), ("policy", policy)]
        Timer(label: "switchyard_e2e_seconds", dimensions: dimensions, factory: factory).recordSeconds(e2e)
        if let ttft {
            Timer(label: "switchyard_ttft_seconds", dimensions: dimensions, factory: factory).recordSeconds(ttft)
        }
        if let tbt {
            Timer(label: "switchyard_tbt_seconds", dimensions: dimensions, factory: factory).recordSeconds(tbt)
        }
    }

    /// A routing decision: `backend` is the chosen one, or `hold`.
    public func decision(backend: String, policy: String) {
        Counter(
            label: "switchyard_routing_decisions_total",
            dimensions: [("backend", backend), ("policy", policy)],
            factory: factory
        ).increment()
    }

    /// Tokens streamed back through the gateway.
    public func tokens(backend: String, count: Int) {
        guard count > 0 else { return }
        Counter(label: "switchyard_generated_tokens_total", dimensions: [("backend", backend)], factory: factory)
            .increment(by: count)
    }

    /// Outlier detection took the backend out after consecutive 5xx replies.
    public func ejected(_ backend: String) {
        Counter(label: "switchyard_backend_ejections_total", dimensions: [("backend", backend)], factory: factory)
            .increment()
    }

    /// A request that got a 5xx before any byte reached the client was retried on another backend.
    public func retried(backend: String) {
        Counter(label: "switchyard_retries_total", dimensions: [("backend", backend)], factory: factory).increment()
    }

    /// 1 when the backend is in rotation, 0 when down.
    public func backendUp(_ backend: String, _ up: Bool) {
        Gauge(label: "switchyard_backend_up", dimensions: [("backend", backend)], factory: factory).record(up ? 1 : 0)
    }

    /// Requests in flight through the gateway.
    public func inFlight(_ count: Int) {
        Gauge(label: "switchyard_requests_in_flight", factory: factory).record(count)
    }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}

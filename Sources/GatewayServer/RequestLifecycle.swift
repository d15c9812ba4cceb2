import Foundation
import Gateway
import OpenAIWire
import Routing
import SwitchyardCore

/// What every front door (the HTTP gateway, the Envoy endpoint picker) does around one routed request: waits in
/// the router's queue while the policy holds it, then accounts for how it ended in the router and the metrics.
public struct RequestLifecycle: Sendable {
    public let pool: BackendPool
    public let metrics: GatewayMetrics

    public init(pool: BackendPool, metrics: GatewayMetrics) {
        self.pool = pool
        self.metrics = metrics
    }

    var router: LiveRouter { pool.router }
    var clock: GatewayClock { pool.clock }
    var configuration: GatewayConfiguration { pool.configuration }

    /// How admission control ended for a request.
    public enum AdmissionOutcome: Sendable, Equatable {
        /// Route it (it has no objective, or can meet it now, or no backend is up and routing will say so).
        case proceed
        /// Refuse it with 429 and `Retry-After`.
        case shed(reason: String, retryAfter: Int)
        /// The client left while it waited.
        case cancelled
    }

    /// Admission control: a request with a TTFT objective that no eligible backend is predicted to meet waits in
    /// the router while it still can meet it (woken by each event that may change the prediction, and at the
    /// moment it no longer can), and is shed when it cannot; a sheddable one (negative priority) is shed at once.
    public func admission(
        _ info: RequestInfo,
        eligible: Set<Int>,
        objective: ServiceObjective
    ) async -> AdmissionOutcome {
        guard objective.ttft != nil else { return .proceed }
        var waiting = false
        var timer: Task<Void, Never>? = nil
        defer {
            timer?.cancel()
            if waiting { router.admissionWait(info, false) }
        }
        while true {
            let now = clock.now()
            let seen = router.changeCount
            guard let predicted = router.predictedTTFT(info, eligible: eligible, now: now) else { return .proceed }
            let verdict = AdmissionVerdict.judge(
                best: predicted.best,
                floor: predicted.floor,
                elapsed: now - info.arrival,
                objective: objective,
                arrival: info.arrival
            )
            switch verdict {
            case .admit:
                return .proceed
            case .shed(let reason, let retryAfter):
                router.unrouted(info, reason: .shed(reason))
                metrics.shed(sheddable: objective.sheddable)
                return .shed(reason: reason, retryAfter: retryAfter)
            case .wait(let deadline):
                if !waiting {
                    waiting = true
                    router.admissionWait(info, true)
                    metrics.admissionHeld()
                    timer = wake(info, in: deadline - now)
                }
                await router.waitForTurn(info, after: seen)
                if Task.isCancelled {
                    clientLeft(info)
                    return .cancelled
                }
            }
        }
    }

    /// Routes, waiting in the router's queue while the policy holds. Nil when no backend is up or the client left.
    ///
    /// A held request sleeps on the router's wait, which an event that may let it go resumes (no polling); a timer
    /// wakes it at its hold limit, when it goes to the least-loaded backend whatever the policy says.
    public func admit(_ info: RequestInfo, eligible: Set<Int>) async -> LiveRouter.Ticket? {
        var held = false
        let start = clock.now()
        let limit = configuration.holdLimit
        var timer: Task<Void, Never>? = nil
        defer { timer?.cancel() }
        while true {
            let now = clock.now()
            let seen = router.changeCount
            switch router.route(info, now: now, held: held, eligible: eligible, mayHold: now - start < limit) {
            case .routed(let ticket): return ticket
            case .noBackend:
                router.unrouted(info, reason: .noBackend)
                return nil
            case .hold:
                if !held {
                    held = true
                    timer = wake(info, in: limit - (now - start))
                }
                await router.waitForTurn(info, after: seen)
                if Task.isCancelled {
                    router.leaveQueue(info)
                    clientLeft(info)
                    return nil
                }
            }
        }
    }

    /// Ends a request whose client left before it was routed, in the router and the metrics.
    private func clientLeft(_ info: RequestInfo) {
        router.unrouted(info, reason: .clientLeft)
        metrics.rejected(reason: "client_left")
    }

    /// A timer that resumes `info`'s wait in the router after `seconds` (just past them), unless cancelled first.
    private func wake(_ info: RequestInfo, in seconds: Double) -> Task<Void, Never> {
        let router = self.router
        let wait = max(0, seconds) + 0.001
        return Task {
            try? await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            if !Task.isCancelled { router.wake(info) }
        }
    }

    /// Ends a request whose reply came back whole, or as an error, with `status`: 200 completes it (its first token
    /// and `usage`'s token count, when the reply has one); 5xx, or no status, fails it; 4xx is the backend refusing
    /// the request itself (too long a prompt, a bad parameter, 429), not its fault.
    /// - Parameters:
    ///   - ticket: The routed request.
    ///   - status: The reply's HTTP status; 0 when none came.
    ///   - body: The reply's body, read only for a 200.
    public func endWhole(_ ticket: LiveRouter.Ticket, status: Int, body: @autoclosure () -> Data) {
        if status == 200 {
            router.firstToken(ticket, now: clock.now())
            let reply = try? JSONDecoder().decode(CompletionReplyUsage.self, from: body())
            let tokens = reply?.usage?.completionTokens
            router.streamed(ticket, tokens: tokens ?? 0, now: clock.now())
            end(ticket, outcome: .completed(completionTokens: tokens))
        } else if status >= 500 || status == 0 {
            end(ticket, outcome: .backendFailed(status == 0 ? "no status" : "status \(status)"))
        } else {
            end(ticket, outcome: .abandoned, label: "rejected")
        }
    }

    /// Ends the request in the router and the metrics.
    /// - Parameters:
    ///   - ticket: The routed request.
    ///   - outcome: How it ended.
    ///   - label: The metrics outcome, when not the default for `outcome`.
    public func end(_ ticket: LiveRouter.Ticket, outcome: LiveRouter.Outcome, label: String? = nil) {
        let now = clock.now()
        let name = router.descriptors[ticket.backend].name
        let timing = router.finish(ticket, outcome: outcome, now: now)
        switch outcome {
        case .completed(let tokens):
            metrics.requestFinished(backend: name, policy: ticket.policy, outcome: "ok")
            let count = tokens ?? timing?.streamed ?? 0
            metrics.tokens(backend: name, count: count)
            let first = timing?.firstToken
            let tbt: Double? = first.flatMap { first in count > 1 ? (now - first) / Double(count - 1) : nil }
            metrics.latencies(
                backend: name,
                policy: ticket.policy,
                e2e: now - ticket.info.arrival,
                ttft: first.map { $0 - ticket.info.arrival },
                tbt: tbt
            )
        case .backendFailed:
            metrics.requestFinished(backend: name, policy: ticket.policy, outcome: "backend_error")
        case .abandoned:
            metrics.requestFinished(backend: name, policy: ticket.policy, outcome: label ?? "client_gone")
        case .rerouted:
            break
        }
    }
}

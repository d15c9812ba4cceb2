import AsyncHTTPClient
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import OpenAIWire
import Routing
import SwitchyardCore
import Synchronization
import Workload

/// Forwards one completion request: reads and checks the body, asks the ``LiveRouter`` where it goes (waiting while
/// the policy holds it), sends it to that backend, and passes the reply back, streams chunk by chunk, unchanged.
struct ProxyHandler: Sendable {
    let pool: BackendPool
    let metrics: GatewayMetrics
    let logger: Logger

    var router: LiveRouter { pool.router }
    var lifecycle: RequestLifecycle { RequestLifecycle(pool: pool, metrics: metrics) }
    var configuration: GatewayConfiguration { pool.configuration }
    var clock: GatewayClock { pool.clock }

    func complete(_ request: Request, endpoint: CompletionEndpoint) async -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            metrics.rejected(reason: "too_large")
            return GatewayError.tooLarge(limit: configuration.maxBodyBytes).response
        }
        let body: CompletionRequest
        do {
            body = try CompletionRequest.parse(
                Data(buffer.readableBytesView),
                endpoint: endpoint,
                estimateTokens: TokenEstimator.estimate
            )
        } catch {
            metrics.rejected(reason: "bad_request")
            return GatewayError.badRequest(error.message, param: error.field).response
        }
        let eligible = pool.eligible(for: body.model)
        if let eligible, eligible.isEmpty, let model = body.model {
            metrics.rejected(reason: "unknown_model")
            return GatewayError.unknownModel(model, served: pool.modelUnion().map(\.id)).response
        }
        let info = router.arrive(
            PromptFeatures(promptTokens: body.promptTokens, text: body.promptText),
            prefix: body.prefix,
            now: clock.now()
        )
        let objective = configuration.admission.objective { name in
            HTTPField.Name(name).flatMap { request.headers[$0] }
        }
        switch await lifecycle.admission(
            info,
            eligible: eligible ?? Set(router.descriptors.indices),
            objective: objective
        )
        {
        case .proceed: break
        case .cancelled: return GatewayError.clientLeft.response
        case .shed(let reason, let retryAfter): return GatewayError.shed(reason).response(retryAfter: retryAfter)
        }
        var excluded = Set<Int>()
        var busyRetries = 0
        // The 5xx reply of the first backend, kept while the request is retried once elsewhere.
        var serverError: Response? = nil
        var retriedClosed = false
        while true {
            var allowed = eligible ?? Set(router.descriptors.indices)
            allowed.subtract(excluded)
            guard let ticket = await lifecycle.admit(info, eligible: allowed) else {
                // The client left while the request was held (admit counted it), or no backend can take it.
                if Task.isCancelled { return GatewayError.clientLeft.response }
                if let serverError { return serverError }
                metrics.rejected(reason: "no_backend")
                return GatewayError.noBackend.response
            }
            let name = router.descriptors[ticket.backend].name
            metrics.decision(backend: name, policy: ticket.policy)
            switch await forward(ticket, buffer: buffer, body: body, endpoint: endpoint, headers: request.headers) {
            case .reply(let response):
                return response
            case .connectionClosed(let reason):
                if retriedClosed {
                    end(ticket, outcome: .backendFailed(reason))
                    return GatewayError.badGateway(name, reason).response
                }
                retriedClosed = true
                router.finish(ticket, outcome: .rerouted, now: clock.now())
                metrics.retried(backend: name)
            case .serverError(let response):
                // Nothing reached the client yet: retry once on another backend, as Envoy's retry on 5xx does.
                if serverError != nil { return response }
                serverError = response
                excluded.insert(ticket.backend)
                metrics.retried(backend: name)
            case .notDelivered(let reason):
                // The request never reached the backend: take it out and route again elsewhere.
                pool.markDown(ticket.backend, reason: reason)
                router.finish(ticket, outcome: .rerouted, now: clock.now())
                excluded.insert(ticket.backend)
            case .poolBusy(let reason):
                // No connection could be had in time (a loaded machine, or a server slow to accept): the request
                // never left, and the backend is not known to be down. Route it again, a few times at most.
                busyRetries += 1
                if busyRetries > 3 {
                    end(ticket, outcome: .backendFailed(reason))
                    return GatewayError.badGateway(name, reason).response
                }
                router.finish(ticket, outcome: .rerouted, now: clock.now())
            }
        }
    }

    private enum Forwarded {
        case reply(Response)
        /// The backend answered 5xx before any byte went to the client (the request is already ended).
        case serverError(Response)
        /// The connection closed before any response byte; the request is not ended.
        case connectionClosed(String)
        case notDelivered(String)
        case poolBusy(String)
    }

    private func forward(
        _ ticket: LiveRouter.Ticket,
        buffer: ByteBuffer,
        body: CompletionRequest,
        endpoint: CompletionEndpoint,
        headers: HTTPFields
    ) async -> Forwarded {
        let backend = router.descriptors[ticket.backend]
        var upstream = HTTPClientRequest(url: backend.url + endpoint.rawValue)
        upstream.method = .POST
        upstream.headers.add(name: "content-type", value: "application/json")
        upstream.headers.add(name: "accept", value: body.stream ? "text/event-stream" : "application/json")
        if let authorization = headers[.authorization] {
            upstream.headers.add(name: "authorization", value: authorization)
        }
        upstream.body = .bytes(buffer)
        let response: HTTPClientResponse
        do {
            if body.stream {
                response = try await pool.streamClient.execute(
                    upstream,
                    timeout: Self.amount(configuration.firstByteTimeout)
                )
            } else {
                response = try await pool.wholeClient.execute(
                    upstream,
                    timeout: Self.amount(configuration.requestTimeout)
                )
            }
        } catch {
            let failure = Task.isCancelled ? .cancelled : UpstreamFailure(error)
            switch failure {
            case .cancelled:
                end(ticket, outcome: .abandoned)
                return .reply(GatewayError.badGateway(backend.name, "the request was cancelled").response)
            case .poolBusy:
                return .poolBusy("no connection to the backend within the connect timeout")
            case .neverDelivered:
                return .notDelivered("\(endpoint.rawValue): \(Self.describe(error))")
            case .closedBeforeReply:
                return .connectionClosed("the backend closed the connection before answering")
            case .timedOut, .failed:
                break
            }
            let timedOut = failure == .timedOut
            let limit = body.stream ? configuration.firstByteTimeout : configuration.requestTimeout
            let reason =
                timedOut
                ? "no response head within \(Self.seconds(limit)) (first-byte timeout)" : Self.describe(error)
            pool.markDown(ticket.backend, reason: reason)
            end(ticket, outcome: .backendFailed(reason))
            let error: GatewayError = timedOut ? .timeout(backend.name, reason) : .badGateway(backend.name, reason)
            return .reply(error.response)
        }
        let serverError = response.status.code >= 500
        pool.noteReply(ticket.backend, serverError: serverError)
        if body.stream, response.status.code == 200 {
            return .reply(stream(ticket, response))
        }
        let reply = await whole(ticket, response)
        return serverError ? .serverError(reply) : .reply(reply)
    }

    /// A whole (non-streaming) reply, or any error reply: passed back with the backend's status and body.
    private func whole(_ ticket: LiveRouter.Ticket, _ response: HTTPClientResponse) async -> Response {
        let backend = router.descriptors[ticket.backend]
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 64 << 20)
        } catch is NIOTooManyBytesError {
            let reason = "the reply is larger than the gateway's 64 MiB limit for whole replies"
            end(ticket, outcome: .backendFailed(reason))
            return GatewayError.badGateway(backend.name, reason).response
        } catch {
            let reason = "reading the reply: \(Self.describe(error))"
            pool.markDown(ticket.backend, reason: reason)
            end(ticket, outcome: .backendFailed(reason))
            return GatewayError.badGateway(backend.name, reason).response
        }
        let status = Int(response.status.code)
        lifecycle.endWhole(ticket, status: status, body: Data(body.readableBytesView))
        var headers = HTTPFields()
        headers[.contentType] = response.headers.first(name: "content-type") ?? "application/json"
        headers[Self.backendHeader] = backend.name
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// A streaming reply: each chunk is written to the client as it arrives, unchanged, while an ``SSEScanner``
    /// watches it for tokens, usage and `[DONE]`.
    ///
    /// A pump task reads the backend and a watchdog times only the waits on the backend: the first-byte timeout
    /// until the body's first byte, then the idle timeout between chunks. A slow client therefore never gets the
    /// backend blamed. A stream that breaks, idles, or ends without `[DONE]` gets a final SSE error event, and the
    /// backend is taken out until `/health` passes. If the client is gone before the body starts, the ticket's
    /// owner ends the request when the response is dropped, so the ledger never leaks.
    private func stream(_ ticket: LiveRouter.Ticket, _ response: HTTPClientResponse) -> Response {
        let backend = router.descriptors[ticket.backend]
        let handler = self
        let owner = TicketOwner(ticket: ticket, handler: self)
        let firstByte = configuration.firstByteTimeout
        let idle = configuration.idleTimeout
        let body = ResponseBody { writer in
            let watch = StreamWatch(start: handler.clock.now())
            let (chunks, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
            let pump = Task {
                do {
                    for try await chunk in response.body {
                        watch.touch(at: handler.clock.now())
                        continuation.yield(chunk)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            let key = handler.pool.watchdog.watch(watch, firstByte: firstByte, idle: idle) { pump.cancel() }
            defer {
                handler.pool.watchdog.forget(key)
                pump.cancel()
            }
            var tally = StreamTally()
            var failure: String? = nil
            let router = handler.router
            do {
                for try await chunk in chunks {
                    chunk.withUnsafeReadableBytes {
                        tally.feed($0, ticket: ticket, router: router, now: handler.clock.now())
                    }
                    do {
                        try await writer.write(chunk)
                    } catch {
                        tally.flush(ticket: ticket, router: router, now: handler.clock.now())
                        owner.end(.abandoned)
                        return
                    }
                }
                tally.finish(ticket: ticket, router: router, now: handler.clock.now())
            } catch {
                if let reason = watch.timedOut {
                    failure = reason
                } else if Task.isCancelled || error is CancellationError {
                    owner.end(.abandoned)
                    return
                } else {
                    failure = "the stream broke: \(Self.describe(error))"
                }
            }
            if failure == nil, tally.truncated { failure = StreamTally.truncation }
            if let failure {
                handler.pool.markDown(ticket.backend, reason: failure)
                owner.end(.backendFailed(failure))
                try? await writer.write(GatewayError.badGateway(backend.name, failure).sseEvent)
                try? await writer.finish(nil)
                return
            }
            owner.end(tally.outcome)
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = response.headers.first(name: "content-type") ?? "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[Self.backendHeader] = backend.name
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Ends the request in the router and the metrics.
    func end(_ ticket: LiveRouter.Ticket, outcome: LiveRouter.Outcome, label: String? = nil) {
        lifecycle.end(ticket, outcome: outcome, label: label)
    }

    // swift-format-ignore: NeverForceUnwrap
    // A valid literal field name: the initializer fails only for invalid characters.
    static let backendHeader = HTTPField.Name("x-switchyard-backend")!

    /// True when the error means the request never reached the backend, so routing it elsewhere is safe.
    static func neverDelivered(_ error: any Error) -> Bool { UpstreamFailure(error) == .neverDelivered }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout: return "read timeout"
            case .connectTimeout: return "connect timeout"
            case .remoteConnectionClosed: return "the backend closed the connection"
            case .deadlineExceeded: return "deadline exceeded"
            default: return "\(error)"
            }
        }
        return String(describing: error)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}

extension ProxyHandler {
    static func amount(_ seconds: Double) -> TimeAmount { .milliseconds(Int64(seconds * 1000)) }
}

/// Ends a streamed request exactly once: by the body when it runs, or, when the client was gone before the body
/// could start (so Hummingbird never runs it), when the response and this owner are dropped.
final class TicketOwner: Sendable {
    private let ticket: LiveRouter.Ticket
    private let handler: ProxyHandler
    private let ended = Mutex(false)

    init(ticket: LiveRouter.Ticket, handler: ProxyHandler) {
        self.ticket = ticket
        self.handler = handler
    }

    func end(_ outcome: LiveRouter.Outcome) {
        let first = ended.withLock { ended in
            defer { ended = true }
            return !ended
        }
        if first { handler.end(ticket, outcome: outcome) }
    }

    deinit { end(.abandoned) }
}

import AsyncHTTPClient
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Routing
import SwitchyardCore
import Workload

/// Forwards one completion request: reads and checks the body, asks the ``LiveRouter`` where it goes (waiting while
/// the policy holds it), sends it to that backend, and passes the reply back, streams chunk by chunk, unchanged.
struct ProxyHandler: Sendable {
    let pool: BackendPool
    let metrics: GatewayMetrics
    let logger: Logger

    var router: LiveRouter { pool.router }
    var configuration: GatewayConfiguration { pool.configuration }
    var clock: GatewayClock { pool.clock }

    func complete(_ request: Request, endpoint: CompletionBody.Endpoint) async -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        } catch {
            metrics.rejected(reason: "too_large")
            return GatewayError.tooLarge(limit: configuration.maxBodyBytes).response
        }
        let body: CompletionBody
        do {
            body = try CompletionBody.parse(
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
            now: clock.now()
        )
        var excluded = Set<Int>()
        while true {
            var allowed = eligible ?? Set(router.descriptors.indices)
            allowed.subtract(excluded)
            guard let ticket = await admit(info, eligible: allowed) else {
                metrics.rejected(reason: "no_backend")
                return GatewayError.noBackend.response
            }
            let name = router.descriptors[ticket.backend].name
            metrics.decision(backend: name, policy: ticket.policy)
            switch await forward(ticket, buffer: buffer, body: body, endpoint: endpoint, headers: request.headers) {
            case .reply(let response):
                return response
            case .notDelivered(let reason):
                // The request never reached the backend: take it out and route again elsewhere.
                pool.markDown(ticket.backend, reason: reason)
                router.finish(ticket, outcome: .rerouted, now: clock.now())
                excluded.insert(ticket.backend)
            }
        }
    }

    /// Routes, waiting in the router's queue while the policy holds. Nil when no backend is up.
    private func admit(_ info: RequestInfo, eligible: Set<Int>) async -> LiveRouter.Ticket? {
        var held = false
        let start = clock.now()
        while true {
            let now = clock.now()
            switch router.route(
                info,
                now: now,
                held: held,
                eligible: eligible,
                mayHold: now - start < configuration.holdLimit
            ) {
            case .routed(let ticket): return ticket
            case .noBackend: return nil
            case .hold:
                held = true
                do {
                    try await Task.sleep(for: .milliseconds(10))
                } catch {
                    router.leaveQueue()
                    return nil
                }
            }
        }
    }

    private enum Forwarded {
        case reply(Response)
        case notDelivered(String)
    }

    private func forward(
        _ ticket: LiveRouter.Ticket,
        buffer: ByteBuffer,
        body: CompletionBody,
        endpoint: CompletionBody.Endpoint,
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
            if Self.neverDelivered(error) { return .notDelivered("\(endpoint.rawValue): \(Self.describe(error))") }
            let timedOut = (error as? HTTPClientError) == .deadlineExceeded
            let limit = body.stream ? configuration.firstByteTimeout : configuration.requestTimeout
            let reason =
                timedOut
                ? "no response head within \(Self.seconds(limit)) (first-byte timeout)" : Self.describe(error)
            pool.markDown(ticket.backend, reason: reason)
            end(ticket, outcome: .backendFailed(reason))
            let error: GatewayError = timedOut ? .timeout(backend.name, reason) : .badGateway(backend.name, reason)
            return .reply(error.response)
        }
        if body.stream, response.status.code == 200 {
            return .reply(stream(ticket, response))
        }
        return .reply(await whole(ticket, response))
    }

    /// A whole (non-streaming) reply, or any error reply: passed back with the backend's status and body.
    private func whole(_ ticket: LiveRouter.Ticket, _ response: HTTPClientResponse) async -> Response {
        let backend = router.descriptors[ticket.backend]
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 64 << 20)
        } catch {
            let reason = "reading the reply: \(Self.describe(error))"
            pool.markDown(ticket.backend, reason: reason)
            end(ticket, outcome: .backendFailed(reason))
            return GatewayError.badGateway(backend.name, reason).response
        }
        let status = Int(response.status.code)
        if status == 200 {
            router.firstToken(ticket, now: clock.now())
            let tokens = Self.completionTokens(in: body)
            router.streamed(ticket, tokens: tokens ?? 0, now: clock.now())
            end(ticket, outcome: .completed(completionTokens: tokens))
        } else if status >= 500 {
            end(ticket, outcome: .backendFailed("status \(status)"))
        } else {
            end(ticket, outcome: .abandoned)
        }
        var headers = HTTPFields()
        headers[.contentType] = response.headers.first(name: "content-type") ?? "application/json"
        headers[Self.backendHeader] = backend.name
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// A streaming reply: each chunk is written to the client as it arrives, unchanged, while an ``SSEScanner``
    /// watches it for tokens, usage and `[DONE]`. A stream that breaks, idles past the idle timeout, or ends
    /// without `[DONE]` gets a final SSE error event, and the backend is taken out until `/health` passes.
    private func stream(_ ticket: LiveRouter.Ticket, _ response: HTTPClientResponse) -> Response {
        let backend = router.descriptors[ticket.backend]
        let handler = self
        let body = ResponseBody { writer in
            var scanner = SSEScanner()
            var failure: String? = nil
            var clientGone = false
            do {
                for try await chunk in response.body {
                    let before = scanner.textChunks
                    let new = scanner.feed(chunk.readableBytesView)
                    if new > 0 {
                        let now = handler.clock.now()
                        if before == 0 { handler.router.firstToken(ticket, now: now) }
                        handler.router.streamed(ticket, tokens: new, now: now)
                    }
                    do {
                        try await writer.write(chunk)
                    } catch {
                        clientGone = true
                        break
                    }
                }
            } catch {
                failure =
                    (error as? HTTPClientError) == .readTimeout
                    ? "no byte for \(Self.seconds(handler.configuration.idleTimeout)) mid-stream (idle timeout)"
                    : "the stream broke: \(Self.describe(error))"
            }
            if clientGone {
                handler.end(ticket, outcome: .abandoned)
                return
            }
            if failure == nil, !scanner.done, !scanner.sawError {
                failure = "the stream ended before data: [DONE]"
            }
            if let failure {
                handler.pool.markDown(ticket.backend, reason: failure)
                handler.end(ticket, outcome: .backendFailed(failure))
                try? await writer.write(GatewayError.badGateway(backend.name, failure).sseEvent)
                try? await writer.finish(nil)
                return
            }
            if scanner.sawError {
                handler.end(ticket, outcome: .backendFailed("error event in the stream"))
            } else {
                handler.end(ticket, outcome: .completed(completionTokens: scanner.completionTokens))
            }
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = response.headers.first(name: "content-type") ?? "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[Self.backendHeader] = backend.name
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Ends the request in the router and the metrics.
    func end(_ ticket: LiveRouter.Ticket, outcome: LiveRouter.Outcome) {
        let now = clock.now()
        let name = router.descriptors[ticket.backend].name
        let timing = router.timing(of: ticket)
        router.finish(ticket, outcome: outcome, now: now)
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
            metrics.requestFinished(backend: name, policy: ticket.policy, outcome: "client_gone")
        case .rerouted:
            break
        }
    }

    // swift-format-ignore: NeverForceUnwrap
    // A valid literal field name: the initializer fails only for invalid characters.
    static let backendHeader = HTTPField.Name("x-switchyard-backend")!

    static func completionTokens(in body: ByteBuffer) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let usage = object["usage"] as? [String: Any],
            let tokens = usage["completion_tokens"] as? NSNumber
        else { return nil }
        return tokens.intValue
    }

    /// True when the error means the request never reached the backend, so routing it elsewhere is safe.
    static func neverDelivered(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        let text = String(describing: error).lowercased()
        return text.contains("connection refused") || text.contains("connectionrefused")
            || text.contains("connect timeout") || text.contains("connectTimeout".lowercased())
    }

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

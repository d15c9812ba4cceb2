import ExtProcAPI
import Foundation
import Gateway
import GatewayServer
import Logging
import OpenAIWire
import Routing
import SwiftProtobuf
import SwitchyardCore
import Synchronization
import Workload

/// What every exchange of one endpoint picker shares: the gateway's router and pool, and the backends' addresses.
public struct PickerContext: Sendable {
    public let lifecycle: RequestLifecycle
    public let endpoints: EndpointTable
    let logger: Logger
    /// Turns for requests without a body (a GET), which go to the up backends in turn, unaccounted.
    private let turn = Turn()

    public init(lifecycle: RequestLifecycle, endpoints: EndpointTable, logger: Logger) {
        self.lifecycle = lifecycle
        self.endpoints = endpoints
        self.logger = logger
    }

    var router: LiveRouter { lifecycle.pool.router }
    var clock: GatewayClock { lifecycle.pool.clock }

    func nextTurn() -> Int { turn.next() }

    private final class Turn: Sendable {
        private let count = Mutex(0)
        func next() -> Int {
            count.withLock { count in
                defer { count &+= 1 }
                return count
            }
        }
    }
}

/// One HTTP request as Envoy's external-processing stream shows it, in GIE's endpoint-picker protocol: the request
/// headers are held until the body is in, the body is read as an OpenAI request and routed by the gateway's router,
/// and the answer names the picked endpoint; then the response is followed, chunk by chunk, to keep the router's
/// ledger true (first token, tokens streamed, completion or failure) while every chunk goes back unchanged.
///
/// One task drives an exchange, message by message; ``close()`` ends whatever is still open when the stream ends.
final class PickerExchange {
    private let context: PickerContext
    private var requestHeaders: [String: String] = [:]
    private var body = Data()
    private var bodyDone = false
    private var ticket: LiveRouter.Ticket?
    private var ended = false
    /// False when Envoy says (its first message's `protocol_config`) that it sends no response body: the request then
    /// ends when Envoy closes the stream, which it does when the response is over (see ``close()``).
    private var followsResponseBody = true
    /// The response: its status, whether it streams, and its tokens.
    private var status = 0
    private var streaming = false
    private var tally = StreamTally()
    /// A copy of a whole (non-streaming) reply, for its `usage`, up to ``wholeReplyLimit`` bytes.
    private var whole = Data()
    private var wholeTooLarge = false
    static let wholeReplyLimit = 8 << 20
    /// How Envoy's local reply begins when it cannot connect to the upstream or loses it before the response.
    static let envoyConnectFailure = "upstream connect error or disconnect/reset before headers"

    /// True once nothing more is expected: an immediate response went back, or the response ended. The stream is
    /// then closed from this side (status OK), as the ext_proc protocol allows, so that the handler's task ends at
    /// once. (Envoy resets the stream anyway when its request ends, envoyproxy/envoy#38346; see deploy/ for what
    /// that means for the connection.)
    private(set) var finished = false

    init(context: PickerContext) {
        self.context = context
    }

    private var router: LiveRouter { context.router }
    private var lifecycle: RequestLifecycle { context.lifecycle }
    private var now: Double { context.clock.now() }

    /// The replies to one message from Envoy, in order; empty while the request's headers wait for its body.
    func handle(_ request: ProcessingRequest) async -> [ProcessingResponse] {
        let replies = await replies(to: request)
        if replies.contains(where: { if case .immediateResponse = $0.response { true } else { false } }) {
            finished = true
        }
        return replies
    }

    private func replies(to request: ProcessingRequest) async -> [ProcessingResponse] {
        if request.hasProtocolConfig { followsResponseBody = request.protocolConfig.responseBodyMode != .none }
        switch request.request {
        case .requestHeaders(let headers):
            for header in headers.headers.headers { requestHeaders[header.key.lowercased()] = header.text }
            if headers.endOfStream { return await routeBodyless(request) }
            return []
        case .requestBody(let chunk):
            if bodyDone { return [] }
            body.append(chunk.body)
            if body.count > lifecycle.pool.configuration.maxBodyBytes {
                bodyDone = true
                lifecycle.metrics.rejected(reason: "too_large")
                return [Self.reply(GatewayError.tooLarge(limit: lifecycle.pool.configuration.maxBodyBytes))]
            }
            guard chunk.endOfStream else { return [] }
            bodyDone = true
            return await route(request, endOfStream: true)
        case .requestTrailers:
            if bodyDone { return [ExtProcReplies.requestTrailers()] }
            bodyDone = true
            var replies = await route(request, endOfStream: false)
            if ticket != nil { replies.append(ExtProcReplies.requestTrailers()) }
            return replies
        case .responseHeaders(let headers):
            if headers.endOfStream { finished = true }
            followServedEndpoint(request)
            return [responseHeaders(headers)]
        case .responseBody(let chunk):
            responseBody(chunk.body, endOfStream: chunk.endOfStream)
            if chunk.endOfStream { finished = true }
            return [ExtProcReplies.responseBody(chunk.body, endOfStream: chunk.endOfStream)]
        case .responseTrailers:
            finishResponse()
            finished = true
            return [ExtProcReplies.responseTrailers()]
        case .none:
            return []
        }
    }

    /// Ends the request in the ledger if the stream closed before its response did (the client left, Envoy reset
    /// the stream, or the upstream failed).
    ///
    /// When Envoy sends no response body (`response_body_mode: NONE`, the lean bootstrap), the stream's end is the
    /// response's end: the request ends by its status, with no token count (a client that left mid-stream cannot be
    /// told from one that read to the end).
    func close() {
        guard let ticket, !ended else { return }
        ended = true
        if !followsResponseBody && status != 0 {
            // By its status, as a reply with no body. A stream's unseen first token was stood in for at its headers
            // (``responseHeaders(_:)``), so it completes with no TTFT or TBT recorded.
            lifecycle.endWhole(ticket, status: status, body: Data())
            return
        }
        tally.flush(ticket: ticket, router: router, now: now)
        if status >= 500 {
            lifecycle.end(ticket, outcome: .backendFailed("status \(status)"))
        } else {
            lifecycle.end(ticket, outcome: .abandoned)
        }
    }

    // MARK: - Request

    /// The backends this request may go to: those serving its model, within GIE's subset hint and the test header
    /// when present. Nil with the reply to send when none is left.
    private func candidates(model: String?, request: ProcessingRequest) -> (Set<Int>?, ProcessingResponse?) {
        let pool = lifecycle.pool
        var allowed = Set(router.descriptors.indices)
        if let eligible = pool.eligible(for: model) {
            if eligible.isEmpty, let model {
                lifecycle.metrics.rejected(reason: "unknown_model")
                return (nil, Self.reply(.unknownModel(model, served: pool.modelUnion().map(\.id))))
            }
            allowed.formIntersection(eligible)
        }
        let hint = request.metadataContext.filterMetadata[ExtProcReplies.subsetNamespace]?
            .fields[ExtProcReplies.subsetKey]
        if let hint {
            allowed.formIntersection(context.endpoints.matching(hint.endpointEntries))
            if allowed.isEmpty {
                lifecycle.metrics.rejected(reason: "no_backend")
                let entries = hint.endpointEntries.joined(separator: ",")
                return (
                    nil, Self.reply(.unavailable("No endpoint of the subset hint (\(entries)) can serve this request."))
                )
            }
        }
        if let selection = requestHeaders[ExtProcReplies.testSelectionHeader] {
            allowed.formIntersection(context.endpoints.matching(selection.split(separator: ",").map(String.init)))
            if allowed.isEmpty {
                lifecycle.metrics.rejected(reason: "no_backend")
                let header = ExtProcReplies.testSelectionHeader
                return (nil, Self.reply(.unavailable("No endpoint named by \(header): \(selection) is a backend.")))
            }
        }
        return (allowed, nil)
    }

    /// A request without a body (GET /v1/models, say) goes to the next up backend in turn; it is not a completion,
    /// so the router does not account for it.
    private func routeBodyless(_ request: ProcessingRequest) async -> [ProcessingResponse] {
        bodyDone = true
        let (allowed, refusal) = candidates(model: nil, request: request)
        if let refusal { return [refusal] }
        let up = (allowed ?? []).sorted().filter { router.isUp($0) }
        guard !up.isEmpty else {
            lifecycle.metrics.rejected(reason: "no_backend")
            return [Self.reply(.noBackend)]
        }
        let backend = up[context.nextTurn() % up.count]
        return [ExtProcReplies.route(to: context.endpoints.endpoints[backend], bodyLength: nil)]
    }

    /// Reads the body as an OpenAI request, routes it, and answers the held headers and then the body.
    private func route(_ request: ProcessingRequest, endOfStream: Bool) async -> [ProcessingResponse] {
        let path = requestHeaders[":path"].map { String($0.prefix { $0 != "?" }) } ?? ""
        let endpoint: CompletionEndpoint? = CompletionEndpoint.allCases.first { path == $0.rawValue }
        let parsed: (model: String, features: PromptFeatures, prefix: PrefixHashes?)
        switch Self.read(body, endpoint: endpoint) {
        case .success(let value): parsed = value
        case .failure(let error):
            lifecycle.metrics.rejected(reason: "bad_request")
            return [Self.reply(.badRequest(error.message, param: error.field))]
        }
        let (allowed, refusal) = candidates(model: parsed.model, request: request)
        if let refusal { return [refusal] }
        let info = router.arrive(parsed.features, prefix: parsed.prefix, now: now)
        let objective = lifecycle.pool.configuration.admission.objective { requestHeaders[$0] }
        switch await lifecycle.admission(info, eligible: allowed ?? [], objective: objective) {
        case .proceed: break
        case .cancelled: return []
        case .shed(let reason, let retryAfter):
            let error = GatewayError.shed(reason)
            return [
                ExtProcReplies.immediate(
                    status: error.code,
                    body: error.json,
                    details: error.message,
                    headers: [("retry-after", String(retryAfter)), ("x-switchyard-shed-reason", reason)]
                )
            ]
        }
        guard let ticket = await lifecycle.admit(info, eligible: allowed ?? []) else {
            if Task.isCancelled { return [] }
            lifecycle.metrics.rejected(reason: "no_backend")
            return [Self.reply(.noBackend)]
        }
        self.ticket = ticket
        let name = router.descriptors[ticket.backend].name
        lifecycle.metrics.decision(backend: name, policy: ticket.policy)
        let endpointAddress = context.endpoints.endpoints[ticket.backend]
        var replies = [ExtProcReplies.route(to: endpointAddress, bodyLength: body.count)]
        replies.append(contentsOf: ExtProcReplies.requestBody(body, endOfStream: endOfStream))
        return replies
    }

    struct BodyError: Error {
        var message: String
        var field: String?
    }

    /// The model, the predictor's features and the prefix hashes of a request body. A completion or chat body is
    /// read as `serve` reads it; any other path's body (embeddings, responses) needs only a `model`, and its size
    /// stands for its prompt. GIE requires `model` everywhere.
    static func read(
        _ body: Data,
        endpoint: CompletionEndpoint?
    ) -> Result<(model: String, features: PromptFeatures, prefix: PrefixHashes?), BodyError> {
        if let endpoint {
            let request: CompletionRequest
            do {
                request = try CompletionRequest.parse(body, endpoint: endpoint, estimateTokens: TokenEstimator.estimate)
            } catch {
                return .failure(BodyError(message: error.message, field: error.field))
            }
            guard let model = request.model, !model.isEmpty else {
                return .failure(BodyError(message: "The request needs a 'model' field.", field: "model"))
            }
            let features = PromptFeatures(promptTokens: request.promptTokens, text: request.promptText)
            return .success((model, features, request.prefix))
        }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            return .failure(BodyError(message: "The request body is not a JSON object.", field: nil))
        }
        guard let model = object["model"] as? String, !model.isEmpty else {
            return .failure(BodyError(message: "The request needs a 'model' field.", field: "model"))
        }
        return .success((model, PromptFeatures(promptTokens: max(1, body.count / 4)), nil))
    }

    static func reply(_ error: GatewayError) -> ProcessingResponse {
        ExtProcReplies.immediate(status: error.code, body: error.json, details: error.message)
    }

    // MARK: - Response

    /// Where Envoy really sent the request: GIE's served-endpoint metadata, or the `upstream.address` attribute
    /// (`response_attributes` in the filter's configuration), when Envoy says.
    static func servedEndpoint(_ request: ProcessingRequest) -> String? {
        let served = request.metadataContext.filterMetadata[ExtProcReplies.destinationNamespace]?
            .fields[ExtProcReplies.servedKey]?.endpointEntries.first
        let attribute = request.attributes["envoy.filters.http.ext_proc"]?.fields["upstream.address"]?
            .endpointEntries.first
        return served ?? attribute
    }

    /// Moves the request in the ledger when Envoy served it elsewhere than picked (a retry, or the override-host
    /// policy's fallback), so that the ledger counts it where it runs.
    private func followServedEndpoint(_ request: ProcessingRequest) {
        guard let ticket, !ended, let served = Self.servedEndpoint(request) else { return }
        guard let backend = context.endpoints.matching([served]).first, backend != ticket.backend,
            router.isUp(backend)
        else { return }
        let now = self.now
        lifecycle.end(ticket, outcome: .rerouted)
        if case .routed(let moved) = router.route(ticket.info, now: now, eligible: [backend], mayHold: false) {
            self.ticket = moved
            lifecycle.metrics.decision(backend: router.descriptors[backend].name, policy: "envoy-retry")
        } else {
            router.unrouted(ticket.info, reason: .noBackend)
            self.ticket = nil
        }
    }

    private func responseHeaders(_ headers: Envoy_Service_ExtProc_V3_HttpHeaders) -> ProcessingResponse {
        var contentType = ""
        for header in headers.headers.headers {
            switch header.key.lowercased() {
            case ":status": status = Int(header.text) ?? 0
            case "content-type": contentType = header.text.lowercased()
            default: break
            }
        }
        streaming = contentType.contains("text/event-stream")
        guard let ticket else { return ExtProcReplies.responseHeaders([]) }
        lifecycle.pool.noteReply(ticket.backend, serverError: status >= 500)
        if !followsResponseBody && status == 200 && streaming {
            // Its tokens will not be seen: the ledger counts it as decoding from the start of its stream.
            router.firstToken(ticket, now: now, seen: false)
        }
        if headers.endOfStream { finishResponse() }
        return ExtProcReplies.responseHeaders([("x-switchyard-backend", router.descriptors[ticket.backend].name)])
    }

    private func responseBody(_ chunk: Data, endOfStream: Bool) {
        guard let ticket, !ended else { return }
        if status == 200 && streaming {
            let now = self.now
            chunk.withUnsafeBytes { tally.feed($0, ticket: ticket, router: router, now: now) }
        } else if !wholeTooLarge {
            if whole.count + chunk.count > Self.wholeReplyLimit {
                wholeTooLarge = true
                whole = Data()
            } else {
                whole.append(chunk)
            }
        }
        if endOfStream { finishResponse() }
    }

    /// Ends the request in the ledger by the response's status and what its body said.
    private func finishResponse() {
        guard let ticket, !ended else { return }
        ended = true
        if status == 200 && streaming {
            tally.finish(ticket: ticket, router: router, now: now)
            lifecycle.end(ticket, outcome: tally.outcome)
            return
        }
        if status >= 500 || status == 0 {
            let reply = String(decoding: whole.prefix(300), as: UTF8.self)
            if reply.hasPrefix(Self.envoyConnectFailure) {
                // Envoy's own reply: it could not reach the backend we picked. Take it out now, as `serve` does when
                // its own connection fails, rather than waiting for the next scrape to fail.
                let reason = reply.split(separator: "\n").first.map(String.init) ?? reply
                lifecycle.pool.markDown(ticket.backend, reason: "through Envoy: \(reason)")
            }
        }
        lifecycle.endWhole(ticket, status: status, body: whole)
    }
}

import ExtProcAPI
import Foundation
import Gateway
import GatewayServer
import Logging
import SwiftProtobuf
import SwitchyardCore
import Testing

@testable import EndpointPicker

typealias Request = Envoy_Service_ExtProc_V3_ProcessingRequest
typealias Reply = Envoy_Service_ExtProc_V3_ProcessingResponse

/// Runs `body` with a gateway that is never started: its router and pool route and account, with no network. Its
/// HTTP clients are shut down afterwards.
func withIdleGateway(
    backends: [String] = ["http://10.0.0.1:8000", "http://10.0.0.2:8000"],
    policy: String = "round-robin",
    maxBodyBytes: Int = 4 << 20,
    configure: (inout GatewayConfiguration) -> Void = { _ in },
    _ body: (SwitchyardGateway) async throws -> Void
) async throws {
    var config = GatewayConfiguration(
        port: 0,
        backends: backends.map { BackendDescriptor(url: $0) },
        policy: policy,
        maxBodyBytes: maxBodyBytes
    )
    configure(&config)
    let gateway = try SwitchyardGateway(
        configuration: config,
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    )
    let outcome: Result<Void, any Error>
    do {
        try await body(gateway)
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    await gateway.shutdown()
    try outcome.get()
}

func pickerContext(_ gateway: SwitchyardGateway) throws -> PickerContext {
    PickerContext(
        lifecycle: RequestLifecycle(pool: gateway.pool, metrics: gateway.metrics),
        endpoints: try EndpointTable(backends: gateway.configuration.backends),
        logger: gateway.logger
    )
}

enum Make {
    static func headers(_ pairs: [(String, String)], endOfStream: Bool = false) -> Request {
        var request = Request()
        var headers = Envoy_Service_ExtProc_V3_HttpHeaders()
        headers.headers.headers = pairs.map { key, value in
            var header = Envoy_Config_Core_V3_HeaderValue()
            header.key = key
            header.rawValue = Data(value.utf8)
            return header
        }
        headers.endOfStream = endOfStream
        request.requestHeaders = headers
        return request
    }

    static func post(_ path: String = "/v1/completions", extra: [(String, String)] = []) -> Request {
        headers([(":method", "POST"), (":path", path), ("content-type", "application/json")] + extra)
    }

    static func body(_ text: String, endOfStream: Bool) -> Request {
        var request = Request()
        request.requestBody.body = Data(text.utf8)
        request.requestBody.endOfStream = endOfStream
        return request
    }

    static func responseHeaders(status: Int, contentType: String) -> Request {
        var request = Request()
        var headers = headers([(":status", "\(status)"), ("content-type", contentType)]).requestHeaders
        headers.endOfStream = false
        request.responseHeaders = headers
        return request
    }

    static func responseBody(_ text: String, endOfStream: Bool) -> Request {
        var request = Request()
        request.responseBody.body = Data(text.utf8)
        request.responseBody.endOfStream = endOfStream
        return request
    }

    /// GIE's subset hint, as a list or as one comma-separated string.
    static func subsetHint(_ entries: [String], asList: Bool = true) -> Envoy_Config_Core_V3_Metadata {
        var inner = Google_Protobuf_Struct()
        inner.fields["x-gateway-destination-endpoint-subset"] =
            asList
            ? Google_Protobuf_Value(
                listValue: Google_Protobuf_ListValue(values: entries.map { Google_Protobuf_Value(stringValue: $0) })
            )
            : Google_Protobuf_Value(stringValue: entries.joined(separator: ","))
        var metadata = Envoy_Config_Core_V3_Metadata()
        metadata.filterMetadata["envoy.lb.subset_hint"] = inner
        return metadata
    }
}

extension Reply {
    /// The headers the reply sets on the request or the response.
    var setHeaders: [String: String] {
        let options: [Envoy_Config_Core_V3_HeaderValueOption]
        switch response {
        case .requestHeaders(let reply): options = reply.response.headerMutation.setHeaders
        case .responseHeaders(let reply): options = reply.response.headerMutation.setHeaders
        case .immediateResponse(let reply): options = reply.headers.setHeaders
        default: options = []
        }
        var result: [String: String] = [:]
        for option in options { result[option.header.key] = String(decoding: option.header.rawValue, as: UTF8.self) }
        return result
    }

    var immediateStatus: Int? {
        if case .immediateResponse(let reply) = response { return reply.status.code.rawValue }
        return nil
    }

    var destination: String? {
        guard case .requestHeaders = response else { return nil }
        return setHeaders["x-gateway-destination-endpoint"]
    }
}

/// Routes one completion request through a fresh exchange; the replies to its last body chunk.
func routeOne(
    _ context: PickerContext,
    body: String = #"{"model":"m","prompt":"hello","max_tokens":4}"#,
    headers: [(String, String)] = [],
    metadata: Envoy_Config_Core_V3_Metadata? = nil
) async -> (PickerExchange, [Reply]) {
    let exchange = PickerExchange(context: context)
    var first = Make.post(extra: headers)
    if let metadata { first.metadataContext = metadata }
    #expect(await exchange.handle(first).isEmpty, "the header reply waits for the body")
    var last = Make.body(body, endOfStream: true)
    if let metadata { last.metadataContext = metadata }
    return (exchange, await exchange.handle(last))
}

@Suite struct PickerExchangeTests {
    @Test func aBodySplitAcrossChunksIsRoutedAndSentBackInChunksOfAt62000Bytes() async throws {
        try await withIdleGateway { gateway in
            let context = try pickerContext(gateway)
            let exchange = PickerExchange(context: context)
            let prompt = String(repeating: "lorem ipsum ", count: 12_500)
            let body = #"{"model":"m","max_tokens":4,"prompt":""# + prompt + #""}"#
            #expect(
                await exchange.handle(Make.post(extra: [("x-gateway-destination-endpoint", "6.6.6.6:1")])).isEmpty
            )
            let utf8 = Array(body.utf8)
            var replies: [Reply] = []
            var start = 0
            for size in [1, 1000, 40_000, 7] {
                replies += await exchange.handle(
                    Make.body(String(decoding: utf8[start..<start + size], as: UTF8.self), endOfStream: false)
                )
                start += size
            }
            #expect(replies.isEmpty, "nothing goes back before the body is complete")
            replies = await exchange.handle(
                Make.body(String(decoding: utf8[start...], as: UTF8.self), endOfStream: true)
            )

            let head = try #require(replies.first)
            #expect(head.destination == "10.0.0.1:8000", "round-robin's first pick, overwriting the client's copy")
            #expect(head.setHeaders["content-length"] == String(utf8.count))
            guard case .requestHeaders(let headers) = head.response else {
                Issue.record("not a header reply")
                return
            }
            #expect(headers.response.clearRouteCache_p)
            let lb = head.dynamicMetadata.fields["envoy.lb"]?.structValue.fields["x-gateway-destination-endpoint"]
            #expect(lb?.stringValue == "10.0.0.1:8000", "the same value in the envoy.lb metadata")

            let chunks = replies.dropFirst().map { reply -> Envoy_Service_ExtProc_V3_StreamedBodyResponse in
                reply.requestBody.response.bodyMutation.streamedResponse
            }
            #expect(chunks.count == (utf8.count + 61_999) / 62_000)
            #expect(chunks.allSatisfy { $0.body.count <= 62_000 })
            #expect(chunks.dropLast().allSatisfy { !$0.endOfStream } && chunks.last?.endOfStream == true)
            #expect(Array(chunks.reduce(Data()) { $0 + $1.body }) == utf8, "the body goes on unchanged")
            exchange.close()
        }
    }

    @Test func roundRobinAlternatesAndTheLedgerFollowsAStreamedResponse() async throws {
        try await withIdleGateway { gateway in
            let context = try pickerContext(gateway)
            let (first, firstReplies) = await routeOne(context)
            let (second, secondReplies) = await routeOne(context)
            #expect(firstReplies.first?.destination == "10.0.0.1:8000")
            #expect(secondReplies.first?.destination == "10.0.0.2:8000")
            #expect(gateway.router.totals.inFlight == 2)

            let headers = await first.handle(Make.responseHeaders(status: 200, contentType: "text/event-stream"))
            #expect(headers.first?.setHeaders["x-switchyard-backend"] == "10.0.0.1:8000")
            let chunks = [
                #"data: {"choices":[{"text":" a","index":0}]}"# + "\n\n",
                #"data: {"choices":[{"text":" b","index":0}]}"# + "\n\n",
                #"data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"# + "\n\n",
                "data: [DONE]\n\n",
            ]
            for chunk in chunks {
                let echoed = await first.handle(Make.responseBody(chunk, endOfStream: false))
                #expect(echoed.first?.responseBody.response.bodyMutation.streamedResponse.body == Data(chunk.utf8))
            }
            _ = await first.handle(Make.responseBody("", endOfStream: true))
            first.close()
            let status = gateway.router.backendStatus(now: gateway.clock.now())
            #expect(status[0].completed == 1 && status[0].outstanding == 0)

            // The second: the backend fails it with 500.
            _ = await second.handle(Make.responseHeaders(status: 500, contentType: "application/json"))
            _ = await second.handle(Make.responseBody(#"{"error":"boom"}"#, endOfStream: true))
            second.close()
            let after = gateway.router.backendStatus(now: gateway.clock.now())
            #expect(after[1].failed == 1 && after[1].outstanding == 0)
            #expect(gateway.router.totals.inFlight == 0)
        }
    }

    @Test func aRequestEnvoyServedElsewhereIsCountedWhereItRan() async throws {
        try await withIdleGateway { gateway in
            let context = try pickerContext(gateway)
            let (exchange, replies) = await routeOne(context)
            #expect(replies.first?.destination == "10.0.0.1:8000")
            var headers = Make.responseHeaders(status: 200, contentType: "application/json")
            var attributes = Google_Protobuf_Struct()
            attributes.fields["upstream.address"] = Google_Protobuf_Value(stringValue: "10.0.0.2:8000")
            headers.attributes["envoy.filters.http.ext_proc"] = attributes
            let reply = await exchange.handle(headers)
            #expect(reply.first?.setHeaders["x-switchyard-backend"] == "10.0.0.2:8000")
            _ = await exchange.handle(Make.responseBody(#"{"usage":{"completion_tokens":3}}"#, endOfStream: true))
            exchange.close()
            let status = gateway.router.backendStatus(now: gateway.clock.now())
            #expect(status.map(\.completed) == [0, 1] && status.map(\.outstanding) == [0, 0])
            #expect(gateway.router.totals.arrived == 1 && gateway.router.totals.completed == 1)
        }
    }

    /// Envoy configured to send no response body (the lean bootstrap) says so in its first message; the request
    /// then ends by its status when the stream closes, streamed or whole, with no token count.
    @Test func withNoResponseBodyTheStreamsEndEndsTheRequest() async throws {
        try await withIdleGateway { gateway in
            let context = try pickerContext(gateway)
            func lean(_ status: Int, _ contentType: String) async -> PickerExchange {
                let exchange = PickerExchange(context: context)
                var first = Make.post()
                first.protocolConfig.requestBodyMode = .fullDuplexStreamed
                first.protocolConfig.responseBodyMode = .none
                _ = await exchange.handle(first)
                _ = await exchange.handle(Make.body(#"{"model":"m","prompt":"hi","max_tokens":4}"#, endOfStream: true))
                let reply = await exchange.handle(Make.responseHeaders(status: status, contentType: contentType))
                #expect(reply.count == 1)
                #expect(!exchange.finished, "the body will not come: the stream's end is awaited")
                return exchange
            }
            let streamed = await lean(200, "text/event-stream")
            let whole = await lean(200, "application/json")
            let failed = await lean(503, "application/json")
            #expect(gateway.router.totals.inFlight == 3)
            for exchange in [streamed, whole, failed] { exchange.close() }
            let totals = gateway.router.totals
            #expect(totals.completed == 2 && totals.failed == 1 && totals.abandoned == 0 && totals.inFlight == 0)
            // Both completions count in the latencies; the stream's first token was not seen, so only the whole
            // reply has a TTFT.
            let snapshot = gateway.router.snapshot(now: gateway.clock.now())
            #expect(snapshot.e2e.count == 2 && snapshot.ttft.count == 1)
            // Without the configuration (Envoy following the body), a stream closed after the headers is a
            // response cut short.
            let (cut, _) = await routeOne(context)
            _ = await cut.handle(Make.responseHeaders(status: 200, contentType: "text/event-stream"))
            cut.close()
            #expect(gateway.router.totals.abandoned == 1)
        }
    }

    @Test func aStreamThatClosesBeforeItsResponseIsAbandonedNotLeaked() async throws {
        try await withIdleGateway { gateway in
            let context = try pickerContext(gateway)
            let (exchange, _) = await routeOne(context)
            #expect(gateway.router.totals.inFlight == 1)
            exchange.close()
            #expect(gateway.router.totals.inFlight == 0)
            #expect(gateway.router.totals.abandoned == 1)
        }
    }

    @Test func badBodiesGetGIEStatusCodesNamingTheField() async throws {
        try await withIdleGateway(maxBodyBytes: 1024) { gateway in
            let context = try pickerContext(gateway)
            let (_, missing) = await routeOne(context, body: #"{"prompt":"hi"}"#)
            #expect(missing.count == 1 && missing.first?.immediateStatus == 400)
            let message = String(decoding: missing.first?.immediateResponse.body ?? Data(), as: UTF8.self)
            #expect(message.contains(#""param":"model""#), "the error names the field: \(message)")
            let (_, invalid) = await routeOne(context, body: #"{"model": "m", "prompt": "#)
            #expect(invalid.first?.immediateStatus == 400)
            let (_, noPrompt) = await routeOne(context, body: #"{"model":"m"}"#)
            #expect(noPrompt.first?.immediateStatus == 400)
            let (_, large) = await routeOne(
                context,
                body: #"{"model":"m","prompt":""# + String(repeating: "x", count: 2000) + #""}"#
            )
            #expect(large.first?.immediateStatus == 413)
            #expect(gateway.router.totals.inFlight == 0, "no refused request enters the ledger")
        }
    }

    @Test func theSubsetHintAndTheTestHeaderLimitThePick() async throws {
        try await withIdleGateway(backends: ["http://10.0.0.1:8000", "http://10.0.0.2:8000", "http://10.0.0.3:8000"]) {
            gateway in
            let context = try pickerContext(gateway)
            for _ in 0..<4 {
                let (exchange, replies) = await routeOne(context, metadata: Make.subsetHint(["10.0.0.3:8000"]))
                #expect(replies.first?.destination == "10.0.0.3:8000")
                exchange.close()
            }
            let (commas, commaReplies) = await routeOne(
                context,
                metadata: Make.subsetHint(["10.0.0.2:8000", "10.0.0.9:8000"], asList: false)
            )
            #expect(commaReplies.first?.destination == "10.0.0.2:8000")
            commas.close()
            let (_, none) = await routeOne(context, metadata: Make.subsetHint(["10.9.9.9:8000"]))
            #expect(none.first?.immediateStatus == 503)
            let (_, empty) = await routeOne(context, metadata: Make.subsetHint([]))
            #expect(empty.first?.immediateStatus == 503)

            // GIE's conformance header: bare IPs name any port on that IP.
            for _ in 0..<3 {
                let (exchange, replies) = await routeOne(
                    context,
                    headers: [("test-epp-endpoint-selection", "10.0.0.1")]
                )
                #expect(replies.first?.destination == "10.0.0.1:8000")
                exchange.close()
            }
            let (_, unknown) = await routeOne(context, headers: [("test-epp-endpoint-selection", "10.1.1.1:80")])
            #expect(unknown.first?.immediateStatus == 503)
        }
    }

    @Test func aRequestWithoutABodyGoesToAnUpBackendUnaccounted() async throws {
        try await withIdleGateway { gateway in
            let context = try pickerContext(gateway)
            let exchange = PickerExchange(context: context)
            let replies = await exchange.handle(
                Make.headers([(":method", "GET"), (":path", "/v1/models")], endOfStream: true)
            )
            #expect(replies.count == 1)
            #expect(["10.0.0.1:8000", "10.0.0.2:8000"].contains(replies.first?.destination ?? ""))
            exchange.close()
            #expect(gateway.router.totals.arrived == 0)
        }
    }

    @Test func noBackendUpAnswers503() async throws {
        try await withIdleGateway { gateway in
            for index in 0..<2 { _ = gateway.router.markDown(index, reason: "test", now: gateway.clock.now()) }
            let (_, replies) = await routeOne(try pickerContext(gateway))
            #expect(replies.first?.immediateStatus == 503)
        }
    }

    /// The stream a real Envoy 1.40 sent (Fixtures/envoy-1.40-chat-stream): it decodes into the vendored types with
    /// nothing unknown, and replayed through an exchange it is routed, echoed and accounted.
    @Test func aCapturedEnvoyStreamDecodesAndReplays() async throws {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            .appendingPathComponent("envoy-1.40-chat-stream")
        let messages = try (1...9).map { index in
            try Request(
                serializedBytes: Array(
                    try Data(contentsOf: folder.appendingPathComponent(String(format: "%02d.bin", index)))
                )
            )
        }
        for message in messages { #expect(message.unknownFields.data.isEmpty) }
        let headers = messages[0].requestHeaders.headers.headers
        let byName = Dictionary(headers.map { ($0.key, $0.text) }, uniquingKeysWith: { first, _ in first })
        #expect(byName[":path"] == "/v1/chat/completions" && byName[":method"] == "POST")
        #expect(byName["x-request-id"] == "capture-1")
        #expect(messages[0].protocolConfig.requestBodyMode == .fullDuplexStreamed)
        #expect(messages[0].protocolConfig.responseBodyMode == .fullDuplexStreamed)
        #expect(
            String(decoding: messages[1].requestBody.body, as: UTF8.self).contains(#""model":"switchyard-emulated""#)
        )
        #expect(messages[2].requestBody.endOfStream && messages[2].requestBody.body.isEmpty)
        let upstream = messages[3].attributes["envoy.filters.http.ext_proc"]?.fields["upstream.address"]?.stringValue
        #expect(upstream == "127.0.0.1:8001")
        #expect(messages[8].responseBody.endOfStream)

        try await withIdleGateway(backends: ["http://127.0.0.1:8001", "http://127.0.0.1:8002"]) { gateway in
            let exchange = PickerExchange(context: try pickerContext(gateway))
            var replies: [Reply] = []
            for message in messages { replies += await exchange.handle(message) }
            exchange.close()
            #expect(replies.first?.destination == "127.0.0.1:8001")
            let status = gateway.router.backendStatus(now: gateway.clock.now())
            #expect(status[0].completed == 1 && status[0].failed == 0)
            let echoed = replies.compactMap { reply -> Data? in
                guard case .responseBody(let body) = reply.response else { return nil }
                return body.response.bodyMutation.streamedResponse.body
            }
            #expect(echoed == messages[4...8].map(\.responseBody.body), "each response chunk goes back unchanged")
        }
    }
}

@Suite struct EndpointTableTests {
    @Test func backendsAreNamedByAddressAndPort() throws {
        let table = try EndpointTable(
            backends: ["http://127.0.0.1:8001", "http://localhost:9", "http://[::1]:8000", "https://10.1.2.3"].map {
                BackendDescriptor(url: $0)
            }
        )
        #expect(table.endpoints == ["127.0.0.1:8001", "127.0.0.1:9", "[::1]:8000", "10.1.2.3:443"])
        #expect(table.matching(["127.0.0.1"]) == [0, 1], "a bare IP names every port on it")
        #expect(table.matching(["127.0.0.1:9", "[::1]:8000", "nonsense"]) == [1, 2])
        #expect(table.matching(["::1"]) == [2])
    }

    @Test func aNameIsResolvedOnceOrRefusedByName() throws {
        let named = try EndpointTable(backends: [BackendDescriptor(url: "http://vllm-0.vllm:8000")]) { host in
            host == "vllm-0.vllm" ? "10.4.0.7" : nil
        }
        #expect(named.endpoints == ["10.4.0.7:8000"])
        #expect(throws: GatewayConfigError.self) {
            try EndpointTable(backends: [BackendDescriptor(url: "http://nowhere.invalid:8000")]) { _ in nil }
        }
        do {
            _ = try EndpointTable(backends: [BackendDescriptor(url: "http://nowhere.invalid:8000")]) { _ in nil }
        } catch {
            #expect(error.description.contains("nowhere.invalid"))
        }
    }
}

import ExtProcAPI
import Foundation
import SwiftProtobuf

typealias ProcessingRequest = Envoy_Service_ExtProc_V3_ProcessingRequest
typealias ProcessingResponse = Envoy_Service_ExtProc_V3_ProcessingResponse
typealias HeaderValue = Envoy_Config_Core_V3_HeaderValue

/// The messages an endpoint picker sends back to Envoy, built as GIE's protocol (and llm-d's reference picker)
/// shapes them.
enum ExtProcReplies {
    /// GIE's header and dynamic-metadata key naming the picked endpoint.
    static let destinationKey = "x-gateway-destination-endpoint"
    /// The dynamic-metadata namespace Envoy's load balancers read.
    static let destinationNamespace = "envoy.lb"
    /// Where Envoy passes the subset hint: `filter_metadata[namespace][key]`, a list of `ip:port` (or one
    /// comma-separated string).
    /// GIE's key, in the `envoy.lb` namespace of the request's metadata, for the endpoint that served it.
    static let servedKey = "x-gateway-destination-endpoint-served"
    static let subsetNamespace = "envoy.lb.subset_hint"
    static let subsetKey = "x-gateway-destination-endpoint-subset"
    /// The request header GIE's conformance suite uses to name the endpoints a request may go to.
    static let testSelectionHeader = "test-epp-endpoint-selection"
    /// The largest body chunk sent back to Envoy (GIE's `BodyByteLimit`).
    static let bodyChunkLimit = 62_000

    /// A header to set, overwriting any copy the client sent (ext_proc's `set_headers` with `append` unset).
    static func set(_ name: String, _ value: String) -> Envoy_Config_Core_V3_HeaderValueOption {
        var option = Envoy_Config_Core_V3_HeaderValueOption()
        option.header.key = name
        option.header.rawValue = Data(value.utf8)
        option.appendAction = .overwriteIfExistsOrAdd
        return option
    }

    /// The answer to the request headers once the body is in: where the request goes, the body's new length, and
    /// an instruction to pick the route again (the destination header changes it).
    static func route(
        to endpoint: String,
        bodyLength: Int?,
        extraHeaders: [(String, String)] = []
    ) -> ProcessingResponse {
        var common = Envoy_Service_ExtProc_V3_CommonResponse()
        // `clear_route_cache` (swift-protobuf adds `_p`: a `clear` prefix would clash with its clear methods).
        common.clearRouteCache_p = true
        common.headerMutation.setHeaders.append(set(destinationKey, endpoint))
        if let bodyLength { common.headerMutation.setHeaders.append(set("content-length", String(bodyLength))) }
        for (name, value) in extraHeaders { common.headerMutation.setHeaders.append(set(name, value)) }
        var reply = ProcessingResponse()
        reply.requestHeaders.response = common
        reply.dynamicMetadata = destinationMetadata(endpoint)
        return reply
    }

    /// `{"envoy.lb": {"x-gateway-destination-endpoint": endpoint}}`.
    static func destinationMetadata(_ endpoint: String) -> Google_Protobuf_Struct {
        var inner = Google_Protobuf_Struct()
        inner.fields[destinationKey] = Google_Protobuf_Value(stringValue: endpoint)
        var outer = Google_Protobuf_Struct()
        outer.fields[destinationNamespace] = Google_Protobuf_Value(structValue: inner)
        return outer
    }

    /// The request body sent back in chunks of at most ``bodyChunkLimit`` bytes; the last carries `endOfStream`.
    static func requestBody(_ body: Data, endOfStream: Bool) -> [ProcessingResponse] {
        var replies: [ProcessingResponse] = []
        var start = body.startIndex
        repeat {
            let end = min(start + bodyChunkLimit, body.endIndex)
            var streamed = Envoy_Service_ExtProc_V3_StreamedBodyResponse()
            streamed.body = body[start..<end]
            streamed.endOfStream = endOfStream && end == body.endIndex
            var reply = ProcessingResponse()
            reply.requestBody.response.bodyMutation.streamedResponse = streamed
            replies.append(reply)
            start = end
        } while start < body.endIndex
        return replies
    }

    /// A response body chunk passed through unchanged.
    static func responseBody(_ chunk: Data, endOfStream: Bool) -> ProcessingResponse {
        var streamed = Envoy_Service_ExtProc_V3_StreamedBodyResponse()
        streamed.body = chunk
        streamed.endOfStream = endOfStream
        var reply = ProcessingResponse()
        reply.responseBody.response.bodyMutation.streamedResponse = streamed
        return reply
    }

    /// The answer to the response headers: unchanged but for `headers`, which are set.
    static func responseHeaders(_ headers: [(String, String)]) -> ProcessingResponse {
        var common = Envoy_Service_ExtProc_V3_CommonResponse()
        for (name, value) in headers { common.headerMutation.setHeaders.append(set(name, value)) }
        var reply = ProcessingResponse()
        reply.responseHeaders.response = common
        return reply
    }

    static func requestTrailers() -> ProcessingResponse {
        var reply = ProcessingResponse()
        reply.requestTrailers = Envoy_Service_ExtProc_V3_TrailersResponse()
        return reply
    }

    static func responseTrailers() -> ProcessingResponse {
        var reply = ProcessingResponse()
        reply.responseTrailers = Envoy_Service_ExtProc_V3_TrailersResponse()
        return reply
    }

    /// A local reply Envoy sends to the client instead of forwarding the request: `status` with `body` (an
    /// OpenAI-shaped JSON error) and `headers`.
    static func immediate(
        status: Int,
        body: Data,
        details: String,
        headers: [(String, String)] = []
    ) -> ProcessingResponse {
        var immediate = Envoy_Service_ExtProc_V3_ImmediateResponse()
        immediate.status.code = Envoy_Type_V3_StatusCode(rawValue: status) ?? .internalServerError
        immediate.body = body
        immediate.details = details
        immediate.headers.setHeaders.append(set("content-type", "application/json"))
        for (name, value) in headers { immediate.headers.setHeaders.append(set(name, value)) }
        var reply = ProcessingResponse()
        reply.immediateResponse = immediate
        return reply
    }
}

extension HeaderValue {
    /// The value as Envoy sent it: `raw_value` when set (Envoy's default), else `value`.
    var text: String {
        rawValue.isEmpty ? value : String(decoding: rawValue, as: UTF8.self)
    }
}

extension Google_Protobuf_Value {
    /// The strings a metadata value holds: a string's comma-separated entries, or a list's strings.
    var endpointEntries: [String] {
        switch kind {
        case .stringValue(let text): return text.split(separator: ",").map(String.init)
        case .listValue(let list): return list.values.flatMap(\.endpointEntries)
        default: return []
        }
    }
}

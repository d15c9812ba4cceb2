import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenAIWire

/// An error the gateway itself answers with, in OpenAI's error shape:
/// `{"error": {"message", "type", "param", "code"}}`.
public struct GatewayError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    var type: String
    var param: String?

    public init(status: HTTPResponse.Status, message: String, type: String, param: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
    }

    public static func badRequest(_ message: String, param: String? = nil) -> Self {
        Self(status: .badRequest, message: message, type: "BadRequestError", param: param)
    }

    public static func tooLarge(limit: Int) -> Self {
        Self(
            status: .contentTooLarge,
            message: "The request body is larger than the gateway's limit of \(limit) bytes (--max-body-bytes).",
            type: "BadRequestError"
        )
    }

    public static func unknownModel(_ model: String, served: [String]) -> Self {
        Self(
            status: .notFound,
            message: "The model '\(model)' does not exist. The backends serve: \(served.joined(separator: ", ")).",
            type: "NotFoundError",
            param: "model"
        )
    }

    public static let noBackend = Self(
        status: .serviceUnavailable,
        message: "No backend is up to serve this request; see /admin/state.",
        type: "ServiceUnavailableError"
    )

    /// The client left before the request was routed. Nobody reads the reply; its status, 499 as nginx and
    /// Envoy log a client that closed the request, is for the access log.
    public static let clientLeft = Self(
        status: .init(code: 499, reasonPhrase: "Client Closed Request"),
        message: "The client left while the request waited to be routed.",
        type: "ClientClosedRequest"
    )

    public static func badGateway(_ backend: String, _ reason: String) -> Self {
        Self(status: .badGateway, message: "Backend \(backend) failed: \(reason).", type: "BadGatewayError")
    }

    public static func timeout(_ backend: String, _ reason: String) -> Self {
        Self(status: .gatewayTimeout, message: "Backend \(backend): \(reason).", type: "GatewayTimeoutError")
    }

    public static func notFound(method: String, path: String) -> Self {
        Self(
            status: .notFound,
            message:
                "The gateway has no route \(method) \(path). Routes: POST /v1/completions, POST /v1/chat/completions, GET /v1/models, /health, /metrics, /admin/*.",
            type: "NotFoundError"
        )
    }

    public static func unauthorized() -> Self {
        Self(
            status: .unauthorized,
            message: "/admin/* needs 'Authorization: Bearer <token>' (the --admin-token).",
            type: "AuthenticationError"
        )
    }

    /// The HTTP status code.
    public var code: Int { Int(status.code) }

    /// Admission control shed the request (429; the OpenAI client raises RateLimitError).
    public static func shed(_ reason: String) -> Self {
        Self(status: .tooManyRequests, message: "Request shed by admission control: \(reason).", type: "RateLimitError")
    }

    public static func unavailable(_ message: String) -> Self {
        Self(status: .serviceUnavailable, message: message, type: "ServiceUnavailableError")
    }

    public var json: Data {
        OpenAIErrorBody(message: message, type: type, param: param, code: Int(status.code)).encoded()
    }

    var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// The error with a `Retry-After` header, in seconds.
    func response(retryAfter: Int) -> Response {
        var response = self.response
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }

    /// The error as the last event of an SSE stream.
    var sseEvent: ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
        return buffer
    }
}

import Foundation
import HTTPTypes
import OpenAIWire

/// An error the emulator answers with: an HTTP status and an OpenAI-style error body.
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case badRequest
        case notFound
        case internalError
        case unavailable
    }

    private let code: Code
    /// A full sentence naming the field or value at fault.
    public let message: String
    /// The request field at fault, when there is one.
    public let field: String?

    private init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// A body the shared OpenAI reader rejected: 400, with its words and field.
    init(_ error: OpenAIRequestError) {
        self.init(.badRequest, error.message, field: error.field)
    }

    /// The 400 for a body that failed to decode, naming the field when the decoder knows it.
    init(decoding error: DecodingError) {
        self.init(OpenAIRequestError(decoding: error))
    }

    /// The body is not JSON.
    static func invalidJSON(_ detail: String) -> EmulatorError {
        EmulatorError(.badRequest, "The request body is not valid JSON: \(detail).")
    }

    /// A required field is absent.
    static func missingField(_ field: String) -> EmulatorError {
        EmulatorError(.badRequest, "The request body is missing the required field '\(field)'.", field: field)
    }

    /// A field has a value of the wrong type or out of range.
    static func invalidField(_ field: String, _ problem: String) -> EmulatorError {
        EmulatorError(.badRequest, "The field '\(field)' \(problem).", field: field)
    }

    /// The body is larger than the cap.
    static func bodyTooLarge(limit: Int) -> EmulatorError {
        EmulatorError(.badRequest, "The request body is larger than \(limit) bytes.")
    }

    /// The model is not the one this instance serves.
    static func unknownModel(_ model: String, served: String) -> EmulatorError {
        EmulatorError(
            .notFound,
            "The model '\(model)' does not exist; this instance serves '\(served)'.",
            field: "model"
        )
    }

    /// The error-rate fault fired.
    static var injectedError: EmulatorError {
        EmulatorError(.internalError, "Injected fault: this request failed on purpose (error_rate).")
    }

    /// The refuse fault is on.
    static var refusing: EmulatorError {
        EmulatorError(.unavailable, "Injected fault: this instance is unavailable (unavailable).")
    }

    /// The HTTP status to answer with.
    public var status: HTTPResponse.Status {
        switch code {
        case .badRequest: .badRequest
        case .notFound: .notFound
        case .internalError: .internalServerError
        case .unavailable: .serviceUnavailable
        }
    }

    /// The OpenAI error `type`.
    var type: String {
        switch code {
        case .badRequest: "BadRequestError"
        case .notFound: "NotFoundError"
        case .internalError: "InternalServerError"
        case .unavailable: "ServiceUnavailableError"
        }
    }

    public var description: String { message }

    /// The OpenAI-style body: `{"error": {"message", "type", "param", "code"}}`.
    func jsonBody() -> Data {
        OpenAIErrorBody(message: message, type: type, param: field, code: Int(status.code)).encoded()
    }
}

extension JSONEncoder {
    /// The encoder for every emulator response: compact, with sorted keys so that bodies are reproducible.
    static var emulator: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

import Foundation

/// OpenAI's error body, `{"error": {"message", "type", "param", "code"}}`, as vLLM and the gateway answer.
public struct OpenAIErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var message: String
        /// `BadRequestError`, `NotFoundError`, ...
        public var type: String
        /// The field at fault; encoded as null when there is none.
        public var param: String?
        /// The HTTP status.
        public var code: Int

        public init(message: String, type: String, param: String?, code: Int) {
            self.message = message
            self.type = type
            self.param = param
            self.code = code
        }

        enum CodingKeys: String, CodingKey {
            case message, type, param, code
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }
    }

    public var error: Detail

    public init(message: String, type: String, param: String? = nil, code: Int) {
        error = Detail(message: message, type: type, param: param, code: code)
    }

    /// The body's bytes: compact, with sorted keys, so that replies are reproducible.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data(#"{"error":{}}"#.utf8)
    }
}

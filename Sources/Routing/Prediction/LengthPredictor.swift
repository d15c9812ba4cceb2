import SwitchyardCore

/// What a length predictor may read of a request: never its true output length.
public struct PromptFeatures: Sendable, Equatable {
    public var promptTokens: Int
    public var text: String?
    public var hint: String?

    public init(promptTokens: Int, text: String? = nil, hint: String? = nil) {
        self.promptTokens = promptTokens
        self.text = text
        self.hint = hint
    }

    public init(_ request: Request) {
        self.init(promptTokens: request.promptTokens, text: request.text, hint: request.hint)
    }
}

/// A predicted response length: a bucket of the scheme and a point estimate in tokens.
public struct LengthPrediction: Sendable, Equatable {
    public var bucket: Int
    public var tokens: Double

    public init(bucket: Int, tokens: Double) {
        self.bucket = bucket
        self.tokens = tokens
    }
}

/// Predicts a request's response length from its prompt.
public protocol LengthPredictor: Sendable {
    var name: String { get }
    var buckets: BucketScheme { get }
    func predict(_ features: PromptFeatures) -> LengthPrediction
}

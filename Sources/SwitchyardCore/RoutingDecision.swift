/// Where a policy sends a request.
public enum RoutingTarget: Sendable, Equatable, Hashable {
    case instance(InstanceID)
    /// Keep the request in the router's central queue and ask again later.
    case hold
}

/// A policy's choice, with its per-instance scores and a one-line reason for the decision log.
public struct RoutingDecision: Sendable, Equatable {
    public var target: RoutingTarget
    /// One score per instance, in instance order; what the score means is the policy's `scoreMeaning`. Empty
    /// when the policy scores nothing (round-robin, random).
    public var scores: [Double]
    /// Whether a lower score is better (true for costs, false for llm-d's scores).
    public var lowerIsBetter: Bool
    public var reason: String

    public init(target: RoutingTarget, scores: [Double] = [], lowerIsBetter: Bool = true, reason: String) {
        self.target = target
        self.scores = scores
        self.lowerIsBetter = lowerIsBetter
        self.reason = reason
    }

    public static func pick(_ id: InstanceID, scores: [Double] = [], lowerIsBetter: Bool = true, reason: String) -> Self
    {
        RoutingDecision(target: .instance(id), scores: scores, lowerIsBetter: lowerIsBetter, reason: reason)
    }
}

/// A decision as the decision log keeps it.
public struct DecisionRecord: Sendable, Equatable, Codable {
    public var time: Double
    public var request: Int
    public var promptTokens: Int
    public var predictedBucket: Int
    public var predictedTokens: Int
    /// The chosen instance, or nil for HOLD.
    public var instance: Int?
    public var policy: String
    /// Up to three best (instance, score) pairs, best first.
    public var topScores: [ScoredInstance]
    public var reason: String

    public struct ScoredInstance: Sendable, Equatable, Codable {
        public var instance: Int
        public var score: Double
        public init(instance: Int, score: Double) {
            self.instance = instance
            self.score = score
        }
    }

    public init(
        time: Double,
        request: Int,
        promptTokens: Int,
        predictedBucket: Int,
        predictedTokens: Int,
        instance: Int?,
        policy: String,
        topScores: [ScoredInstance],
        reason: String
    ) {
        self.time = time
        self.request = request
        self.promptTokens = promptTokens
        self.predictedBucket = predictedBucket
        self.predictedTokens = predictedTokens
        self.instance = instance
        self.policy = policy
        self.topScores = topScores
        self.reason = reason
    }

    /// Builds the record of `decision` for `request`, keeping the three best scores.
    public init(time: Double, request: RequestInfo, decision: RoutingDecision, policy: String) {
        var top: [ScoredInstance] = []
        if !decision.scores.isEmpty {
            let order = decision.scores.indices.sorted {
                decision.lowerIsBetter
                    ? decision.scores[$0] < decision.scores[$1] : decision.scores[$0] > decision.scores[$1]
            }
            top = order.prefix(3).map { ScoredInstance(instance: $0, score: decision.scores[$0]) }
        }
        let instance: Int?
        switch decision.target {
        case .instance(let id): instance = id.rawValue
        case .hold: instance = nil
        }
        self.init(
            time: time,
            request: request.id.rawValue,
            promptTokens: request.promptTokens,
            predictedBucket: request.predictedBucket,
            predictedTokens: Int(request.predictedOutputTokens + 0.5),
            instance: instance,
            policy: policy,
            topScores: top,
            reason: decision.reason
        )
    }
}

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
    /// Up to three best (instance, score) pairs, best first; the chosen instance is always among them (in the last
    /// place when a rule, such as a tail guard, chose beyond the three best).
    public var topScores: [ScoredInstance]
    public var reason: String

    public struct ScoredInstance: Sendable, Equatable, Codable {
        public var instance: Int
        public var score: Double
        /// True when the instance could not take the request (down, or not serving its model); nil otherwise.
        public var ineligible: Bool?
        /// The share of the prompt the router's prefix index credited as cached there; nil when none.
        public var cachedShare: Double?
        public init(instance: Int, score: Double, ineligible: Bool? = nil, cachedShare: Double? = nil) {
            self.instance = instance
            self.score = score
            self.ineligible = ineligible
            self.cachedShare = cachedShare
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

    /// Builds the record of `decision` for `request`, keeping the three best scores: instances that could take
    /// the request first, then the others, marked ineligible. When the chosen instance is not among them, it takes
    /// the third place, so that the log always shows the score of where the request went.
    /// - Parameters:
    ///   - time: When it was decided.
    ///   - request: The request routed.
    ///   - decision: The policy's decision.
    ///   - policy: The policy's name.
    ///   - eligible: Per instance, whether it could take the request; nil when all could.
    ///   - cachedTokens: Per instance, the prompt tokens the router expected cached there; nil when none.
    public init(
        time: Double,
        request: RequestInfo,
        decision: RoutingDecision,
        policy: String,
        eligible: [Bool]? = nil,
        cachedTokens: [Int]? = nil
    ) {
        var top: [ScoredInstance] = []
        if !decision.scores.isEmpty {
            func usable(_ index: Int) -> Bool { eligible.map { $0.indices.contains(index) && $0[index] } ?? true }
            let order = decision.scores.indices.sorted {
                if usable($0) != usable($1) { return usable($0) }
                return decision.lowerIsBetter
                    ? decision.scores[$0] < decision.scores[$1] : decision.scores[$0] > decision.scores[$1]
            }
            func share(_ index: Int) -> Double? {
                guard let cachedTokens, cachedTokens.indices.contains(index), cachedTokens[index] > 0 else {
                    return nil
                }
                return Double(cachedTokens[index]) / Double(max(1, request.promptTokens))
            }
            var shown = Array(order.prefix(3))
            if case .instance(let id) = decision.target, decision.scores.indices.contains(id.rawValue),
                !shown.contains(id.rawValue), let last = shown.indices.last
            {
                shown[last] = id.rawValue
            }
            top = shown.map {
                ScoredInstance(
                    instance: $0,
                    score: decision.scores[$0],
                    ineligible: usable($0) ? nil : true,
                    cachedShare: share($0)
                )
            }
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

import Foundation
import SwitchyardCore

/// What a request asks of the router: a time-to-first-token objective, and a priority (negative is sheddable, as
/// in GIE's InferenceObjective).
public struct ServiceObjective: Sendable, Equatable {
    /// Seconds from arrival to the first token; nil: none.
    public var ttft: Double?
    public var priority: Int

    public init(ttft: Double? = nil, priority: Int = 0) {
        self.ttft = ttft
        self.priority = priority
    }

    public var sheddable: Bool { priority < 0 }
}

/// Admission control's settings: a default objective, and named objectives a request picks with the header
/// `x-gateway-inference-objective` (GIE's name for it); `x-slo-ttft-ms` (llm-d's) sets its TTFT objective directly.
public struct AdmissionSettings: Sendable, Equatable {
    public var defaultObjective: ServiceObjective
    public var objectives: [String: ServiceObjective]

    public init(defaultObjective: ServiceObjective = ServiceObjective(), objectives: [String: ServiceObjective] = [:]) {
        self.defaultObjective = defaultObjective
        self.objectives = objectives
    }

    public static let objectiveHeader = "x-gateway-inference-objective"
    public static let ttftHeader = "x-slo-ttft-ms"

    /// The objective of a request with these headers (lower-cased names): the named one (an unknown name is the
    /// default), with `x-slo-ttft-ms` on top when it is a positive number.
    public func objective(headers: (String) -> String?) -> ServiceObjective {
        var objective = headers(Self.objectiveHeader).flatMap { objectives[$0] } ?? defaultObjective
        if let text = headers(Self.ttftHeader), let milliseconds = Double(text), milliseconds > 0 {
            objective.ttft = milliseconds / 1000
        }
        return objective
    }
}

/// Admission control's verdict on a request with a TTFT objective, from the router's prediction of its TTFT.
public enum AdmissionVerdict: Sendable, Equatable {
    /// Route it now.
    case admit
    /// Hold it in the router until an event may let it meet its objective, at the latest until `deadline`, when it
    /// no longer can.
    case wait(deadline: Double)
    /// Refuse it: answer 429 with `Retry-After`.
    case shed(reason: String, retryAfter: Int)

    /// - Parameters:
    ///   - best: The predicted TTFT on the best eligible backend now.
    ///   - floor: The TTFT it would have on an idle backend: no wait can bring it below this.
    ///   - elapsed: Seconds since it arrived.
    ///   - objective: Its objective.
    ///   - arrival: Its arrival time, for the deadline.
    /// - Returns: admit it, let it wait until a deadline, or shed it, with the reason and a retry time.
    public static func judge(
        best: Double,
        floor: Double,
        elapsed: Double,
        objective: ServiceObjective,
        arrival: Double
    ) -> AdmissionVerdict {
        guard let slo = objective.ttft, elapsed + best > slo else { return .admit }
        let retry = max(1, Int((best - slo).rounded(.up)))
        if objective.sheddable {
            return .shed(
                reason: String(
                    format: "sheddable: predicted TTFT %.2f s on the best backend exceeds its objective %.2f s",
                    best,
                    slo
                ),
                retryAfter: retry
            )
        }
        if elapsed + floor > slo {
            return .shed(
                reason: String(
                    format: "cannot meet its TTFT objective %.2f s: waited %.2f s, %.2f s predicted at best",
                    slo,
                    elapsed,
                    best
                ),
                retryAfter: retry
            )
        }
        return .wait(deadline: arrival + slo - floor)
    }

    /// A backend's predicted TTFT for a request of `promptTokens` of which `cachedTokens` are expected cached:
    /// the prefill the router knows is still queued there and the request's own uncached prefill, at the cost
    /// model's prefill rate, plus one iteration of the decodes running beside it.
    public static func predictedTTFT(
        on instance: InstanceLoad,
        promptTokens: Int,
        cachedTokens: Int,
        cost: CostModel
    ) -> Double {
        let own = max(0, promptTokens - cachedTokens)
        let prefill = Double(instance.prefillUncachedTokens + own) * cost.perPrefillToken
        let decode =
            Double(instance.decodeCount) * cost.perDecodeSequence + Double(instance.decodeContextTokens)
            * cost.perContextToken
        return cost.fixed + prefill + decode
    }
}

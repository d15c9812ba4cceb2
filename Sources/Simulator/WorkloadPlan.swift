import Engine
import Routing
import SwitchyardCore
import Workload

/// A loaded workload split into a training part (for the predictor and the DQN router) and an evaluation part,
/// with its offered rate: what `bench`, the simulated console and `train router` all start from.
public struct WorkloadPlan: Sendable {
    public var name: String
    public var source: String
    public var training: [Request]
    public var evaluation: [Request]
    public var hasArrivalTimes: Bool
    /// The offered mean rate, requests per second.
    public var rate: Double
    public var process: ArrivalProcess
    /// One instance's steady-state rate on the evaluation part (``CapacityEstimator``).
    public var capacityPerInstance: Double

    /// The share of a trace kept for training the default predictor; the rest is evaluated.
    public static let trainingShare = 0.25

    /// How the offered rate is chosen.
    public enum Offered: Sendable, Equatable {
        /// A mean rate in requests per second.
        case rate(Double)
        /// A fraction of the cluster's measured capacity.
        case load(Double)
    }

    /// Which length predictor a run uses.
    public enum PredictorChoice: String, Sendable, CaseIterable {
        case auto, ngram
        case bandMean = "band-mean"
        case shipped
    }

    /// Loads the workload and splits it: the first 25% trains the predictor, the rest (at most `requests`) runs.
    /// - Parameters:
    ///   - spec: The workload.
    ///   - dataDirectory: Where full traces are; nil consults `SWITCHYARD_DATA`.
    ///   - requests: At most this many evaluated requests.
    ///   - seed: Seed for sampled and generated workloads.
    ///   - profile: The instances' latency profile, for the capacity estimate.
    ///   - chunkedPrefill: Whether the instances chunk prefills.
    ///   - instances: The cluster size.
    ///   - offered: The rate, or the load as a fraction of capacity.
    ///   - arrivals: The arrival process for workloads without timestamps, given the rate.
    /// - Returns: The plan.
    /// - Throws: ``WorkloadError`` for a workload that cannot be loaded, ``PlanError`` for one too small or a
    ///   rate of zero, or what `arrivals` throws.
    public static func make(
        spec: WorkloadSpec,
        dataDirectory: String?,
        requests: Int?,
        seed: UInt64,
        profile: LatencyProfile,
        chunkedPrefill: Bool,
        instances: Int,
        offered: Offered,
        arrivals: (Double) throws -> ArrivalProcess
    ) throws -> WorkloadPlan {
        let limit = requests.map { Int((Double($0) / (1 - trainingShare)).rounded(.up)) + 1 }
        let loaded = try WorkloadLoader.load(spec: spec, dataDirectory: dataDirectory, seed: seed, limit: limit)
        guard loaded.requests.count >= 2 else {
            throw PlanError(
                description: "Workload '\(loaded.name)' has \(loaded.requests.count) requests; at least 2 are needed."
            )
        }
        let cut = max(1, Int(Double(loaded.requests.count) * trainingShare))
        let training = Array(loaded.requests[..<cut])
        var evaluation = Array(loaded.requests[cut...])
        if let requests { evaluation = Array(evaluation.prefix(requests)) }
        let origin = evaluation.first?.arrival ?? 0
        evaluation = evaluation.enumerated().map { index, request in
            var r = request
            r.id = RequestID(index)
            r.arrival = loaded.hasArrivalTimes ? request.arrival - origin : 0
            return r
        }
        let capacity = CapacityEstimator.requestsPerSecond(
            profile: profile,
            sample: Array(evaluation.prefix(2000)),
            chunkedPrefill: chunkedPrefill
        )
        let rate: Double =
            switch offered {
            case .rate(let explicit): explicit
            case .load(let load): load * capacity * Double(instances)
            }
        guard rate > 0 else { throw PlanError(description: "The offered rate for '\(loaded.name)' came out as 0.") }
        return WorkloadPlan(
            name: loaded.name,
            source: loaded.source,
            training: training,
            evaluation: evaluation,
            hasArrivalTimes: loaded.hasArrivalTimes,
            rate: rate,
            process: try arrivals(rate),
            capacityPerInstance: capacity
        )
    }

    /// The evaluation requests with arrivals at the offered rate for `seed`: a trace's own timeline rescaled (its
    /// burstiness kept, identical for every seed), or fresh arrivals from the process.
    public func timed(seed: UInt64) -> [Request] {
        if hasArrivalTimes { return ArrivalProcess.rescale(evaluation, toMeanRate: rate) }
        var rng = SeededGenerator(seed: seed)
        return process.assigningArrivals(to: evaluation, using: &rng)
    }

    /// The predictor for `choice`, trained on the training part only, so `bench` never measures requests the
    /// predictor saw. `auto` is `ngram` for workloads with prompt text and `band-mean` otherwise (on size-only
    /// traces the two use the same information, and the band means were as accurate on Azure).
    /// - Throws: What loading a shipped model throws.
    public func predictor(_ choice: PredictorChoice) throws -> any LengthPredictor {
        let hasText = training.contains { $0.text != nil }
        switch choice {
        case .bandMean:
            return PromptBucketMeanPredictor(training: training)
        case .auto where !hasText:
            return PromptBucketMeanPredictor(training: training)
        case .ngram, .auto:
            let examples = training.map {
                TrainingExample(features: PromptFeatures($0), outputTokens: $0.outputTokens, group: "\($0.id.rawValue)")
            }
            return PredictorTrainer(features: hasText ? .text : .promptLengthAndHint).train(examples)
        case .shipped:
            let isAzure = training.first?.hint == "conv" || training.first?.hint == "code"
            return try PredictorStore.loadShipped(isAzure ? PredictorStore.azureModel : PredictorStore.shareGPTModel)
        }
    }
}

/// A workload that cannot be planned: too few requests, or no offered rate.
public struct PlanError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

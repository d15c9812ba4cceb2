import Engine
import Routing
import SwitchyardCore

/// Measures how many requests per second one instance sustains on a workload.
///
/// It runs one simulated instance with a sample of the workload's requests all queued at time zero and measures the
/// steady state: completions per second between the warm-up (until a tenth of the sample has finished, while the
/// batch fills) and the drain (after the last request is admitted, when the batch empties and no longer runs full).
/// Dividing by the whole run, drain included, reported about 15% less than a saturated instance serves. `--load F`
/// then offers `F ×` this rate `×` the instance count.
public enum CapacityEstimator {
    /// - Parameters:
    ///   - profile: the instance's latency profile.
    ///   - sample: requests whose prompt and output lengths are representative; arrival times are ignored.
    ///   - chunkedPrefill: whether the instance chunks prefills.
    /// - Returns: sustained requests per second of one instance.
    public static func requestsPerSecond(
        profile: LatencyProfile,
        sample: [Request],
        chunkedPrefill: Bool = false
    ) -> Double {
        guard !sample.isEmpty else { return 0 }
        let queued = sample.enumerated().map { index, request in
            Request(
                id: RequestID(index),
                arrival: 0,
                promptTokens: request.promptTokens,
                outputTokens: request.outputTokens
            )
        }
        var simulation = Simulation(
            config: SimulationConfig(instances: 1, profile: profile, chunkedPrefill: chunkedPrefill),
            policy: RoundRobinPolicy(),
            predictor: PromptBucketMeanPredictor(training: []),
            workload: queued
        )
        simulation.runToCompletion()
        // Requests the instance rejects (longer than its context) are not served: they say nothing of its rate.
        let served = simulation.records.filter { !$0.rejected }
        return steadyRate(finished: served.map(\.finished), admitted: served.map(\.admitted))
    }

    /// Completions per second from the time a tenth of the requests had finished to the last admission; the whole
    /// run's rate when that window is empty (a sample too small to reach a steady state).
    static func steadyRate(finished: [Double], admitted: [Double]) -> Double {
        let done = finished.filter(\.isFinite).sorted()
        guard let last = done.last, last > 0 else { return 0 }
        let start = done[done.count / 10]
        let end = admitted.filter(\.isFinite).max() ?? last
        let inWindow = done.filter { $0 > start && $0 <= end }.count
        guard end > start, inWindow >= 10 else { return Double(done.count) / last }
        return Double(inWindow) / (end - start)
    }
}

import Engine
import Routing
import SwitchyardCore

/// Measures how many requests per second one instance sustains on a workload.
///
/// It runs one simulated instance with a sample of the workload's requests all queued at time zero and divides
/// the requests completed by the time taken. `--load F` then offers `F ×` this rate `×` the instance count.
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
        let makespan = simulation.records.map(\.finished).max() ?? 0
        return makespan > 0 ? Double(simulation.metrics.completed) / makespan : 0
    }
}

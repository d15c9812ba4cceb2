import RouterCore
import SwitchyardCore

/// The life of one request in a simulation, in seconds of simulated time (NaN until it happens).
public struct RequestRecord: Sendable, Equatable {
    public var arrival: Double
    public var routed: Double = .nan
    public var admitted: Double = .nan
    public var firstToken: Double = .nan
    public var finished: Double = .nan
    public var instance: Int = -1
    public var promptTokens: Int
    public var outputTokens: Int
    public var predictedBucket: Int = 0
    public var predictedTokens: Double = 0
    /// Part of the measured workload (false for operator-injected bursts).
    public var measured: Bool
    /// Rejected on arrival: longer than the instances' maximum model length. It has no latencies.
    public var rejected = false
    /// Prompt tokens the router's prefix index expected cached on the instance it chose.
    public var expectedCachedTokens = 0

    public init(arrival: Double, promptTokens: Int, outputTokens: Int, measured: Bool) {
        self.arrival = arrival
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.measured = measured
    }

    public var e2e: Double { finished - arrival }
    public var ttft: Double { firstToken - arrival }
}

extension RecentWindow {
    /// Records one completed simulated request.
    mutating func add(_ record: RequestRecord) {
        add(
            finished: record.finished,
            e2e: record.e2e,
            ttft: record.ttft,
            firstToken: record.firstToken,
            outputTokens: record.outputTokens
        )
    }
}

import SwitchyardCore

/// The result of `switchyard bench`: the JSON contract of design.md, field for field.
public struct BenchReport: Sendable, Codable, Equatable {
    public var workload: String
    public var instances: Int
    public var profile: String
    /// Requests per run (one policy, one seed).
    public var requests: Int
    public var seeds: [UInt64]
    /// Mean arrival rate offered, requests per second.
    public var rate: Double
    public var wallSeconds: Double
    /// requests × policies × seeds / wall_seconds.
    public var simulatedRequestsPerSecond: Double
    public var policies: [PolicyResult]

    enum CodingKeys: String, CodingKey {
        case workload, instances, profile, requests, seeds, rate, policies
        case wallSeconds = "wall_seconds"
        case simulatedRequestsPerSecond = "simulated_requests_per_second"
    }

    public struct Stats: Sendable, Codable, Equatable {
        public var mean: Double
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public init(_ summary: LatencySummary) {
            mean = summary.mean
            p50 = summary.p50
            p90 = summary.p90
            p99 = summary.p99
        }
    }

    public struct WaitStats: Sendable, Codable, Equatable {
        public var mean: Double
        public var p99: Double
        public init(_ summary: LatencySummary) {
            mean = summary.mean
            p99 = summary.p99
        }
    }

    public struct PolicyResult: Sendable, Codable, Equatable {
        public var name: String
        /// Requests completed, summed over seeds (requests × seeds when every request finished).
        public var completed: Int
        public var preemptions: Int
        public var e2e: Stats
        public var ttft: Stats
        public var tbt: Stats
        public var routerWait: WaitStats
        /// Relative change of mean E2E against the first policy listed (-0.12 = 12% lower).
        public var vsFirstMeanE2E: Double

        enum CodingKeys: String, CodingKey {
            case name, completed, preemptions, e2e, ttft, tbt
            case routerWait = "router_wait"
            case vsFirstMeanE2E = "vs_first_mean_e2e"
        }
    }
}

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
    /// Mean E2E the same requests would have each alone on an idle instance: the floor no router goes below.
    public var isolatedE2EMean: Double
    public var policies: [PolicyResult]

    enum CodingKeys: String, CodingKey {
        case workload, instances, profile, requests, seeds, rate, policies
        case wallSeconds = "wall_seconds"
        case simulatedRequestsPerSecond = "simulated_requests_per_second"
        case isolatedE2EMean = "isolated_e2e_mean"
    }

    /// E2E of the requests in the top decile by one size (prompt or output tokens).
    public struct Tail: Sendable, Codable, Equatable {
        /// The size at which the top decile starts, in tokens.
        public var threshold: Int
        public var requests: Int
        public var e2eMean: Double
        public var e2eP99: Double

        enum CodingKeys: String, CodingKey {
            case threshold, requests
            case e2eMean = "e2e_mean"
            case e2eP99 = "e2e_p99"
        }

        /// The top decile of `records` by `size`.
        init(_ records: [RequestRecord], size: (RequestRecord) -> Int) {
            let sizes = records.map(size).sorted()
            let cut = sizes.isEmpty ? 0 : sizes[Int(Double(sizes.count - 1) * 0.9)]
            threshold = cut
            let e2e = records.filter { size($0) >= cut && $0.finished.isFinite }.map(\.e2e).sorted()
            requests = e2e.count
            e2eMean = e2e.isEmpty ? 0 : e2e.reduce(0, +) / Double(e2e.count)
            e2eP99 = e2e.isEmpty ? 0 : e2e[min(e2e.count - 1, Int(Double(e2e.count - 1) * 0.99 + 0.5))]
        }
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
        /// Requests rejected on arrival (longer than the maximum model length), summed over seeds.
        public var rejected: Int
        /// Cached prompt tokens over prompt tokens looked up, over every instance (0 when nothing was looked up:
        /// a workload without prefix hashes).
        public var prefixHitRate: Double
        public var e2e: Stats
        public var ttft: Stats
        public var tbt: Stats
        public var routerWait: WaitStats
        /// Relative change of mean E2E against the first policy listed (-0.12 = 12% lower).
        public var vsFirstMeanE2E: Double
        /// The requests with the longest prompts (top 10%).
        public var longPrompts: Tail
        /// The requests with the longest outputs (top 10%).
        public var longOutputs: Tail

        enum CodingKeys: String, CodingKey {
            case name, completed, preemptions, rejected, e2e, ttft, tbt
            case prefixHitRate = "prefix_hit_rate"
            case routerWait = "router_wait"
            case vsFirstMeanE2E = "vs_first_mean_e2e"
            case longPrompts = "long_prompts"
            case longOutputs = "long_outputs"
        }
    }
}

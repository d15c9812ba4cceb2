import SwitchyardCore

/// Builds deterministic cluster snapshots for the console tests.
public enum SnapshotFixture {
    public static let policies = ["round-robin", "least-tokens", "least-kv", "workload-aware", "llm-d"]
    public static let bucketLabels = ["<256", "256-2k", "2k+"]

    /// A simulated cluster of `instances` instances, with 60 s of history, two markers and 20 decisions.
    public static func snapshot(
        instances count: Int = 4,
        twin: Bool = false,
        history seconds: Int = 60
    ) -> ClusterSnapshot {
        let instances = (0..<count).map(instance)
        let history = (0..<seconds).map { second in
            let t = Double(64 + second)
            let wave = Double((second * 7) % 13) / 13
            return LatencyPoint(
                time: t,
                e2eP50: 3 + 2 * wave,
                e2eP99: 12 + 8 * wave,
                ttftP50: 0.3 + 0.2 * wave,
                ttftP99: 1.5 + wave
            )
        }
        let decisions = (0..<20).map { k in
            DecisionRecord(
                time: 120 + Double(k) * 0.17,
                request: 1215 + k,
                promptTokens: k == 19 ? 1532 : 200 + 37 * k,
                predictedBucket: k % 3,
                predictedTokens: 180,
                instance: k == 18 ? nil : (k + 2) % max(1, count),
                policy: "workload-aware",
                topScores: [
                    .init(instance: 2, score: 0.41), .init(instance: 0, score: 0.52), .init(instance: 3, score: 0.6),
                ],
                reason: k == 18 ? "all instances saturated" : "least mixing impact"
            )
        }
        var snapshot = ClusterSnapshot(
            mode: .simulated,
            workload: "azure-conv",
            policy: "workload-aware",
            clock: 123.4,
            speed: 1,
            paused: false,
            instances: instances,
            routerQueue: 0,
            arrivalsPerSecond: 5.2,
            completionsPerSecond: 5.1,
            tokensPerSecond: 1234,
            arrived: 1300,
            completed: 1204,
            e2e: LatencySummary(mean: 5.02, p50: 4.21, p90: 9, p99: 18.3, count: 1204),
            ttft: LatencySummary(mean: 0.52, p50: 0.41, p90: 1.1, p99: 2.1, count: 1204),
            tbt: LatencySummary(mean: 0.031, p50: 0.028, p90: 0.05, p99: 0.09, count: 90_000),
            history: history,
            markers: [
                TimelineMarker(time: 100, kind: .policy, label: "workload-aware"),
                TimelineMarker(time: 110, kind: .burst, label: "prefill-heavy"),
            ],
            recentDecisions: decisions,
            bucketLabels: bucketLabels
        )
        if twin {
            snapshot.twin = TwinSnapshot(
                policy: "round-robin",
                instances: instances.map {
                    var copy = $0
                    copy.kvUsage = min(1, copy.kvUsage + 0.1)
                    return copy
                },
                routerQueue: 2,
                completed: 1180,
                e2e: LatencySummary(mean: 6.1, p50: 5, p90: 12, p99: 25, count: 1180),
                ttft: LatencySummary(mean: 0.56, p50: 0.45, p90: 1.3, p99: 2.31, count: 1180),
                tbt: LatencySummary(mean: 0.033, p50: 0.03, p90: 0.05, p99: 0.1, count: 88_000),
                history: history,
                recentDecisions: []
            )
        }
        return snapshot
    }

    /// Instance `i`: the first four are hand-picked (up, KV mid, KV high with preemptions, stale), the rest follow
    /// a pattern.
    public static func instance(_ i: Int) -> InstanceSnapshot {
        let fixed: [(queue: Int, tokens: Int, decoding: Int, kv: Double, preempt: Int, health: InstanceHealth)] = [
            (3, 4100, 42, 0.47, 0, .up), (0, 0, 17, 0.62, 0, .up), (7, 12_345, 60, 0.91, 5, .up),
            (1, 300, 8, 0.12, 0, .stale),
        ]
        let values =
            i < fixed.count ? fixed[i] : ((i * 3) % 5, 250 * (i % 7), 10 + i % 30, Double(i % 10) / 10, i % 3, .up)
        let requests = (0..<(i == 0 ? 5 : 2)).map { k in
            RequestSnapshot(
                id: 1000 + 10 * i + k,
                phase: k == 0 ? .prefill : .decode,
                promptTokens: 500 + 100 * k,
                generatedTokens: k == 4 ? 300 : 40 * k,
                predictedTokens: 256,
                predictedBucket: k % 3,
                kvBlocks: 4 + k
            )
        }
        return InstanceSnapshot(
            id: i,
            name: "i\(i)",
            health: values.health,
            prefillQueue: values.queue,
            prefillQueueTokens: values.tokens,
            prefilling: i == 0 ? 1 : 0,
            decoding: values.decoding,
            kvUsage: values.kv,
            kvBlocksUsed: Int(values.kv * 512),
            kvBlocksTotal: 512,
            predictedBuckets: [12, 4, i == 0 ? 1 : 0],
            preemptions: values.preempt,
            completed: i == 0 ? 1204 : 300 + i,
            requests: requests
        )
    }
}

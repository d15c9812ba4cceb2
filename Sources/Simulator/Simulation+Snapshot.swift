import Engine
import SwitchyardCore

extension Simulation {
    /// The cluster's prefix-cache hit rate so far; nil before any request with prefix hashes.
    public var prefixHitRate: Double? {
        let totals = prefixCacheTotals
        return totals.queries > 0 ? Double(totals.hits) / Double(totals.queries) : nil
    }

    /// Every instance as the console draws it; `detailLimit` caps the request list of each.
    public func instanceSnapshots(detailLimit: Int = 64) -> [InstanceSnapshot] {
        engines.indices.map { i in
            let engine = engines[i]
            return InstanceSnapshot(
                id: i,
                name: "i\(i)",
                health: loads[i].healthy ? .up : .down,
                prefillQueue: engine.waitingCount,
                prefillQueueTokens: engine.waitingPromptTokens,
                prefilling: engine.prefillingCount,
                decoding: engine.decodingCount,
                kvUsage: engine.kvUsage,
                kvBlocksUsed: engine.usedBlocks,
                kvBlocksTotal: engine.config.kvBlocks,
                predictedBuckets: engine.predictedBucketCounts(buckets: config.buckets.count),
                preemptions: engine.preemptions,
                completed: engine.completed,
                requests: detailLimit > 0 ? engine.requestSnapshots(limit: detailLimit) : [],
                prefixHitRate: engine.prefixQueries > 0
                    ? Double(engine.prefixHits) / Double(engine.prefixQueries) : nil
            )
        }
    }
}

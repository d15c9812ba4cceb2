import DequeModule
import SwitchyardCore

/// The router's own, approximate record of which prompt prefixes it sent to each instance, as llm-d's and SGLang's
/// routers keep one: the block hashes of the prompts it routed there, bounded per instance (least recently used
/// blocks go first) and aged (blocks not used for `maxAge` seconds are forgotten). It never reads the engines'
/// caches: an engine may have evicted a block the index still holds, or kept one it has forgotten.
public struct PrefixIndex: Sendable {
    /// Tokens of prefix each instance's record may hold (its KV capacity, by default).
    public var capacityTokens: [Int]
    /// Seconds after which a block not used again is forgotten.
    public var maxAge: Double

    struct Instance: Sendable {
        /// Block hash → the sequence number and time of its last use.
        var lastUse: [UInt64: (sequence: Int, time: Double)] = [:]
        /// Uses in order, oldest first; an entry whose sequence is not the block's last use is stale.
        var order: Deque<(hash: UInt64, sequence: Int, time: Double, tokens: Int)> = []
        var tokens = 0
    }

    var instances: [Instance]
    var sequence = 0

    /// - Parameters:
    ///   - capacityTokens: per instance, the tokens of prefix its record may hold.
    ///   - maxAge: seconds after which an unused block is forgotten.
    public init(capacityTokens: [Int], maxAge: Double = 600) {
        self.capacityTokens = capacityTokens
        self.maxAge = maxAge
        self.instances = Array(repeating: Instance(), count: capacityTokens.count)
    }

    /// Tokens of prefix the record holds for `instance`.
    public func tokens(at instance: Int) -> Int { instances[instance].tokens }

    /// Tokens of `prefix`'s leading blocks the record holds for `instance` (a whole number of blocks, capped at
    /// `promptTokens − 1`, as an engine always computes the prompt's last token).
    /// - Complexity: O(blocks matched).
    public func cachedTokens(of prefix: PrefixHashes, promptTokens: Int, at instance: Int, now: Double) -> Int {
        let record = instances[instance]
        guard !record.lastUse.isEmpty else { return 0 }
        var blocks = 0
        for hash in prefix.hashes {
            // A block older than the age limit counts as gone even before the next trim.
            guard let use = record.lastUse[hash], now - use.time <= maxAge else { break }
            blocks += 1
        }
        return min(blocks * prefix.blockTokens, max(0, promptTokens - 1))
    }

    /// Credits each of `instances` (in index order) with the tokens of `prefix` the record holds for it
    /// (``InstanceLoad/expectedCachedTokens``) and the size of its record (``InstanceLoad/prefixIndexTokens``):
    /// the view a policy sees for one request, the same in the simulator and the live router.
    public func credit(_ instances: inout [InstanceLoad], for prefix: PrefixHashes, promptTokens: Int, now: Double) {
        for index in instances.indices {
            instances[index].expectedCachedTokens = cachedTokens(
                of: prefix,
                promptTokens: promptTokens,
                at: index,
                now: now
            )
            instances[index].prefixIndexTokens = tokens(at: index)
        }
    }

    /// Records that `prefix` (a prompt of `promptTokens`) was sent to `instance` at `now`: its blocks are used
    /// there now, and the oldest or aged blocks beyond the capacity are forgotten.
    public mutating func record(_ prefix: PrefixHashes, promptTokens: Int, at instance: Int, now: Double) {
        var record = instances[instance]
        instances[instance] = Instance()  // keep the storage uniquely referenced while it is changed
        for (index, hash) in prefix.hashes.enumerated() {
            let start = index * prefix.blockTokens
            guard start < promptTokens else { break }
            let tokens = min(prefix.blockTokens, promptTokens - start)
            sequence += 1
            if record.lastUse.updateValue((sequence, now), forKey: hash) == nil { record.tokens += tokens }
            record.order.append((hash, sequence, now, tokens))
        }
        trim(&record, capacity: capacityTokens[instance], now: now)
        instances[instance] = record
    }

    /// Forgets blocks beyond the capacity (least recently used first) and blocks older than the age limit.
    public mutating func trim(now: Double) {
        for index in instances.indices {
            var record = instances[index]
            instances[index] = Instance()
            trim(&record, capacity: capacityTokens[index], now: now)
            instances[index] = record
        }
    }

    private func trim(_ record: inout Instance, capacity: Int, now: Double) {
        while let oldest = record.order.first {
            let current = record.lastUse[oldest.hash]?.sequence == oldest.sequence
            guard !current || record.tokens > capacity || now - oldest.time > maxAge else { break }
            record.order.removeFirst()
            if current {
                record.lastUse.removeValue(forKey: oldest.hash)
                record.tokens -= oldest.tokens
            }
        }
        // Stale uses pile up when the same blocks are sent again and again; compact them away.
        if record.order.count > 4 * max(16, record.lastUse.count) {
            record.order = Deque(record.order.filter { record.lastUse[$0.hash]?.sequence == $0.sequence })
        }
    }
}

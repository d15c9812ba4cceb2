import SwitchyardCore

/// Automatic prefix caching, as vLLM does it: a request's leading prompt blocks that are already cached on the
/// instance are shared, not computed again; its prompt's full blocks enter the cache once computed and stay there,
/// evictable, after it ends. Only requests with ``PrefixHashes`` take part.
extension Engine {
    /// The hash of prompt block `block` of slot `s`, or nil when it has none.
    func promptBlockHash(_ s: Int32, _ block: Int) -> UInt64? {
        slotPrefix[Int(s)]?.hash(ofBlock: block, size: config.blockSize, promptTokens: slots[Int(s)].prompt)
    }

    /// Leading prompt blocks of slot `s` found in the cache, and how many of those are evictable (using them
    /// again takes them out of the free space). At least the prompt's last token is always computed, as in vLLM.
    /// - Complexity: O(blocks found).
    mutating func cachedPrefix(of s: Int32) -> (blocks: Int, evictable: Int) {
        guard slotPrefix[Int(s)] != nil else { return (0, 0) }
        if let last = prefixLookup, last.slot == s, last.generation == slots[Int(s)].generation,
            last.version == prefixCache.version
        {
            return (last.blocks, last.evictable)
        }
        let limit = (slots[Int(s)].prompt - 1) / config.blockSize
        var blocks = 0
        var evictable = 0
        while blocks < limit, let hash = promptBlockHash(s, blocks) {
            let state = prefixCache.state(of: hash)
            guard state.cached else { break }
            if state.evictable { evictable += 1 }
            blocks += 1
        }
        prefixLookup = (s, slots[Int(s)].generation, prefixCache.version, blocks, evictable)
        return (blocks, evictable)
    }

    /// Slot `s` is admitted with its first `blocks` prompt blocks from the cache: it references them. At its first
    /// admission its prompt counts as a cache query and those blocks' tokens as hits.
    mutating func pin(_ s: Int32, blocks: Int, first: Bool) {
        for block in 0..<blocks {
            guard let hash = promptBlockHash(s, block) else { preconditionFailure("pinning an unhashed block") }
            if prefixCache.acquire(hash) { usedBlocks += 1 }
        }
        slots[Int(s)].pinned = blocks
        if first {
            prefixQueries += slots[Int(s)].prompt
            prefixHits += blocks * config.blockSize
        }
    }

    /// Slot `s` lets go of its cached blocks; those no other request references become evictable (free). As in
    /// vLLM, they are freed last block first, so a prompt's later blocks are evicted before its first ones.
    mutating func unpin(_ s: Int32) {
        let pinned = slots[Int(s)].pinned
        guard pinned > 0 else { return }
        for block in (0..<pinned).reversed() {
            guard let hash = promptBlockHash(s, block) else { preconditionFailure("unpinning an unhashed block") }
            if prefixCache.release(hash) { usedBlocks -= 1 }
        }
        slots[Int(s)].pinned = 0
    }

    /// Slot `s` has computed its prompt: each full prompt block it holds privately enters the cache. A block that
    /// another request cached meanwhile is shared instead, and the private copy freed.
    mutating func cachePrompt(_ s: Int32) {
        let i = Int(s)
        var block = slots[i].pinned
        while let hash = promptBlockHash(s, block) {
            switch prefixCache.register(hash) {
            case .inserted: break
            // The cached copy is used (again) and the private one freed: used blocks net −1 when the cached one was
            // already counted, 0 when it comes back from the evictable ones.
            case .shared: usedBlocks -= 1
            case .revived: break
            }
            slots[i].heldBlocks -= 1
            block += 1
        }
        slots[i].pinned = block
    }

    /// Evicts cached blocks no request uses, oldest first, while used and evictable blocks exceed the capacity.
    mutating func evictCachedBlocksBeyondCapacity() {
        while usedBlocks + prefixCache.evictable > config.kvBlocks, prefixCache.evictOldest() {}
    }
}

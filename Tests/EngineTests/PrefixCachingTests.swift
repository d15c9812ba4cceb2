import Engine
import SwitchyardCore
import Testing

/// A prompt whose first `shared` 16-token blocks are common to every prompt made with the same `family`, and
/// whose later blocks are its own.
func prefixed(_ id: Int, prompt: Int, output: Int, family: UInt64, shared: Int, at arrival: Double = 0) -> Request {
    let blocks = (prompt + 15) / 16
    let hashes = (0..<blocks).map { block in
        block < shared ? family &* 1_000_003 &+ UInt64(block) : UInt64(id) << 32 | UInt64(block)
    }
    return Request(
        id: RequestID(id),
        arrival: arrival,
        promptTokens: prompt,
        outputTokens: output,
        prefix: PrefixHashes(blockTokens: 16, hashes: hashes)
    )
}

@Suite struct PrefixHashesTests {
    @Test func fineBlocksAreKeyedByTheCoarseBlockHoldingTheirEnd() {
        let coarse = PrefixHashes(blockTokens: 64, hashes: [10, 11])
        // 16-token blocks of a 100-token prompt: blocks 0-3 end in coarse block 0, block 4 in coarse block 1, and
        // block 5 would end at token 96 <= 100 but block 6 would not.
        let fine = (0..<7).map { coarse.hash(ofBlock: $0, size: 16, promptTokens: 100) }
        #expect(fine[0...5].allSatisfy { $0 != nil })
        #expect(fine[6] == nil, "a block past the prompt has no hash")
        #expect(Set(fine.compactMap { $0 }).count == 6, "each block its own key")
        #expect(coarse.fullBlocks(size: 16, promptTokens: 100) == 6)
        // The same first coarse block: the same first four fine blocks; a different second one changes the rest.
        let other = PrefixHashes(blockTokens: 64, hashes: [10, 99])
        let fineOther = (0..<6).map { other.hash(ofBlock: $0, size: 16, promptTokens: 100) }
        #expect(fine[0..<4] == fineOther[0..<4])
        #expect(fine[4] != fineOther[4] && fine[5] != fineOther[5])
    }
}

@Suite struct PrefixCacheTests {
    @Test func referencedBlocksStayAndFreedOnesAreEvictedOldestFirst() {
        var cache = PrefixCache()
        let first = cache.register(1)
        let second = cache.register(2)
        let again = cache.register(1)
        #expect(first == .inserted && second == .inserted && again == .shared)
        let stillReferenced = cache.release(1)
        #expect(stillReferenced == false, "still referenced once")
        let freedTwo = cache.release(2)
        let freedOne = cache.release(1)
        #expect(freedTwo && freedOne)
        #expect(cache.evictable == 2 && cache.referenced == 0 && cache.violation == nil)
        // Block 2 was freed first: it would go first; using it again revives it, so block 1 goes.
        let revived = cache.acquire(2)
        #expect(revived, "using a freed block again revives it")
        let evicted = cache.evictOldest()
        #expect(evicted)
        #expect(cache.state(of: 1).cached == false)
        #expect(cache.state(of: 2) == (true, false))
        let evictedReferenced = cache.evictOldest()
        #expect(!evictedReferenced, "a referenced block is never evicted")
        #expect(cache.violation == nil)
    }
}

@Suite struct PrefixCachingEngineTests {
    @Test func aRepeatedPrefixIsNotComputedAgainAndCountsAsHits() {
        var engine = Engine(config: smallConfig(blocks: 200))
        engine.submit(prefixed(0, prompt: 640, output: 4, family: 7, shared: 30), now: 0)
        let (_, firstEnd) = drain(&engine)
        #expect(engine.prefixQueries == 640 && engine.prefixHits == 0)
        #expect(engine.usedBlocks == 0 && engine.prefixCache.evictable == 40, "the prompt's 40 blocks stay cached")
        // Same first 30 blocks (480 tokens): only 160 tokens are prefilled.
        engine.submit(prefixed(1, prompt: 640, output: 4, family: 7, shared: 30), now: firstEnd)
        var events: [EngineEvent] = []
        let summary = engine.step(now: firstEnd, events: &events)
        #expect(summary?.prefillTokens == 160)
        engine.checkInvariants()
        // The detail view counts the whole context: the 30 shared blocks, its own 10 and the one its first token opened.
        #expect(engine.requestSnapshots().first?.kvBlocks == 41)
        #expect(engine.prefixQueries == 1280 && engine.prefixHits == 480)
        _ = drain(&engine, from: firstEnd + (summary?.duration ?? 0))
        // Request 2 finds the 30 shared blocks (the others of 0 and 1 were their own) and caches all 40 of its
        // prompt; request 3, the same prompt, finds them all but still computes the last block (vLLM computes at
        // least one token).
        engine.submit(prefixed(2, prompt: 640, output: 2, family: 7, shared: 40), now: 100)
        _ = drain(&engine, from: 100)
        #expect(engine.prefixHits == 480 + 480)
        engine.submit(prefixed(3, prompt: 640, output: 2, family: 7, shared: 40), now: 200)
        _ = drain(&engine, from: 200)
        #expect(engine.prefixHits == 480 + 480 + 39 * 16)
        #expect(engine.prefixHits <= engine.prefixQueries)
    }

    @Test func cachedBlocksGiveWayWhenSpaceIsNeededAndUsageCountsOnlyUsedBlocks() {
        var engine = Engine(config: smallConfig(blocks: 64))
        engine.submit(prefixed(0, prompt: 480, output: 2, family: 1, shared: 30), now: 0)
        var (_, now) = drain(&engine)
        #expect(engine.prefixCache.evictable == 30 && engine.kvUsage == 0, "cached but free blocks are not usage")
        // A request of another family needs 47 blocks: the 34 never used, and 13 taken from the cached ones,
        // evicted oldest first.
        engine.submit(prefixed(1, prompt: 740, output: 2, family: 2, shared: 47), now: now)
        (_, now) = drain(&engine, from: now)
        #expect(engine.prefixCache.evictions >= 13)
        #expect(engine.usedBlocks == 0)
        #expect(engine.prefixCache.count <= 64)
        // The first family's first block was freed last, so its head outlives its tail where anything survives.
        let head = PrefixHashes(blockTokens: 16, hashes: [1 &* 1_000_003]).hash(ofBlock: 0, size: 16, promptTokens: 16)
        let tail = PrefixHashes(blockTokens: 16, hashes: Array(repeating: 0, count: 29) + [1 &* 1_000_003 &+ 29])
            .hash(ofBlock: 29, size: 16, promptTokens: 480)
        if let head, let tail, engine.prefixCache.state(of: tail).cached {
            #expect(engine.prefixCache.state(of: head).cached)
        }
    }

    @Test func sharedPrefixesUnderPreemptionKeepEveryInvariant() {
        // Tight memory, long outputs and four families of prefixes: preemptions, recomputes that hit the cache,
        // sharing between running requests and evictions, with the invariants checked after every iteration.
        var engine = Engine(config: smallConfig(blocks: 120, batch: 12, budget: 2048, chunked: true))
        var rng = SplitMix64(seed: 42)
        for i in 0..<120 {
            let prompt = 64 + Int(rng.next() % 600)
            let output = 1 + Int(rng.next() % 300)
            let family = rng.next() % 4
            engine.submit(
                prefixed(i, prompt: prompt, output: output, family: family, shared: Int(rng.next() % 30)),
                now: 0
            )
        }
        let (events, _) = drain(&engine)
        #expect(events.filter { $0.kind == .finished }.count == 120)
        #expect(events.contains { $0.kind == .preempted }, "the case exercises preemption")
        #expect(engine.prefixHits > 0 && engine.prefixHits <= engine.prefixQueries)
        #expect(engine.usedBlocks == 0 && engine.prefixCache.referenced == 0)
    }

    @Test func requestsWithoutHashesOrWithCachingOffShareNothing() {
        var off = smallConfig(blocks: 200)
        off.prefixCaching = false
        var engine = Engine(config: off)
        engine.submit(prefixed(0, prompt: 320, output: 2, family: 3, shared: 20), now: 0)
        engine.submit(prefixed(1, prompt: 320, output: 2, family: 3, shared: 20), now: 0)
        _ = drain(&engine)
        #expect(engine.prefixQueries == 0 && engine.prefixCache.count == 0)
    }
}

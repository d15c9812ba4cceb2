import DequeModule
import HeapModule
import SwitchyardCore

/// One serving instance as an iteration-level model in the style of vLLM.
///
/// Each ``step(now:events:)`` runs one iteration:
/// 1. every decoding request produces one token; a request whose KV blocks are full gets a new block, and when
///    none is free the newest running request is preempted (its KV is freed and it rejoins the front of the
///    queue, to be recomputed);
/// 2. waiting requests are admitted in FCFS order while the batch has seats, the token budget has room and their
///    prompt's KV blocks are free (with chunked prefill, long prompts are split across iterations);
/// 3. the iteration's duration comes from the ``CostModel``.
///
/// The work per iteration is O(1) plus O(log n) per request admitted, finished or preempted: decode progress is
/// derived from an iteration counter rather than stored per token, and the requests that need a new KV block in
/// an iteration are counted by the residue of their context length modulo the block size.
public struct Engine: Sendable {
    public let config: EngineConfig

    struct Slot {
        var request: RequestID
        var prompt: Int
        var output: Int
        var phase: Phase
        /// Tokens generated before the current decode run began (or so far, when not decoding).
        var generatedBase: Int
        /// Iteration index of the first decode iteration of the current run.
        var decodeStart: Int
        /// Tokens to prefill in the current admission (prompt + tokens generated before a preemption).
        var prefillTarget: Int
        var prefilled: Int
        /// KV blocks held while not decoding (decoding requests derive theirs from their context length).
        var heldBlocks: Int
        var prev: Int32
        var next: Int32
        var generation: Int32
        var lastTokenTime: Double
        var everAdmitted: Bool
        var predictedTokens: Int
        var predictedBucket: Int
        /// Leading prompt blocks this request references in the prefix cache (shared; not in `heldBlocks` and
        /// not counted by `blocks(_:)`'s private share).
        var pinned: Int
    }

    struct FinishKey: Comparable {
        var iteration: Int
        var slot: Int32
        var generation: Int32
        static func < (a: FinishKey, b: FinishKey) -> Bool {
            a.iteration != b.iteration ? a.iteration < b.iteration : a.slot < b.slot
        }
    }

    var slots: [Slot] = []
    var freeSlots: [Int32] = []
    var waitingQueue: Deque<Int32> = []
    /// Admitted requests whose prefill is not complete (chunked prefill), in admission order.
    var prefillingQueue: Deque<Int32> = []
    var finishHeap: Heap<FinishKey> = []
    /// Running requests (prefilling and decoding) in admission order; the tail is the newest.
    var runHead: Int32 = -1
    var runTail: Int32 = -1
    /// Decoding requests per residue: `crossing[r]` counts those whose blocks are full when `iteration % bs == r`.
    var crossing: [Int]
    var scratch: [Int32] = []
    /// Each slot's prefix hashes, when its request has them and prefix caching is on.
    var slotPrefix: [PrefixHashes?] = []
    /// The automatic prefix cache (used only by requests with prefix hashes).
    public internal(set) var prefixCache = PrefixCache()
    /// Prompt tokens looked up in the prefix cache, and those found there (vLLM's
    /// `prefix_cache_queries` and `prefix_cache_hits`), counted at a request's first admission.
    public internal(set) var prefixQueries = 0
    public internal(set) var prefixHits = 0
    /// The last prefix lookup: a head of the queue that cannot be admitted is looked up again every iteration,
    /// and while the cache has not changed the answer is the same.
    var prefixLookup: (slot: Int32, generation: Int32, version: Int, blocks: Int, evictable: Int)? = nil

    /// Iterations run so far.
    public private(set) var iteration = 0
    public internal(set) var usedBlocks = 0
    public private(set) var runningCount = 0
    public private(set) var decodingCount = 0
    public private(set) var waitingCount = 0
    /// Prompt tokens of the requests in the waiting queue.
    public private(set) var waitingPromptTokens = 0
    public private(set) var preemptions = 0
    public private(set) var completed = 0
    /// Requests clamped to `maxModelLen`.
    public private(set) var clamped = 0
    /// Σ over decoding requests of (prompt + generatedBase − decodeStart); with `decodingCount` and `iteration`
    /// it gives their context and generated totals in O(1).
    var decodeContextOffset = 0
    var decodePromptSum = 0
    /// Tokens generated so far by requests that are not decoding (preempted ones).
    var idleGenerated = 0

    public init(config: EngineConfig) {
        self.config = config
        self.crossing = Array(repeating: 0, count: config.blockSize)
    }

    /// True when there is nothing to run or admit.
    public var isIdle: Bool { runningCount == 0 && waitingCount == 0 }

    /// KV-cache usage in 0...1.
    public var kvUsage: Double { Double(usedBlocks) / Double(config.kvBlocks) }

    /// Context tokens (prompt + generated) of the decoding requests.
    public var decodeContextTokens: Int { decodeContextOffset + decodingCount * iteration }

    /// Tokens generated so far by every request on the instance.
    public var generatedTokens: Int {
        decodeContextOffset - decodePromptSum + decodingCount * iteration + idleGenerated
    }

    /// Adds a request to the waiting queue.
    ///
    /// A request longer than `maxModelLen` is clamped: its prompt to `maxModelLen − 1` tokens, then its output to
    /// what remains. `clamped` counts them.
    public mutating func submit(_ request: Request, now: Double, predictedTokens: Int = 0, predictedBucket: Int = 0) {
        var prompt = max(1, request.promptTokens)
        var output = max(1, request.outputTokens)
        if prompt + output > config.maxModelLen {
            prompt = min(prompt, config.maxModelLen - 1)
            output = min(output, config.maxModelLen - prompt)
            clamped += 1
        }
        let slot = Slot(
            request: request.id,
            prompt: prompt,
            output: output,
            phase: .waiting,
            generatedBase: 0,
            decodeStart: 0,
            prefillTarget: prompt,
            prefilled: 0,
            heldBlocks: 0,
            prev: -1,
            next: -1,
            generation: 0,
            lastTokenTime: now,
            everAdmitted: false,
            predictedTokens: predictedTokens,
            predictedBucket: predictedBucket,
            pinned: 0
        )
        let prefix = config.prefixCaching ? request.prefix : nil
        let index: Int32
        if let free = freeSlots.popLast() {
            index = free
            let generation = slots[Int(free)].generation &+ 1
            slots[Int(free)] = slot
            slots[Int(free)].generation = generation
            slotPrefix[Int(free)] = prefix
        } else {
            index = Int32(slots.count)
            slots.append(slot)
            slotPrefix.append(prefix)
        }
        waitingQueue.append(index)
        waitingCount += 1
        waitingPromptTokens += prompt
    }

    /// Runs one iteration that starts at `now`, appending what happened to `events`.
    ///
    /// - Returns: the iteration's summary, or nil when the engine is idle (nothing ran).
    /// - Complexity: O(1) plus O(log n) per request admitted, finished or preempted.
    public mutating func step(now: Double, events: inout [EngineEvent]) -> IterationSummary? {
        if isIdle { return nil }
        let bs = config.blockSize
        let it = iteration

        // 1. Decodes grow; preempt the newest running requests while blocks run out.
        var needed = crossing[it % bs]
        var preemptedNow = false
        while needed > config.kvBlocks - usedBlocks, runTail >= 0 {
            let victim = runTail
            if slots[Int(victim)].phase == .decode, residue(of: victim) == it % bs { needed -= 1 }
            preempt(victim, now: now, events: &events)
            preemptedNow = true
        }
        usedBlocks += needed
        evictCachedBlocksBeyondCapacity()
        let decodeSequences = decodingCount
        let contextTokens = decodeContextTokens

        // 2. Prefill: continue partial prefills, then admit waiting requests in FCFS order.
        var budget = config.chunkedPrefill ? max(0, config.maxBatchedTokens - decodeSequences) : config.maxBatchedTokens
        var prefillTokens = 0
        scratch.removeAll(keepingCapacity: true)
        if config.chunkedPrefill {
            var index = 0
            while index < prefillingQueue.count, budget > 0 {
                let s = prefillingQueue[index]
                let chunk = min(budget, slots[Int(s)].prefillTarget - slots[Int(s)].prefilled)
                slots[Int(s)].prefilled += chunk
                budget -= chunk
                prefillTokens += chunk
                index += 1
            }
        }
        if !preemptedNow {
            while let s = waitingQueue.first {
                if runningCount >= config.maxBatchSize { break }
                // Leading prompt blocks found in the prefix cache are not computed again, and their blocks are
                // shared; reviving evictable ones takes them from the free space.
                let hit = cachedPrefix(of: s)
                let target = slots[Int(s)].prefillTarget - hit.blocks * bs
                let blocks = (slots[Int(s)].prefillTarget + 1 + bs - 1) / bs - hit.blocks
                if blocks > config.kvBlocks - usedBlocks - hit.evictable { break }
                let chunk: Int
                if config.chunkedPrefill {
                    if budget <= 0 { break }
                    chunk = min(budget, target)
                } else {
                    if target > budget && prefillTokens > 0 { break }
                    chunk = target
                }
                waitingQueue.removeFirst()
                waitingCount -= 1
                waitingPromptTokens -= slots[Int(s)].prompt
                if slotPrefix[Int(s)] != nil { pin(s, blocks: hit.blocks, first: !slots[Int(s)].everAdmitted) }
                slots[Int(s)].everAdmitted = true
                slots[Int(s)].prefillTarget = target
                usedBlocks += blocks
                evictCachedBlocksBeyondCapacity()
                slots[Int(s)].heldBlocks = blocks
                slots[Int(s)].prefilled = chunk
                slots[Int(s)].phase = .prefill
                budget -= chunk
                prefillTokens += chunk
                linkRunning(s)
                runningCount += 1
                events.append(EngineEvent(kind: .admitted, request: slots[Int(s)].request, time: now))
                if config.chunkedPrefill { prefillingQueue.append(s) } else { scratch.append(s) }
            }
        }

        let duration = config.cost.iterationTime(
            prefillTokens: prefillTokens,
            decodeSequences: decodeSequences,
            contextTokens: contextTokens
        )
        let end = now + duration
        iteration = it + 1

        // 3. Decodes that produced their last token finish.
        while let top = finishHeap.min, top.iteration <= it + 1 {
            _ = finishHeap.popMin()
            let s = top.slot
            guard slots[Int(s)].generation == top.generation, slots[Int(s)].phase == .decode else { continue }
            finish(s, time: end, events: &events)
        }

        // 4. Completed prefills produce their first (or, after a preemption, next) token.
        if config.chunkedPrefill {
            while let s = prefillingQueue.first, slots[Int(s)].prefilled >= slots[Int(s)].prefillTarget {
                prefillingQueue.removeFirst()
                completePrefill(s, end: end, events: &events)
            }
        } else {
            for s in scratch { completePrefill(s, end: end, events: &events) }
        }
        return IterationSummary(duration: duration, prefillTokens: prefillTokens, decodeTokens: decodeSequences)
    }

    /// Removes a request wherever it is (waiting, prefilling or decoding) and frees its KV blocks, as vLLM does
    /// when its client disconnects. Call it between iterations. No event is emitted and `completed` is unchanged.
    ///
    /// - Returns: true when the request was on the instance.
    /// - Complexity: O(*n*) in the slots and the waiting queue: a scan, which suits the rare abort and keeps the
    ///   simulator's per-request work free of a lookup table.
    @discardableResult
    public mutating func abort(_ id: RequestID) -> Bool {
        guard let index = slots.indices.first(where: { slots[$0].request == id && slots[$0].phase != .finished })
        else { return false }
        let s = Int32(index)
        switch slots[index].phase {
        case .waiting:
            guard let position = waitingQueue.firstIndex(of: s) else { return false }
            waitingQueue.remove(at: position)
            waitingCount -= 1
            waitingPromptTokens -= slots[index].prompt
            idleGenerated -= slots[index].generatedBase
        case .prefill:
            usedBlocks -= slots[index].heldBlocks
            unpin(s)
            if let position = prefillingQueue.firstIndex(of: s) { prefillingQueue.remove(at: position) }
            if let position = scratch.firstIndex(of: s) { scratch.remove(at: position) }
            // A request resuming after a preemption still counts its earlier tokens as idle.
            idleGenerated -= slots[index].generatedBase
            unlinkRunning(s)
            runningCount -= 1
        case .decode:
            leaveDecode(s)
            unlinkRunning(s)
            runningCount -= 1
        case .held, .finished:
            return false
        }
        slots[index].heldBlocks = 0
        slots[index].generation &+= 1  // invalidates a finish-heap entry
        slots[index].phase = .finished
        freeSlots.append(s)
        return true
    }

    /// A convenience form of ``step(now:events:)`` that returns the duration and the events.
    public mutating func step(now: Double) -> (duration: Double, events: [EngineEvent])? {
        var events: [EngineEvent] = []
        guard let summary = step(now: now, events: &events) else { return nil }
        return (summary.duration, events)
    }

    // MARK: - Transitions

    mutating func completePrefill(_ s: Int32, end: Double, events: inout [EngineEvent]) {
        let i = Int(s)
        let first = slots[i].generatedBase == 0
        let gap = end - slots[i].lastTokenTime
        slots[i].generatedBase += 1
        slots[i].lastTokenTime = end
        if !first { idleGenerated -= slots[i].generatedBase - 1 }
        events.append(
            EngineEvent(kind: first ? .firstToken : .resumed, request: slots[i].request, time: end, value: gap)
        )
        // The prompt's full blocks are computed: they enter the prefix cache.
        if slotPrefix[i] != nil { cachePrompt(s) }
        if slots[i].generatedBase >= slots[i].output {
            usedBlocks -= slots[i].heldBlocks
            slots[i].heldBlocks = 0
            unpin(s)
            unlinkRunning(s)
            runningCount -= 1
            release(s, time: end, events: &events)
            return
        }
        // Enter decode: blocks are now derived from the context length.
        slots[i].phase = .decode
        slots[i].decodeStart = iteration
        usedBlocks -= slots[i].heldBlocks
        slots[i].heldBlocks = 0
        let context = slots[i].prompt + slots[i].generatedBase
        usedBlocks += (context + config.blockSize - 1) / config.blockSize - slots[i].pinned
        evictCachedBlocksBeyondCapacity()
        decodingCount += 1
        decodeContextOffset += context - iteration
        decodePromptSum += slots[i].prompt
        crossing[residue(of: s)] += 1
        let remaining = slots[i].output - slots[i].generatedBase
        finishHeap.insert(FinishKey(iteration: iteration + remaining, slot: s, generation: slots[i].generation))
    }

    /// The residue class (iteration mod block size) at which a decoding request's blocks are full.
    func residue(of s: Int32) -> Int {
        let slot = slots[Int(s)]
        let bs = config.blockSize
        let r = (slot.decodeStart - slot.prompt - slot.generatedBase) % bs
        return r < 0 ? r + bs : r
    }

    /// Tokens generated so far by the request in slot `s`.
    func generated(_ s: Int32) -> Int {
        let slot = slots[Int(s)]
        return slot.phase == .decode ? slot.generatedBase + iteration - slot.decodeStart : slot.generatedBase
    }

    /// KV blocks held by the request in slot `s` alone (its prefix-cache blocks are shared, and counted there).
    func blocks(_ s: Int32) -> Int {
        let slot = slots[Int(s)]
        guard slot.phase == .decode else { return slot.heldBlocks }
        let context = slot.prompt + generated(s)
        return (context + config.blockSize - 1) / config.blockSize - slot.pinned
    }

    /// Leaves decode bookkeeping for slot `s` (which must be decoding) and frees its blocks.
    mutating func leaveDecode(_ s: Int32) {
        let i = Int(s)
        usedBlocks -= blocks(s)
        unpin(s)
        crossing[residue(of: s)] -= 1
        decodingCount -= 1
        decodeContextOffset -= slots[i].prompt + slots[i].generatedBase - slots[i].decodeStart
        decodePromptSum -= slots[i].prompt
    }

    mutating func finish(_ s: Int32, time: Double, events: inout [EngineEvent]) {
        leaveDecode(s)
        slots[Int(s)].generatedBase = slots[Int(s)].output
        unlinkRunning(s)
        runningCount -= 1
        release(s, time: time, events: &events)
    }

    mutating func release(_ s: Int32, time: Double, events: inout [EngineEvent]) {
        slots[Int(s)].phase = .finished
        completed += 1
        let output = Double(slots[Int(s)].output)
        events.append(EngineEvent(kind: .finished, request: slots[Int(s)].request, time: time, value: output))
        freeSlots.append(s)
    }

    mutating func preempt(_ s: Int32, now: Double, events: inout [EngineEvent]) {
        let i = Int(s)
        switch slots[i].phase {
        case .decode:
            let done = generated(s)
            leaveDecode(s)
            slots[i].generatedBase = done
            slots[i].generation &+= 1  // invalidates its finish-heap entry
            // Its tokens now count as idle until it resumes. (A request preempted again while re-prefilling
            // already counts there.)
            idleGenerated += done
        case .prefill:
            usedBlocks -= slots[i].heldBlocks
            unpin(s)
            if let position = prefillingQueue.firstIndex(of: s) { prefillingQueue.remove(at: position) }
            if let position = scratch.firstIndex(of: s) { scratch.remove(at: position) }
        default:
            preconditionFailure("preempting a request in phase \(slots[i].phase)")
        }
        slots[i].heldBlocks = 0
        slots[i].phase = .waiting
        slots[i].prefilled = 0
        slots[i].prefillTarget = slots[i].prompt + slots[i].generatedBase
        unlinkRunning(s)
        runningCount -= 1
        waitingQueue.prepend(s)
        waitingCount += 1
        waitingPromptTokens += slots[i].prompt
        preemptions += 1
        events.append(EngineEvent(kind: .preempted, request: slots[i].request, time: now))
    }

    mutating func linkRunning(_ s: Int32) {
        slots[Int(s)].prev = runTail
        slots[Int(s)].next = -1
        if runTail >= 0 { slots[Int(runTail)].next = s } else { runHead = s }
        runTail = s
    }

    mutating func unlinkRunning(_ s: Int32) {
        let prev = slots[Int(s)].prev
        let next = slots[Int(s)].next
        if prev >= 0 { slots[Int(prev)].next = next } else { runHead = next }
        if next >= 0 { slots[Int(next)].prev = prev } else { runTail = prev }
        slots[Int(s)].prev = -1
        slots[Int(s)].next = -1
    }
}

import DequeModule
import SwitchyardCore

extension Engine {
    /// The requests on the instance, running ones first in admission order, then the waiting queue.
    public func requestSnapshots(limit: Int = .max) -> [RequestSnapshot] {
        var result: [RequestSnapshot] = []
        var s = runHead
        while s >= 0, result.count < limit {
            result.append(snapshot(of: s))
            s = slots[Int(s)].next
        }
        for w in waitingQueue where result.count < limit { result.append(snapshot(of: w)) }
        return result
    }

    func snapshot(of s: Int32) -> RequestSnapshot {
        let slot = slots[Int(s)]
        return RequestSnapshot(
            id: slot.request.rawValue,
            phase: slot.phase,
            promptTokens: slot.prompt,
            generatedTokens: generated(s),
            predictedTokens: slot.predictedTokens,
            predictedBucket: slot.predictedBucket,
            // The blocks its context occupies: its own and the cached prompt blocks it shares.
            kvBlocks: blocks(s) + slot.pinned
        )
    }

    /// Requests admitted whose prefill is not complete.
    public var prefillingCount: Int { runningCount - decodingCount }

    /// Requests per predicted bucket among those on the instance.
    public func predictedBucketCounts(buckets: Int) -> [Int] {
        var counts = Array(repeating: 0, count: buckets)
        var s = runHead
        while s >= 0 {
            counts[min(buckets - 1, max(0, slots[Int(s)].predictedBucket))] += 1
            s = slots[Int(s)].next
        }
        for w in waitingQueue { counts[min(buckets - 1, max(0, slots[Int(w)].predictedBucket))] += 1 }
        return counts
    }

    /// Checks the engine's invariants; the messages print the bad values.
    public func checkInvariants() {
        var blocksHeld = 0
        var running = 0
        var decoding = 0
        var s = runHead
        var previous: Int32 = -1
        while s >= 0 {
            let slot = slots[Int(s)]
            precondition(slot.prev == previous, "running list broken at slot \(s): prev \(slot.prev) != \(previous)")
            precondition(slot.phase == .prefill || slot.phase == .decode, "running slot \(s) in phase \(slot.phase)")
            if slot.phase == .decode {
                decoding += 1
                precondition(generated(s) < slot.output, "slot \(s) generated \(generated(s)) of \(slot.output)")
            }
            blocksHeld += blocks(s)
            running += 1
            previous = s
            s = slot.next
        }
        precondition(previous == runTail, "running list tail \(runTail) != \(previous)")
        precondition(running == runningCount, "running count \(runningCount) but \(running) linked")
        precondition(decoding == decodingCount, "decoding count \(decodingCount) but \(decoding) decoding")
        precondition(
            blocksHeld + prefixCache.referenced == usedBlocks,
            "used blocks \(usedBlocks) but requests hold \(blocksHeld) and share \(prefixCache.referenced) cached"
        )
        precondition(
            usedBlocks + prefixCache.evictable <= config.kvBlocks,
            "used \(usedBlocks) + evictable \(prefixCache.evictable) blocks exceed capacity \(config.kvBlocks)"
        )
        if let violation = prefixCache.violation { preconditionFailure("prefix cache: \(violation)") }
        var pinned = 0
        s = runHead
        while s >= 0 {
            pinned += slots[Int(s)].pinned
            s = slots[Int(s)].next
        }
        for w in waitingQueue {
            precondition(slots[Int(w)].pinned == 0, "waiting slot \(w) references cached blocks")
        }
        precondition(
            pinned == prefixCache.totalReferences,
            "requests reference \(pinned) cached blocks, the cache counts \(prefixCache.totalReferences)"
        )
        precondition(prefixHits <= prefixQueries, "prefix hits \(prefixHits) exceed queries \(prefixQueries)")
        precondition(waitingQueue.count == waitingCount, "waiting count \(waitingCount) != \(waitingQueue.count)")
        for w in waitingQueue {
            precondition(slots[Int(w)].phase == .waiting, "waiting slot \(w) in phase \(slots[Int(w)].phase)")
        }
        precondition(crossing.reduce(0, +) == decodingCount, "residue counts \(crossing) != \(decodingCount)")
        var generatedSum = 0
        var waitingPrompts = 0
        s = runHead
        while s >= 0 {
            generatedSum += generated(s)
            s = slots[Int(s)].next
        }
        for w in waitingQueue {
            generatedSum += generated(w)
            waitingPrompts += slots[Int(w)].prompt
        }
        precondition(generatedSum == generatedTokens, "requests generated \(generatedSum) != \(generatedTokens)")
        precondition(
            waitingPrompts == waitingPromptTokens,
            "waiting prompts \(waitingPrompts) != \(waitingPromptTokens)"
        )
    }
}

extension Engine {
    /// The phase of a request on the instance, or nil when it is not there (finished, aborted or never submitted).
    /// - Complexity: O(*n*) in the slots.
    public func phase(of id: RequestID) -> Phase? {
        slots.first { $0.request == id && $0.phase != .finished }?.phase
    }
}

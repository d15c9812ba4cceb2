import SwitchyardCore

/// The paper's workload impact estimator (sec. 5): the latency cost, in seconds summed over requests, of adding a
/// request to an instance, split into a prefill impact and a decode impact.
///
/// The paper's Eq. 1–3 are not recoverable in text; this is the form chosen here, from the paper's description and
/// its cost model (iteration time `c0 + g1·prefill tokens + g2·decode sequences + g3·context tokens`):
///
/// - Prefill impact. The request's prompt `p` is prefilled in a batch with the `N` decodes running on the
///   instance, so each of them stalls for `g1·p` seconds; the request itself first waits for the `Q` prompt tokens
///   queued ahead of it and then for its own prefill:
///   `r_p = g1·p·N + g1·(Q + p)`. Beyond a threshold `ε` (default 1 s) the stall is penalised at twice the slope:
///   `r_p += max(0, g1·p·N − ε)`, because a long stall also delays every request admitted behind it.
/// - Decode impact. The request decodes for about `d̂` iterations (its predicted length) in a batch of `N + 1`
///   sequences holding `C + p` context tokens, so its own decode takes `d̂·(c0 + g2·(N + 1) + g3·(C + p))`; and
///   for the `min(d̂, R̄)` iterations it overlaps the running decodes (R̄: their mean predicted remaining length),
///   each of those `N` requests is slowed by `g2 + g3·(p + d̂/2)` per iteration:
///   `r_d = d̂·(c0 + g2·(N+1) + g3·(C+p)) + N·min(d̂, R̄)·(g2 + g3·(p + d̂/2))`.
/// - A request whose KV need would overflow the instance's free cache waits for space; that is charged as the
///   overflowing fraction times the instance's mean remaining decode time.
/// - Combined: `α·r_p + (1 − α)·r_d` with α = 0.5, as in the paper.
public struct MixingImpact: Sendable, Equatable {
    public var alpha: Double
    /// Threshold ε of the prefill stall penalty, in seconds.
    public var epsilon: Double

    public init(alpha: Double = 0.5, epsilon: Double = 1.0) {
        self.alpha = alpha
        self.epsilon = epsilon
    }

    public struct Estimate: Sendable, Equatable {
        public var prefill: Double
        public var decode: Double
        public var combined: Double
    }

    /// The impact of adding a request with `prompt` tokens and `decode` (predicted) output tokens to `instance`.
    public func estimate(prompt: Int, decode: Double, on instance: InstanceLoad, cost: CostModel) -> Estimate {
        estimate(
            prompt: prompt,
            computed: prompt,
            queued: instance.prefillPromptTokens,
            decode: decode,
            on: instance,
            cost: cost,
            evictionReuse: nil
        )
    }

    /// The impact of adding the request to `instance` when `cached` of its prompt tokens are expected to be in the
    /// instance's prefix cache: ``estimate(prompt:decode:on:cost:)`` with the prefill terms counting only the
    /// tokens to compute (the request's own and those queued ahead of it, ``InstanceLoad/prefillUncachedTokens``),
    /// the KV need counting only new blocks, and a cost for evicting others' cached prefixes when the new blocks do
    /// not fit in the space no cached prefix holds: each evicted token is charged one prefill token's time,
    /// weighted by `evictionReuse` (the chance that a cached token would have been used again). The request's wait
    /// for a place in a full batch (``slotWait(_:iteration:)``) is added to its prefill impact, as its own wait.
    public func cacheAwareEstimate(
        prompt: Int,
        cached: Int,
        decode: Double,
        on instance: InstanceLoad,
        cost: CostModel,
        evictionReuse: Double
    ) -> Estimate {
        estimate(
            prompt: prompt,
            computed: max(0, prompt - cached),
            queued: instance.prefillUncachedTokens,
            decode: decode,
            on: instance,
            cost: cost,
            evictionReuse: evictionReuse
        )
    }

    /// The request's own expected wait for its first token on `instance`: the uncached prompt tokens queued ahead
    /// of it and its own, one iteration beside the running decodes, the wait for a place in a full batch
    /// (``slotWait(_:iteration:)``), and, when its new blocks do not fit in the free cache, the share that does not
    /// fit times the running decodes' mean remaining time. (What the tail guard of ``LeastImpactPolicy`` bounds.)
    public func ownWait(prompt: Int, cached: Int, decode: Double, on instance: InstanceLoad, cost: CostModel) -> Double
    {
        let computed = Double(max(0, prompt - cached))
        let queued = Double(instance.prefillUncachedTokens)
        let n = Double(instance.decodeCount)
        let iteration =
            cost.fixed + cost.perDecodeSequence * n + cost.perContextToken * Double(instance.decodeContextTokens)
        // The prefill queue and the wait for a place in the batch overlap (the requests ahead are prefilled as
        // they get places), so the longer of the two counts.
        let slot = Self.slotWait(instance, iteration: iteration)
        var wait = max(cost.perPrefillToken * queued, slot) + cost.perPrefillToken * computed + iteration
        let capacity = Double(instance.kvCapacityTokens)
        if capacity > 0 {
            let free = (1 - instance.kvUsage) * capacity - queued
            wait += Self.overflowShare(need: computed + decode, free: free) * Self.meanRemaining(instance) * iteration
        }
        return wait
    }

    /// The expected wait for a place in the running batch: when the requests on `instance` fill its batch
    /// (`maxBatchSize`, llama.cpp's slots, vLLM's `max_num_seqs`), a new request waits until the requests ahead of it
    /// have freed a place. Places free at about `maxBatchSize` per mean remaining decode time.
    public static func slotWait(_ instance: InstanceLoad, iteration: Double) -> Double {
        let ahead = instance.outstanding - instance.maxBatchSize + 1
        guard instance.maxBatchSize > 0, ahead > 0 else { return 0 }
        return Double(ahead) * meanRemaining(instance) * iteration / Double(instance.maxBatchSize)
    }

    /// The mean predicted decode tokens the requests on `instance` have left.
    static func meanRemaining(_ instance: InstanceLoad) -> Double {
        let remainingPredicted = max(0, instance.predictedDecodeTokens - Double(instance.streamedTokens))
        return instance.outstanding > 0 ? remainingPredicted / Double(instance.outstanding) : 0
    }

    /// The share of `need` new KV tokens that does not fit in `free` (0 when all fit): it waits for space.
    static func overflowShare(need: Double, free: Double) -> Double {
        need > free ? min(1, (need - max(0, free)) / need) : 0
    }

    /// The estimate with `computed` of the `prompt` tokens to prefill and `queued` prefill tokens ahead of them;
    /// with `evictionReuse` (`least-impact`), the charge for evicting idle cached prefixes and the wait for a place
    /// in a full batch too.
    private func estimate(
        prompt: Int,
        computed: Int,
        queued queuedTokens: Int,
        decode: Double,
        on instance: InstanceLoad,
        cost: CostModel,
        evictionReuse: Double?
    ) -> Estimate {
        let p = Double(prompt)
        let computed = Double(computed)
        let n = Double(instance.decodeCount)
        let queued = Double(queuedTokens)
        let context = Double(instance.decodeContextTokens)
        let stall = cost.perPrefillToken * computed * n
        var prefill = stall + cost.perPrefillToken * (queued + computed)
        prefill += max(0, stall - epsilon)

        let meanRemaining = Self.meanRemaining(instance)
        // Decode attends over the whole context, cached prefix included.
        let iteration = cost.fixed + cost.perDecodeSequence * (n + 1) + cost.perContextToken * (context + p)
        if evictionReuse != nil {
            // As in ``ownWait``: the longer of the prefill queue and the wait for a place in the batch.
            prefill += max(0, Self.slotWait(instance, iteration: iteration) - cost.perPrefillToken * queued)
        }
        var decodeImpact = decode * iteration
        decodeImpact +=
            n * min(decode, meanRemaining) * (cost.perDecodeSequence + cost.perContextToken * (p + decode / 2))

        // KV pressure: the share of the request's new blocks that does not fit in the free cache waits.
        let capacity = Double(instance.kvCapacityTokens)
        if capacity > 0 {
            let free = (1 - instance.kvUsage) * capacity - queued
            let need = computed + decode
            decodeImpact += Self.overflowShare(need: need, free: free) * meanRemaining * iteration
            if let evictionReuse {
                // Cached prefixes no request uses sit in the free space; new blocks beyond the rest of it evict them.
                let idleCached = max(0, Double(instance.prefixIndexTokens - instance.outstandingPromptTokens))
                let unheld = max(0, free - idleCached)
                let evicted = min(idleCached, max(0, need - unheld))
                prefill += evictionReuse * cost.perPrefillToken * evicted
            }
        }
        return Estimate(prefill: prefill, decode: decodeImpact, combined: alpha * prefill + (1 - alpha) * decodeImpact)
    }
}

import SwitchyardCore

/// The state the DQN router sees, as in the paper (sec. 5), generalised to N instances: `3 + 6·N` numbers.
///
/// - Global: the router queue length, the next request's prompt tokens and its predicted decode bucket.
/// - Per instance: requests in prefill with a light and a heavy prompt, requests in decode with a light and a heavy
///   predicted decode, the free KV capacity, and the estimated time until its earliest request completes.
///
/// Heavy prompt = the top prompt bucket (2,048 tokens or more by default; on the V100 profile that is a prefill of
/// at least 0.65 s, near the paper's 0.5 s); heavy decode = predicted bucket 1 or more (256 tokens or more, about the
/// paper's 5 s of decode). The earliest-completion estimate uses the ledger's mean remaining predicted length times
/// the instance's iteration time, since a router's ledger has no per-request order. Values are scaled to about
/// 0…1 for the network. For 4 instances this is the paper's 27 inputs.
public enum RLState {
    public static func size(instances: Int) -> Int { 3 + 6 * instances }

    public static func encode(_ request: RequestInfo, _ view: ClusterView) -> [Float] {
        var x = [Float]()
        x.reserveCapacity(size(instances: view.instances.count))
        let buckets = view.buckets.count
        x.append(Float(view.routerQueueLength) / 16)
        x.append(Float(request.promptTokens) / 2048)
        x.append(Float(request.predictedBucket) / Float(max(1, buckets - 1)))
        let cost = view.cost
        for instance in view.instances {
            let heavyPrompt = instance.prefillByPromptBucket[buckets - 1]
            let lightPrompt = instance.prefillCount - heavyPrompt
            let lightDecode = instance.decodeByBucket[0]
            let heavyDecode = instance.decodeCount - lightDecode
            x.append(Float(lightPrompt) / 8)
            x.append(Float(heavyPrompt) / 4)
            x.append(Float(lightDecode) / 32)
            x.append(Float(heavyDecode) / 16)
            x.append(Float(instance.healthy ? 1 - instance.kvUsage : 0))
            let remaining = max(0, instance.predictedDecodeTokens - Double(instance.streamedTokens))
            let meanRemaining = instance.outstanding > 0 ? remaining / Double(instance.outstanding) : 0
            let iteration =
                cost.fixed + cost.perDecodeSequence * Double(instance.decodeCount)
                + cost.perContextToken * Double(instance.decodeContextTokens)
            x.append(Float(meanRemaining * iteration / 10))
        }
        return x
    }
}

import SwitchyardCore

/// Every policy by name, with a one-line description, and construction by name.
public enum PolicyCatalog {
    public struct Entry: Sendable {
        public var name: String
        public var summary: String
        /// True for the oracle references, which read true lengths.
        public var isReference: Bool
    }

    public static let entries: [Entry] = [
        Entry(name: "round-robin", summary: "cycles through instances; the paper's main baseline", isReference: false),
        Entry(name: "random", summary: "uniform random instance", isReference: false),
        Entry(
            name: "least-requests",
            summary: "fewest outstanding requests (AIBrix least-request)",
            isReference: false
        ),
        Entry(
            name: "least-tokens",
            summary: "fewest outstanding prompt + predicted decode tokens (paper's JSQ)",
            isReference: false
        ),
        Entry(name: "least-kv", summary: "lowest KV-cache usage", isReference: false),
        Entry(
            name: "power-of-two",
            summary: "less loaded of two sampled instances (SGLang gateway)",
            isReference: false
        ),
        Entry(name: "llm-d", summary: "llm-d endpoint picker: queue x2 + KV x2, max score", isReference: false),
        Entry(
            name: "llm-d-prefix",
            summary: "llm-d's default profile: prefix x3 + queue x2 + KV x2 (llm-d-inference-scheduler defaults.go)",
            isReference: false
        ),
        Entry(
            name: "sglang-cache-aware",
            summary: "SGLang gateway cache_aware: best prefix match above 30%, else least loaded (smg defaults)",
            isReference: false
        ),
        Entry(
            name: "dynamo-kv",
            summary: "Dynamo KV router: least 1.0 x prefill blocks + decode blocks (kv-router selector.rs)",
            isReference: false
        ),
        Entry(name: "max-capacity", summary: "most spare KV capacity (paper baseline)", isReference: false),
        Entry(
            name: "min-min",
            summary: "earliest completion at the predicted bucket's upper bound (paper baseline)",
            isReference: false
        ),
        Entry(
            name: "workload-aware",
            summary: "least mixing impact: 0.5 prefill + 0.5 decode impact (the paper's heuristic)",
            isReference: false
        ),
        Entry(
            name: "least-impact",
            summary: "Switchyard's router: mixing impact, cached prefixes credited, eviction charged, tail guard",
            isReference: false
        ),
        Entry(
            name: "workload-aware-oracle",
            summary: "REFERENCE: workload-aware fed the true output lengths",
            isReference: true
        ),
        Entry(
            name: "rl-baseline",
            summary: "Double-DQN router trained without a heuristic (paper variant)",
            isReference: false
        ),
        Entry(
            name: "rl-aware",
            summary: "Double-DQN router with the mixing penalty in its reward (paper variant)",
            isReference: false
        ),
        Entry(
            name: "rl",
            summary: "Double-DQN router guided (HuRL) by least-impact's unguarded mixing impact; may hold",
            isReference: false
        ),
        Entry(
            name: "rl-guarded",
            summary: "rl picking only where least-impact's tail guard allows (--tail-slack)",
            isReference: false
        ),
        Entry(
            name: "oracle",
            summary: "REFERENCE: least true remaining work from true output lengths; no global optimum",
            isReference: true
        ),
    ]

    public static var names: [String] { entries.map(\.name) }

    /// The policies that can be built for a cluster of `instances`: the DQN routers only where their network ships
    /// (or `rlModel` holds one). With `includeReferences` false, the oracle references are left out.
    public static func available(instances: Int, rlModel: String? = nil, includeReferences: Bool = true) -> [String] {
        entries.filter { includeReferences || !$0.isReference }.map(\.name).filter { name in
            (try? make(name, seed: 0, instances: instances, rlModel: rlModel)) != nil
        }
    }

    /// Why `name` cannot route a real cluster of `instances` backends, in a sentence, or nil when it can.
    public static func realModeRefusal(_ name: String, instances: Int) -> String? {
        guard let entry = entries.first(where: { $0.name == name }) else {
            return "Unknown policy '\(name)'. Known policies: \(names.joined(separator: ", "))."
        }
        let available = available(instances: instances, includeReferences: false)
        if entry.isReference {
            return
                "Policy '\(name)' is not available in real mode: it is a reference that reads true output lengths, which a live router cannot know. Available: \(available.joined(separator: ", "))."
        }
        do {
            _ = try make(name, seed: 0, instances: instances)
        } catch {
            return "Policy '\(name)' is not available in real mode with \(instances) backend(s): \(error)"
        }
        return nil
    }

    /// Builds the policy called `name`.
    /// - Throws: ``ClusterBackendError/unknownPolicy(_:known:)`` for an unknown name.
    ///   - instances: the cluster size (one DQN network serves any size).
    ///   - rlModel: a model file (from `switchyard train router`) to use for the DQN routers instead of the shipped
    ///     one.
    ///   - tailSlack: the tail guard of `least-impact` and `rl-guarded` (``TailGuard``); nil turns it off.
    public static func make(
        _ name: String,
        seed: UInt64,
        instances: Int = 4,
        rlModel: String? = nil,
        tailSlack: Double? = LeastImpactPolicy.defaultSlack
    ) throws -> any RoutingPolicy {
        // `rl-guarded` is the `rl` network within the tail guard.
        let guarded = name == "rl-guarded"
        if let variant = guarded ? .guided : RLPolicy.Variant(rawValue: name) {
            let file = variant.rawValue
            let network: DenseNetwork
            if let rlModel {
                let model = try RLModelFile.load(from: rlModel)
                guard model.variant == file else {
                    throw PolicyError(
                        description: "RL model file \(rlModel) holds a '\(model.variant)' network, not '\(file)'."
                    )
                }
                network = model.network
            } else {
                guard let model = RLModelFile.shipped(variant: file) else {
                    throw PolicyError(
                        description:
                            "No trained '\(file)' network ships. Train one with `switchyard train router --variant \(file) --out FILE` and pass it with --rl-model FILE."
                    )
                }
                network = model.network
            }
            return RLPolicy(variant: variant, network: network, tailSlack: guarded ? tailSlack : nil, name: name)
        }
        return switch name {
        case "round-robin": RoundRobinPolicy()
        case "random": RandomPolicy(seed: seed)
        case "least-requests": LeastRequestsPolicy()
        case "least-tokens": LeastTokensPolicy()
        case "least-kv": LeastKVPolicy()
        case "power-of-two": PowerOfTwoPolicy(seed: seed)
        case "llm-d": LLMDPolicy(seed: seed)
        case "llm-d-prefix": LLMDPolicy(seed: seed, prefixAware: true)
        case "sglang-cache-aware": SGLangCacheAwarePolicy()
        case "dynamo-kv": DynamoKVPolicy()
        case "least-impact": LeastImpactPolicy(ttftSlack: tailSlack)
        case "max-capacity": MaxCapacityPolicy()
        case "min-min": MinMinPolicy()
        case "workload-aware": WorkloadAwarePolicy()
        case "workload-aware-oracle": WorkloadAwarePolicy(useTrueLengths: true)
        case "oracle": OraclePolicy()
        default: throw ClusterBackendError.unknownPolicy(name, known: names)
        }
    }
}

/// An error building a policy.
public struct PolicyError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

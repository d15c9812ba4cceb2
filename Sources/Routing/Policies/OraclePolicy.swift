import SwitchyardCore

/// `oracle`: a REFERENCE, not a product policy. Least remaining work computed from the TRUE output lengths:
/// prompt tokens not yet prefilled plus true decode tokens still to generate.
///
/// It shows what perfect length knowledge buys a work-based policy. It is no global optimum: on bursty traces
/// `least-requests` can beat it.
public struct OraclePolicy: RoutingPolicy {
    public let name = "oracle"
    public var usesTrueLengths: Bool { true }
    public init() {}
    public mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        view.pickLeast(reason: "least true remaining work (oracle reference)") {
            Double($0.prefillPromptTokens + $0.trueRemainingDecodeTokens)
        }
    }
}

import SwitchyardCore

/// An `InstanceLoad` for the `ClusterView`, with a record of where its engine-side numbers came from.
///
/// A policy reads only ``load``; the console and `/admin/state` read the rest to show a stale or untrusted card.
public struct ObservedInstanceLoad: Sendable, Equatable {
    /// What the router may use, as the information boundary allows (design.md).
    public var load: InstanceLoad
    /// Why the engine metrics were or were not used.
    public var trust: MetricsTrust
    /// Where `load.kvUsage` came from.
    public var kvUsageSource: KVUsageSource

    /// Whether `waiting` and `running` are the engine's own numbers.
    public var metricsTrusted: Bool { trust == .trusted }

    public init(load: InstanceLoad, trust: MetricsTrust, kvUsageSource: KVUsageSource) {
        self.load = load
        self.trust = trust
        self.kvUsageSource = kvUsageSource
    }
}

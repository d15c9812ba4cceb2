import SwitchyardCore

/// The seeded generator the workload readers and arrival processes draw from (SplitMix64, from SwitchyardCore).
public typealias SeededGenerator = SplitMix64

import SwitchyardCore

/// Shared scales for the instance pip bars, so the cards of one cluster compare at a glance.
struct CardScale: Sendable, Equatable {
    /// The longest prefill queue of any instance.
    var queue: Int
    /// The largest decode batch of any instance.
    var decode: Int

    init(_ instances: [InstanceSnapshot]) {
        queue = instances.map(\.prefillQueue).max() ?? 0
        decode = instances.map(\.decoding).max() ?? 0
    }
}

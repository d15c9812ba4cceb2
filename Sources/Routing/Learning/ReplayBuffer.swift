import SwitchyardCore

/// One transition of the routing MDP.
public struct Transition: Sendable {
    /// The rows of the state (``RLState``), one per action.
    public var state: [[Float]]
    public var action: Int
    public var reward: Float
    public var next: [[Float]]
    /// Actions allowed in `next` (hold may be masked, down instances always are).
    public var nextMask: [Bool]
    /// A fixed prior added to the network's Q-values in `state` and in `next` (empty = none): the heuristic's
    /// estimate for the workload-guided router.
    public var prior: [Float]
    public var nextPrior: [Float]

    public init(
        state: [[Float]],
        action: Int,
        reward: Float,
        next: [[Float]],
        nextMask: [Bool],
        prior: [Float] = [],
        nextPrior: [Float] = []
    ) {
        self.state = state
        self.action = action
        self.reward = reward
        self.next = next
        self.nextMask = nextMask
        self.prior = prior
        self.nextPrior = nextPrior
    }
}

/// A fixed-capacity ring buffer of transitions with uniform sampling.
public struct ReplayBuffer: Sendable {
    public let capacity: Int
    var items: [Transition] = []
    var cursor = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        items.reserveCapacity(min(capacity, 1 << 16))
    }

    public var count: Int { items.count }

    public mutating func append(_ transition: Transition) {
        if items.count < capacity {
            items.append(transition)
        } else {
            items[cursor] = transition
        }
        cursor = (cursor + 1) % capacity
    }

    public func sample(_ n: Int, using rng: inout SplitMix64) -> [Transition] {
        guard !items.isEmpty else { return [] }
        return (0..<n).map { _ in items[Int(rng.next() % UInt64(items.count))] }
    }
}

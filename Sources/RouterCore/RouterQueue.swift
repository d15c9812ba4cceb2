import DequeModule

/// The router's central queue: requests a policy held, oldest first, shared by the simulator and the live gateway.
///
/// First in, first out per A/B arm: a request waits behind an earlier held request of its arm that could use the
/// same instances, and only the requests nothing waits ahead of (the heads) ask the policy again. Requests for
/// other models (disjoint instances) or of the other arm do not wait.
public struct RouterQueue: Sendable {
    /// One held request.
    public struct Entry: Sendable, Equatable {
        public var id: Int
        /// The A/B arm that routes it (0 without a split).
        public var arm: Int
        /// The instances that may serve it; nil for all.
        public var eligible: Set<Int>?

        public init(id: Int, arm: Int = 0, eligible: Set<Int>? = nil) {
            self.id = id
            self.arm = arm
            self.eligible = eligible
        }
    }

    public private(set) var entries: Deque<Entry> = []

    public init() {}

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    /// The oldest held request.
    public var first: Entry? { entries.first }

    public mutating func append(_ entry: Entry) { entries.append(entry) }

    /// Takes out the oldest held request. - Complexity: O(1).
    @discardableResult
    public mutating func removeFirst() -> Entry { entries.removeFirst() }

    /// Takes `id` out. - Complexity: O(1) for the oldest, O(n) otherwise.
    public mutating func remove(id: Int) {
        if let index = entries.firstIndex(where: { $0.id == id }) { entries.remove(at: index) }
    }

    /// Held requests of one arm. - Complexity: O(n).
    public func count(arm: Int) -> Int { entries.reduce(0) { $0 + ($1.arm == arm ? 1 : 0) } }

    /// True when an earlier held request of the same arm could go where `eligible` allows: then `id` waits behind
    /// it without asking the policy. A request already in the queue is not behind itself or anything after it.
    public func waitsBehind(_ id: Int, arm: Int, eligible: Set<Int>?) -> Bool {
        for entry in entries {
            if entry.id == id { return false }
            guard entry.arm == arm else { continue }
            switch (entry.eligible, eligible) {
            case (nil, _), (_, nil): return true
            case (let a?, let b?): if !a.isDisjoint(with: b) { return true }
            }
        }
        return false
    }

    /// The held requests that ask the policy when they are retried: per arm, those no earlier held request of
    /// the same arm with overlapping instances waits ahead of.
    /// - Complexity: O(1) when every request may use every instance; O(n) at worst.
    public func heads() -> [Int] {
        var result: [Int] = []
        // Per arm: nil once an entry that may use every instance was seen, else the instances seen so far.
        var seen: [Set<Int>?] = [[], []]
        for entry in entries {
            let arm = min(max(entry.arm, 0), 1)
            guard let taken = seen[arm] else {
                if seen[1 - arm] == nil { break }
                continue
            }
            if let eligible = entry.eligible {
                if taken.isDisjoint(with: eligible) { result.append(entry.id) }
                seen[arm] = taken.union(eligible)
            } else {
                if taken.isEmpty { result.append(entry.id) }
                seen[arm] = nil
            }
        }
        return result
    }
}

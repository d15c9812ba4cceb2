import DequeModule
import SwitchyardCore

/// The router's recent decisions, newest last, bounded: the simulator's console cluster and the live gateway keep
/// the same number and show the same share of them.
public struct DecisionLog: Sendable {
    /// Decisions kept.
    public static let defaultCapacity = 256
    /// Decisions a console snapshot carries.
    public static let shown = 50

    public let capacity: Int
    public private(set) var records: Deque<DecisionRecord> = []

    public init(capacity: Int = DecisionLog.defaultCapacity) {
        precondition(capacity > 0, "a decision log keeps at least one decision")
        self.capacity = capacity
    }

    public var count: Int { records.count }

    /// Keeps `record`, dropping the oldest beyond the capacity. - Complexity: O(1).
    public mutating func append(_ record: DecisionRecord) {
        records.append(record)
        if records.count > capacity { records.removeFirst() }
    }

    public mutating func append<S: Sequence>(contentsOf records: S) where S.Element == DecisionRecord {
        for record in records { append(record) }
    }

    public mutating func removeAll() { records.removeAll() }

    /// The newest `limit` decisions (of `policy` only, when given), oldest first.
    public func recent(_ limit: Int = DecisionLog.shown, policy: String? = nil) -> [DecisionRecord] {
        guard let policy else { return Array(records.suffix(limit)) }
        var picked: [DecisionRecord] = []
        for record in records.reversed() where record.policy == policy {
            picked.append(record)
            if picked.count == limit { break }
        }
        return picked.reversed()
    }
}

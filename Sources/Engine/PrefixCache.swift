/// An instance's automatic prefix cache, as vLLM keeps one: KV blocks of prompts, keyed by their chained hash,
/// shared by reference count among the requests that use them, and kept after the last one lets go (evictable)
/// until the space is needed, then evicted least recently freed first.
///
/// It holds only the identity and state of the cached blocks; the engine counts the blocks themselves (a block
/// referenced here counts once in the engine's used blocks however many requests share it; an evictable block is
/// free to the engine's eye, as vLLM's KV usage counts it).
public struct PrefixCache: Sendable {
    struct Entry {
        var hash: UInt64
        var refCount: Int32
        /// Links of the evictable list (refCount 0), oldest first; -1 at the ends and while referenced.
        var prev: Int32
        var next: Int32
    }

    var index: [UInt64: Int32] = [:]
    var entries: [Entry] = []
    var freeEntries: [Int32] = []
    var oldest: Int32 = -1
    var newest: Int32 = -1
    /// Cached blocks no request references: free to be evicted.
    public private(set) var evictable = 0
    /// Cached blocks at least one request references.
    public private(set) var referenced = 0
    /// Blocks evicted so far.
    public private(set) var evictions = 0
    /// Counts changes of what is cached or evictable, so that a lookup can be reused while it stays the same.
    public private(set) var version = 0

    public init() {}

    /// Blocks cached in all (referenced or evictable).
    public var count: Int { index.count }

    /// Whether `hash` is cached, and if so whether it is evictable.
    public func state(of hash: UInt64) -> (cached: Bool, evictable: Bool) {
        guard let e = index[hash] else { return (false, false) }
        return (true, entries[Int(e)].refCount == 0)
    }

    /// Takes a reference on a cached block. - Returns: true when the block was evictable (it is used again).
    /// - Precondition: `hash` is cached.
    @discardableResult
    public mutating func acquire(_ hash: UInt64) -> Bool {
        guard let e = index[hash] else { preconditionFailure("acquiring a block that is not cached") }
        version &+= 1
        let i = Int(e)
        entries[i].refCount += 1
        guard entries[i].refCount == 1 else { return false }
        unlink(e)
        evictable -= 1
        referenced += 1
        return true
    }

    /// What registering a block did.
    public enum Registered: Sendable, Equatable {
        /// The block is new to the cache: the request's own block is now the cached one.
        case inserted
        /// The cache held it referenced: the request shares it, and its own copy is not needed.
        case shared
        /// The cache held it evictable: the request uses it again, and its own copy is not needed.
        case revived
    }

    /// Registers a block a request has computed, referenced by that request.
    public mutating func register(_ hash: UInt64) -> Registered {
        if index[hash] != nil { return acquire(hash) ? .revived : .shared }
        version &+= 1
        let entry = Entry(hash: hash, refCount: 1, prev: -1, next: -1)
        let e: Int32
        if let free = freeEntries.popLast() {
            e = free
            entries[Int(e)] = entry
        } else {
            e = Int32(entries.count)
            entries.append(entry)
        }
        index[hash] = e
        referenced += 1
        return .inserted
    }

    /// Drops a reference. - Returns: true when no request references the block any more (it became evictable).
    @discardableResult
    public mutating func release(_ hash: UInt64) -> Bool {
        guard let e = index[hash] else { preconditionFailure("releasing a block that is not cached") }
        version &+= 1
        let i = Int(e)
        precondition(entries[i].refCount > 0, "releasing a block no request references")
        entries[i].refCount -= 1
        guard entries[i].refCount == 0 else { return false }
        // Newest last: the block freed longest ago goes first.
        entries[i].prev = newest
        entries[i].next = -1
        if newest >= 0 { entries[Int(newest)].next = e } else { oldest = e }
        newest = e
        evictable += 1
        referenced -= 1
        return true
    }

    /// Evicts the evictable block freed longest ago. - Returns: false when none is evictable.
    @discardableResult
    public mutating func evictOldest() -> Bool {
        guard oldest >= 0 else { return false }
        version &+= 1
        let e = oldest
        unlink(e)
        index.removeValue(forKey: entries[Int(e)].hash)
        freeEntries.append(e)
        evictable -= 1
        evictions += 1
        return true
    }

    private mutating func unlink(_ e: Int32) {
        let prev = entries[Int(e)].prev
        let next = entries[Int(e)].next
        if prev >= 0 { entries[Int(prev)].next = next } else { oldest = next }
        if next >= 0 { entries[Int(next)].prev = prev } else { newest = prev }
        entries[Int(e)].prev = -1
        entries[Int(e)].next = -1
    }

    /// The cache's invariants; nil when they hold, else what is wrong.
    /// - Complexity: O(n).
    public var violation: String? {
        var listed = 0
        var e = oldest
        var previous: Int32 = -1
        while e >= 0 {
            let entry = entries[Int(e)]
            if entry.refCount != 0 { return "block \(entry.hash) is evictable with \(entry.refCount) references" }
            if entry.prev != previous { return "evictable list broken at entry \(e)" }
            if index[entry.hash] != e { return "evictable block \(entry.hash) is not indexed" }
            listed += 1
            previous = e
            e = entry.next
            if listed > entries.count { return "evictable list loops" }
        }
        if previous != newest { return "evictable list ends at \(previous), not \(newest)" }
        if listed != evictable { return "\(evictable) evictable counted, \(listed) listed" }
        let live = index.values.reduce(0) { $0 + (entries[Int($1)].refCount > 0 ? 1 : 0) }
        if live != referenced { return "\(referenced) referenced counted, \(live) found" }
        if live + listed != index.count { return "\(index.count) cached, \(live) referenced + \(listed) evictable" }
        return nil
    }

    /// References per cached block, for the engine's check that requests hold exactly these.
    var totalReferences: Int { index.values.reduce(0) { $0 + Int(entries[Int($1)].refCount) } }
}

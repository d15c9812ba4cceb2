import SwitchyardCore

/// One line of a `--record` file (JSONL): a drawn snapshot or an operator command, with its wall time.
public struct SessionRecord: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case snapshot
        case command
    }

    public var kind: Kind
    /// Seconds since the recording started.
    public var time: Double
    public var snapshot: ClusterSnapshot?
    /// The command, in words (`policy least-tokens`, `burst decode-heavy`, `pause on`, `speed 2`,
    /// `compare round-robin`, `compare off`, `quit`).
    public var command: String?
    /// True when `snapshot` is stored against the previous one: its decisions (and its twin's) are only those new
    /// since then, and an empty history means the history did not change. Nil in older recordings (whole frames).
    public var delta: Bool?
    /// With `delta`: how many decisions the whole frame held (and its twin), to cut the expanded list back to.
    public var decisions: Int?
    public var twinDecisions: Int?

    public init(
        kind: Kind,
        time: Double,
        snapshot: ClusterSnapshot? = nil,
        command: String? = nil,
        delta: Bool? = nil,
        decisions: Int? = nil,
        twinDecisions: Int? = nil
    ) {
        self.kind = kind
        self.time = time
        self.snapshot = snapshot
        self.command = command
        self.delta = delta
        self.decisions = decisions
        self.twinDecisions = twinDecisions
    }

    /// `snapshot` stored against `previous`: only the decisions new since then, and no history when it is the same.
    static func compact(_ snapshot: ClusterSnapshot, against previous: ClusterSnapshot?) -> ClusterSnapshot {
        var compact = snapshot
        compact.recentDecisions = newDecisions(snapshot.recentDecisions, after: previous?.recentDecisions)
        if let previous, previous.history == snapshot.history { compact.history = [] }
        if var twin = snapshot.twin {
            twin.recentDecisions = newDecisions(twin.recentDecisions, after: previous?.twin?.recentDecisions)
            if let old = previous?.twin, old.history == twin.history { twin.history = [] }
            compact.twin = twin
        }
        return compact
    }

    /// `compact` made whole again from the previous whole frame, keeping `decisions` (and `twinDecisions`).
    static func expand(
        _ compact: ClusterSnapshot,
        after previous: ClusterSnapshot?,
        decisions: Int?,
        twinDecisions: Int?
    ) -> ClusterSnapshot {
        var snapshot = compact
        snapshot.recentDecisions = Array(
            ((previous?.recentDecisions ?? []) + compact.recentDecisions).suffix(decisions ?? 64)
        )
        if compact.history.isEmpty, let previous { snapshot.history = previous.history }
        if var twin = compact.twin {
            twin.recentDecisions = Array(
                ((previous?.twin?.recentDecisions ?? []) + twin.recentDecisions).suffix(twinDecisions ?? 64)
            )
            if twin.history.isEmpty, let old = previous?.twin { twin.history = old.history }
            snapshot.twin = twin
        }
        return snapshot
    }

    /// The decisions of `current` that come after the last one of `previous` (all of them when it is not there).
    static func newDecisions(_ current: [DecisionRecord], after previous: [DecisionRecord]?) -> [DecisionRecord] {
        guard let last = previous?.last, let index = current.lastIndex(of: last) else { return current }
        return Array(current[(index + 1)...])
    }

    /// The words that record a console command.
    public static func words(for command: ConsoleCommand) -> String {
        switch command {
        case .setPolicy(let name): "policy \(name)"
        case .burst(let kind): "burst \(kind.rawValue)"
        case .pause(let on): on ? "pause on" : "pause off"
        case .speed(let speed): "speed \(speed)"
        case .compare(let policy, let kind): "compare \(policy.map { "\($0) (\(kind.rawValue))" } ?? "off")"
        case .quit: "quit"
        }
    }
}

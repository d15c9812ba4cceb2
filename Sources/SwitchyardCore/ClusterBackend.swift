/// The one protocol the console, `bench` and exporters depend on: a simulated or a real cluster.
///
/// Implementations are thread-safe. The console polls ``snapshot()`` at its frame rate and sends commands; it never
/// knows which kind of cluster it drives.
public protocol ClusterBackend: AnyObject, Sendable {
    /// The policy names this backend can switch between, in menu order.
    var policyNames: [String] { get }

    /// The names in ``policyNames`` that are references rather than routers (they read what no live router can
    /// know, such as true output lengths): the console labels them.
    var referencePolicyNames: Set<String> { get }

    /// The current state of the cluster.
    func snapshot() async -> ClusterSnapshot

    /// Switches the routing policy.
    /// - Throws: ``ClusterBackendError`` when the name is unknown.
    func setPolicy(_ name: String) async throws

    /// Injects a burst of the given kind.
    /// - Throws: ``ClusterBackendError`` when this backend cannot (a replay), or what generating the burst throws.
    func injectBurst(_ kind: BurstKind) async throws

    func setPaused(_ paused: Bool) async

    /// Sets the speed factor (simulated seconds per wall second). Ignored by a live cluster.
    func setSpeed(_ speed: Double) async

    /// Starts an A/B comparison against `policy` (a twin cluster fed the identical arrivals), or stops it (nil).
    /// - Throws: ``ClusterBackendError`` when the policy is unknown or the backend cannot compare.
    func setComparison(_ policy: String?) async throws

    /// Starts an A/B comparison of a kind against `policy`, or stops any (nil).
    /// - Throws: ``ClusterBackendError`` when the policy is unknown or the backend cannot compare that way.
    func setComparison(_ policy: String?, kind: ComparisonKind) async throws
}

/// How an A/B comparison runs.
public enum ComparisonKind: String, Sendable, Codable, CaseIterable {
    /// A simulated twin is fed the identical arrivals and routes them by B; the real routing is untouched. On a
    /// live cluster B is then a prediction.
    case twin
    /// Every other real request is routed by B, on the same cluster (live only): both sides are measured.
    case split
}

extension ClusterBackend {
    /// No references by default: a live cluster's menu holds only routers.
    public var referencePolicyNames: Set<String> { [] }

    public func setComparison(_ policy: String?) async throws {
        if policy != nil { throw ClusterBackendError.unavailable("A/B comparison") }
    }

    /// A backend that has only one kind of comparison (a simulation's twin) starts it for `.twin`.
    public func setComparison(_ policy: String?, kind: ComparisonKind) async throws {
        guard policy == nil || kind == .twin else { throw ClusterBackendError.unavailable("a traffic split") }
        try await setComparison(policy)
    }
}

/// An error from a cluster backend command.
public struct ClusterBackendError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Equatable, Sendable {
        case unknownPolicy(String, known: [String])
        case unavailable(String)
    }
    private let code: Code

    public static func unknownPolicy(_ name: String, known: [String]) -> Self {
        Self(code: .unknownPolicy(name, known: known))
    }
    public static func unavailable(_ what: String) -> Self { Self(code: .unavailable(what)) }

    public var description: String {
        switch code {
        case .unknownPolicy(let name, let known):
            "Unknown policy '\(name)'. Known policies: \(known.joined(separator: ", "))."
        case .unavailable(let what): "\(what) is not available on this backend."
        }
    }
}

/// The one protocol the console, `bench` and exporters depend on: a simulated or a real cluster.
///
/// Implementations are thread-safe. The console polls ``snapshot()`` at its frame rate and sends commands; it never
/// knows which kind of cluster it drives.
public protocol ClusterBackend: AnyObject, Sendable {
    /// The policy names this backend can switch between, in menu order.
    var policyNames: [String] { get }

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
}

extension ClusterBackend {
    public func setComparison(_ policy: String?) async throws {
        if policy != nil { throw ClusterBackendError.unavailable("A/B comparison") }
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

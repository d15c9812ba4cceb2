import SwitchyardCore
import Synchronization

/// A cluster backend for tests: serves a fixture snapshot and records every command it receives.
public final class FakeBackend: ClusterBackend {
    public let policyNames = SnapshotFixture.policies
    private let state: Mutex<(snapshot: ClusterSnapshot, log: [String])>

    /// Whether ``setComparison(_:)`` works; when false it throws like a backend without a twin.
    public let canCompare: Bool

    public init(
        snapshot: ClusterSnapshot = SnapshotFixture.snapshot(),
        canCompare: Bool = true,
        ticking: Bool = false
    ) {
        state = Mutex((snapshot, []))
        self.canCompare = canCompare
        self.ticking = ticking
    }

    /// Every command received, as text (`policy least-kv`, `burst mixed`, ...).
    public var log: [String] { state.withLock { $0.log } }

    /// Whether each snapshot advances the clock by 0.1 s, so successive frames differ.
    public let ticking: Bool

    public func snapshot() async -> ClusterSnapshot {
        state.withLock {
            if ticking && !$0.snapshot.paused { $0.snapshot.clock += 0.1 * $0.snapshot.speed }
            return $0.snapshot
        }
    }

    public func setPolicy(_ name: String) async throws {
        guard policyNames.contains(name) else { throw ClusterBackendError.unknownPolicy(name, known: policyNames) }
        state.withLock {
            $0.snapshot.policy = name
            $0.log.append("policy \(name)")
        }
    }

    public func injectBurst(_ kind: BurstKind) async throws {
        state.withLock { $0.log.append("burst \(kind.rawValue)") }
    }

    public func setPaused(_ paused: Bool) async {
        state.withLock {
            $0.snapshot.paused = paused
            $0.log.append("paused \(paused)")
        }
    }

    public func setSpeed(_ speed: Double) async {
        state.withLock {
            $0.snapshot.speed = speed
            $0.log.append("speed \(speed)")
        }
    }

    public func setComparison(_ policy: String?) async throws {
        guard canCompare || policy == nil else { throw ClusterBackendError.unavailable("A/B comparison") }
        state.withLock {
            $0.snapshot.twin =
                policy.map { name in
                    var twin = SnapshotFixture.snapshot(twin: true).twin
                    twin?.policy = name
                    return twin
                } ?? nil
            $0.log.append("compare \(policy ?? "off")")
        }
    }
}

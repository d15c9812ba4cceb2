import Engine
import Gateway
import Logging
import RouterCore
import Routing
import ServiceLifecycle
import Simulator
import SwitchyardCore
import Synchronization

/// A gateway's live twin (``LiveTwin``): started and stopped by the console or `/admin/policy`, fed from the
/// router's twin feed and advanced by ``TwinService`` twice a second whether or not anyone is looking, and read as
/// a picture of B by the console and `/admin/state`.
public final class TwinDriver: Sendable {
    let router: LiveRouter
    let configuration: GatewayConfiguration
    let clock: GatewayClock
    let state = Mutex<Running?>(nil)

    struct Running: Sendable {
        var twin: LiveTwin
        /// The last picture of B, and when it was taken: drawing it re-simulates the unsettled seconds on a copy,
        /// so it is taken at most every ``refresh`` seconds however often it is asked for.
        var shown: TwinSnapshot? = nil
        var shownAt = -Double.infinity
    }

    /// Seconds between two pictures of B (and between two advances by ``TwinService``).
    static let refresh = 0.5
    /// Requests a twin's simulations hold before it restarts (``LiveTwin/restarted(inFlight:)``): about 7 MB,
    /// and what each picture of B copies.
    static let epochRequests = 20_000

    init(router: LiveRouter, configuration: GatewayConfiguration, clock: GatewayClock) {
        self.router = router
        self.configuration = configuration
        self.clock = clock
    }

    /// B's policy while a twin runs, else nil.
    public var policyName: String? { state.withLock { $0?.twin.b.simulation.policy.name } }

    /// The profile a twin simulates: the gateway's (`--profile`), else the built-in default.
    var profile: LatencyProfile {
        get throws { try configuration.profile ?? ProfileCatalog.profile(named: ProfileCatalog.defaultName) }
    }

    /// Starts a twin routed by `policy` (replacing any), seeded with the requests in flight now.
    /// - Throws: ``ClusterBackendError/unknownPolicy(_:known:)``, or what loading the profile throws.
    public func start(_ policy: String, now: Double) throws {
        let policyB = try router.makePolicy(policy)
        let policyA = try router.makePolicy(router.policyName)
        var simulation = SimulationConfig(
            instances: router.descriptors.count,
            profile: try profile,
            buckets: router.buckets,
            scrapeInterval: configuration.scrapeInterval,
            holdLimit: configuration.holdLimit,
            seed: configuration.seed
        )
        simulation.prefixCaching = true
        var started = LiveTwin(
            config: simulation,
            policyA: policyA,
            policyB: policyB,
            predictor: router.lengthPredictor
        )
        for event in router.startTwinFeed(now: now) { started.apply(event) }
        state.withLock { $0 = Running(twin: started) }
        router.noteMarker("twin vs \(policy)", now: now)
    }

    /// Stops the twin, if one runs.
    public func stop() {
        let wasRunning = state.withLock { running -> Bool in
            defer { running = nil }
            return running != nil
        }
        if wasRunning { router.stopTwinFeed() }
    }

    /// Feeds the twin what the router saw since the last call and simulates up to `now` (as far as the known
    /// lengths allow). - Returns: its picture of B (at most ``refresh`` seconds old), or nil when no twin runs.
    @discardableResult
    public func advance(now: Double) -> TwinSnapshot? {
        let router = self.router
        return state.withLock { running -> TwinSnapshot? in
            guard var current = running else { return nil }
            running = nil  // so that `current` is the only reference and advancing it copies nothing
            let restart = current.twin.liveIDs.count >= Self.epochRequests
            let (feed, inFlight) = restart ? router.drainTwinFeedWithInFlight() : (router.drainTwinFeed(), [])
            for event in feed {
                if case .policy(let name, let time) = event, let policy = try? router.makePolicy(name) {
                    current.twin.switchPolicyA(policy, at: time)
                }
                current.twin.apply(event)
            }
            if restart { current.twin = current.twin.restarted(inFlight: inFlight) }
            current.twin.advance(now: now)
            if current.shown == nil || now - current.shownAt >= Self.refresh {
                current.shown = current.twin.snapshot(names: router.descriptors.map(\.name), now: now)
                current.shownAt = now
            }
            running = current
            return current.shown
        }
    }
}

/// Advances a gateway's twin twice a second while it runs, so that its feed never piles up unread.
struct TwinService: Service {
    let driver: TwinDriver

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(TwinDriver.refresh * 1000)))
                driver.advance(now: driver.clock.now())
            }
        }
    }
}

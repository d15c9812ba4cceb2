import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Several emulated instances in one process, each its own Hummingbird application on consecutive ports.
public struct EmulatorCluster: Sendable {
    /// The instances, in port order.
    public let instances: [EmulatedInstance]
    public let host: String
    public let basePort: Int
    /// The service group while ``run(gracefulShutdownSignals:logger:)`` runs, for ``stop()``.
    private let running = RunningGroup()

    private final class RunningGroup: Sendable {
        let group = Mutex<ServiceGroup?>(nil)
    }

    /// Creates the instances; nothing listens until ``run(gracefulShutdownSignals:onRunning:)``.
    /// - Parameters:
    ///   - count: how many instances (at least 1).
    ///   - configuration: shared by every instance, except that instance `i` seeds its draws with `seed + i`.
    ///   - host: the address to bind; 127.0.0.1 unless told otherwise.
    ///   - basePort: the first instance's port; instance `i` listens on `basePort + i`.
    /// - Throws: ``EmulatorError`` when `count` is below 1, or what ``EmulatedInstance/init(configuration:)``
    ///   throws.
    public init(count: Int, configuration: EmulatorConfiguration, host: String = "127.0.0.1", basePort: Int) throws {
        guard count >= 1 else { throw EmulatorError.invalidField("instances", "must be at least 1, got \(count)") }
        self.instances = try (0..<count).map { index in
            var config = configuration
            config.seed = configuration.seed &+ UInt64(index)
            return try EmulatedInstance(configuration: config)
        }
        self.host = host
        self.basePort = basePort
    }

    /// The base URL of each instance, in port order.
    public var urls: [String] {
        instances.indices.map { "http://\(host):\(basePort + $0)" }
    }

    /// Serves every instance until the task is cancelled or a shutdown signal arrives.
    /// - Parameters:
    ///   - gracefulShutdownSignals: signals that stop the cluster gracefully (Ctrl-C by default).
    ///   - logger: the applications' logger.
    /// - Throws: what an application throws, for example when a port is taken.
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        logger: Logger = Logger(label: "switchyard.emulator")
    ) async throws {
        let services: [any Service] = instances.enumerated().map { index, instance in
            InstanceServer(instance: instance, host: host, port: basePort + index, logger: logger)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: logger
            )
        )
        running.group.withLock { $0 = group }
        defer { running.group.withLock { $0 = nil } }
        try await group.run()
    }

    /// Stops a running cluster gracefully: each listener closes and serves the connections it had accepted.
    /// Prefer it to cancelling the task that runs the cluster, which may leave an accepted connection unserved.
    public func stop() async {
        let group = running.group.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }
}

import Hummingbird
import Logging
import ServiceLifecycle

/// Serves one emulated instance on its port, closing the listener while a `refuse` fault lasts, so that
/// connections are refused as by a server that died, then listening again.
struct InstanceServer: Service {
    let instance: EmulatedInstance
    let host: String
    let port: Int
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var restarted = false
            var attempts = 0
            while !Task.isCancelled {
                let application = Application(
                    router: EmulatorRouter.make(instance: instance),
                    configuration: .init(
                        address: .hostname(host, port: port),
                        serverName: "switchyard-emulator",
                        backlog: 4096
                    ),
                    logger: logger
                )
                // Serve until a refusal is asked for; then close the listener for its seconds.
                let refuseFor: Double?
                do {
                    refuseFor = try await serve(application)
                } catch  where restarted && attempts < 300 && !Task.isCancelled {
                    // The closed listener's port may not be free again yet (a loaded machine can take seconds to
                    // release it): try again shortly, for up to 30 s.
                    attempts += 1
                    try await Task.sleep(for: .milliseconds(100))
                    continue
                }
                attempts = 0
                guard let refuseFor else { return }
                restarted = true
                logger.info("emulated instance on port \(port): refusing connections for \(refuseFor) s")
                try await Task.sleep(for: .milliseconds(Int64(refuseFor * 1000)))
                await instance.refusalEnded()
            }
        }
    }

    /// Serves `application` until a refusal is asked for. - Returns: the refusal's seconds, or nil when the
    /// application stopped by itself.
    private func serve(_ application: some ApplicationProtocol & Sendable) async throws -> Double? {
        try await withThrowingTaskGroup(of: Double?.self) { group in
            group.addTask {
                try await application.run()
                return nil
            }
            group.addTask {
                for await seconds in instance.refusals {
                    // Let the `/admin/faults` reply that asked for it go out first.
                    try await Task.sleep(for: .milliseconds(200))
                    return seconds
                }
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

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
                let refuseFor: Double? = try await withThrowingTaskGroup(of: Double?.self) { group in
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
                guard let refuseFor else { return }
                logger.info("emulated instance on port \(port): refusing connections for \(refuseFor) s")
                try await Task.sleep(for: .milliseconds(Int64(refuseFor * 1000)))
                await instance.refusalEnded()
            }
        }
    }
}

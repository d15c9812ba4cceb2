import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Serves one emulated instance on its port, closing the listener while a `refuse` fault lasts, so that
/// connections are refused as by a server that died, then listening again.
///
/// The listener is always stopped gracefully, never by cancelling the task that serves it: a connection accepted in
/// the moment of a cancellation is left unserved, and NIO traps on it ("Deinited NIOAsyncWriter without calling
/// finish()", apple/swift-nio#3481). A graceful shutdown closes the listener and serves what it had accepted.
struct InstanceServer: Service {
    let instance: EmulatedInstance
    let host: String
    let port: Int
    let logger: Logger

    /// The listener serving now, and a refusal asked for and not yet carried out.
    private final class Current: Sendable {
        struct State {
            var group: ServiceGroup? = nil
            var refusal: Double? = nil
        }
        let state = Mutex(State())
    }

    func run() async throws {
        let current = Current()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            // One watcher for the server's whole life: cancelling an AsyncStream's iteration ends the stream, so
            // it is not iterated anew per listener.
            tasks.addTask {
                for await seconds in instance.refusals {
                    // Let the `/admin/faults` reply that asked for it go out first.
                    try? await Task.sleep(for: .milliseconds(200))
                    let group = current.state.withLock { state in
                        state.refusal = seconds
                        return state.group
                    }
                    await group?.triggerGracefulShutdown()
                }
            }
            try await serve(current)
            tasks.cancelAll()
        }
    }

    /// Serves, and between refusals re-serves, until the service shuts down.
    private func serve(_ current: Current) async throws {
        var restarted = false
        var attempts = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let application = Application(
                router: EmulatorRouter.make(instance: instance),
                configuration: .init(
                    address: .hostname(host, port: port),
                    serverName: "switchyard-emulator",
                    backlog: 4096
                ),
                logger: logger
            )
            let group = ServiceGroup(
                configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger)
            )
            // A refusal asked for while no listener was up closes this one at once.
            if current.state.withLock({ state in
                state.group = group
                return state.refusal != nil
            }) {
                await group.triggerGracefulShutdown()
            }
            do {
                try await withGracefulShutdownHandler {
                    try await group.run()
                } onGracefulShutdown: {
                    Task { await group.triggerGracefulShutdown() }
                }
            } catch  where restarted && attempts < 300 && !Task.isCancelled && !Task.isShuttingDownGracefully {
                // The closed listener's port may not be free again yet (a loaded machine can take seconds to
                // release it): try again shortly, for up to 30 s.
                current.state.withLock { $0.group = nil }
                attempts += 1
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            attempts = 0
            let refusal = current.state.withLock { state in
                defer { state = Current.State() }
                return state.refusal
            }
            guard let refuseFor = refusal, !Task.isShuttingDownGracefully else { return }
            restarted = true
            logger.info("emulated instance on port \(port): refusing connections for \(refuseFor) s")
            // A shutdown during the refusal ends the wait (and the service) early.
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .milliseconds(Int64(refuseFor * 1000)))
            }
            try Task.checkCancellation()
            await instance.refusalEnded()
        }
    }
}

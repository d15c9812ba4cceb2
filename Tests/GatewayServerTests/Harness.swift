import AsyncHTTPClient
import Emulator
import Engine
import Foundation
import Gateway
import GatewayServer
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// Real servers on loopback ports picked by the kernel: emulated vLLM instances (or any Hummingbird router) and a
/// Switchyard gateway in front of them, torn down when the body returns.
struct Harness: Sendable {
    let gateway: SwitchyardGateway
    let instances: [EmulatedInstance]
    let backendURLs: [String]
    let client: HTTPClient

    var base: String { "http://127.0.0.1:\(gateway.port ?? 0)" }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Emulated instances of the default profile.
    static func emulated(_ count: Int, speed: Double) throws -> [EmulatedInstance] {
        let profile = try ProfileCatalog.profile(named: ProfileCatalog.defaultName)
        return try (0..<count).map { index in
            try EmulatedInstance(
                configuration: EmulatorConfiguration(profile: profile, speed: speed, seed: UInt64(index))
            )
        }
    }

    /// Runs `body` with the backends (`externalURLs` first, then emulated `instances`, then `extraRouters`) and a
    /// gateway in front.
    static func run(
        instances: [EmulatedInstance],
        extraRouters: [Router<BasicRequestContext>] = [],
        externalURLs: [String] = [],
        configure: @Sendable (inout GatewayConfiguration) -> Void = { _ in },
        _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        let routers = instances.map { EmulatorRouter.make(instance: $0) } + extraRouters
        let ports = Mutex<[Int: Int]>([:])
        let apps: [any Service] = routers.enumerated().map { index, router in
            Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0), backlog: 4096),
                onServerRunning: { channel in ports.withLock { $0[index] = channel.localAddress?.port ?? 0 } },
                logger: quiet
            )
        }
        let services = ServiceGroup(services: apps, gracefulShutdownSignals: [], logger: quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            while ports.withLock({ $0.count }) < routers.count { try await Task.sleep(for: .milliseconds(10)) }
            let urls =
                externalURLs
                + (0..<routers.count).map { index in "http://127.0.0.1:\(ports.withLock { $0[index] ?? 0 })" }
            var config = GatewayConfiguration(
                port: 0,
                backends: urls.map { BackendDescriptor(url: $0) },
                policy: "round-robin",
                connectTimeout: 2,
                scrapeInterval: 0.1,
                healthInterval: 0.1
            )
            configure(&config)
            let gateway = try SwitchyardGateway(configuration: config, logger: quiet)
            group.addTask { try await gateway.run(signals: []) }
            while gateway.port == nil { try await Task.sleep(for: .milliseconds(10)) }
            // The servers this harness started are up; on a loaded machine the first probe may have timed out, and
            // the health loop re-admits them within a moment.
            let own = externalURLs.count..<urls.count
            let deadline = ContinuousClock.now + .seconds(10)
            while !own.allSatisfy({ gateway.router.isUp($0) }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            var clientConfig = HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: .seconds(60)))
            clientConfig.connectionPool = .init(
                idleTimeout: .seconds(30),
                concurrentHTTP1ConnectionsPerHostSoftLimit: 2048
            )
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfig)
            let harness = Harness(gateway: gateway, instances: instances, backendURLs: urls, client: client)
            let outcome: Result<Void, any Error>
            do {
                try await body(harness)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            try? await client.shutdown()
            // Stopped gracefully, not cancelled: cancelling a server may leave a connection it had just accepted
            // unserved, which NIO traps on (apple/swift-nio#3481). A server still busy after 15 s is cancelled.
            await gateway.stop()
            await services.triggerGracefulShutdown()
            let timedOut = Mutex(false)
            group.addTask {
                try? await Task.sleep(for: .seconds(15))
                timedOut.withLock { $0 = true }
            }
            var running = 2
            while running > 0 {
                do {
                    guard try await group.next() != nil else { break }
                } catch {}  // a server that failed has ended too
                if timedOut.withLock({ $0 }) { break }
                running -= 1
            }
            group.cancelAll()
            try outcome.get()
        }
    }

    /// One request; the whole reply.
    func send(
        _ path: String,
        method: HTTPMethod = .POST,
        json: String? = nil,
        headers: [(String, String)] = [],
        timeout: Int64 = 30
    ) async throws -> (status: Int, body: String, headers: HTTPHeaders) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers)
    }

    /// The gateway's `/admin/state`, decoded.
    func state() async throws -> [String: Any] {
        let reply = try await send("/admin/state", method: .GET)
        return try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any] ?? [:]
    }

    /// Each backend's `up` flag from `/admin/state`.
    func upFlags() async throws -> [Bool] {
        let backends = try await state()["backends"] as? [[String: Any]] ?? []
        return backends.map { $0["up"] as? Bool ?? false }
    }

    /// Waits until `condition` holds, up to `seconds`.
    func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func streamBody(prompt: String = "hello there", maxTokens: Int, model: String? = nil) -> String {
        let model = model.map { #""model":"\#($0)","# } ?? ""
        return
            #"{\#(model)"prompt":"\#(prompt)","max_tokens":\#(maxTokens),"stream":true,"stream_options":{"include_usage":true}}"#
    }
}

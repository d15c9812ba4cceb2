import AsyncHTTPClient
import Engine
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OpenAIWire
import Routing
import ServiceLifecycle
import SwitchyardCore
import Synchronization
import UnixSignals

/// `switchyard serve`: the OpenAI-compatible front door, the backend pool and the load generator, around one
/// ``LiveRouter``.
public final class SwitchyardGateway: Sendable {
    public let configuration: GatewayConfiguration
    public let router: LiveRouter
    public let pool: BackendPool
    public let metrics: GatewayMetrics
    public let generator: LoadGenerator
    public let clock: GatewayClock
    public let logger: Logger
    /// The live twin the console's `a` `t` or `/admin/policy {"twin": NAME}` starts.
    public let twin: TwinDriver
    private let boundPort: Mutex<Int?>
    /// The running service group, for ``stop()``.
    private let running = Mutex<ServiceGroup?>(nil)

    /// - Throws: ``GatewayConfigError`` for a bad configuration, or the policy or predictor error.
    public init(configuration: GatewayConfiguration, logger: Logger = Logger(label: "switchyard.gateway")) throws {
        try configuration.validate()
        let count = configuration.backends.count
        let seed = configuration.seed
        let names = Self.policyNames(instances: count)
        guard names.contains(configuration.policy) else {
            throw GatewayConfigError(
                description: PolicyCatalog.realModeRefusal(configuration.policy, instances: count)
                    ?? "Policy '\(configuration.policy)' is not available in real mode."
            )
        }
        self.configuration = configuration
        self.clock = GatewayClock()
        self.metrics = GatewayMetrics()
        self.logger = logger
        self.router = try Self.makeRouter(configuration, policyNames: names)
        self.pool = BackendPool(
            router: router,
            configuration: configuration,
            clock: clock,
            metrics: metrics,
            logger: logger
        )
        self.generator = LoadGenerator(seed: seed, maxContext: configuration.burstMaxContext, logger: logger)
        self.twin = TwinDriver(router: router, configuration: configuration, clock: clock)
        self.boundPort = Mutex(nil)
    }

    /// The router a configuration describes: its backends, policy, coefficients, staleness, ejection and imbalance
    /// rules, the shipped length predictor.
    static func makeRouter(_ configuration: GatewayConfiguration, policyNames: [String]) throws -> LiveRouter {
        let count = configuration.backends.count
        let seed = configuration.seed
        return try LiveRouter(
            backends: configuration.backends,
            policy: configuration.policy,
            policyNames: policyNames,
            makePolicy: { name in
                try PolicyCatalog.make(name, seed: seed, instances: count, tailSlack: configuration.tailSlack)
            },
            predictor: try PredictorStore.loadShipped(),
            cost: configuration.cost,
            stalenessBound: configuration.stalenessBound,
            maxBatchSize: configuration.profile?.maxBatchSize ?? 256,
            outlierDetection: configuration.outlierDetection,
            imbalance: configuration.imbalance
        )
    }

    /// The policies real mode offers for `instances` backends: every policy except the oracle references (a live
    /// gateway cannot know true lengths), and the DQN routers only where a trained network ships for that size.
    public static func policyNames(instances: Int) -> [String] {
        PolicyCatalog.available(instances: instances, includeReferences: false)
    }

    /// The port it listens on, once it does.
    public var port: Int? { boundPort.withLock { $0 } }

    /// The console's view of this gateway; `label` names it in the header instead of the HTTP listener.
    public func liveCluster(label: (@Sendable () -> String)? = nil) -> LiveCluster {
        LiveCluster(gateway: self, label: label)
    }

    /// Probes the backends, then serves and scrapes until cancelled or signalled.
    /// - Parameters:
    ///   - signals: Signals that stop it gracefully (none in tests: cancel the task instead).
    ///   - services: More services to run beside the listener and the scrapers, stopped with them (the endpoint
    ///     picker's gRPC listener).
    ///   - onListening: Called with the bound port once the listener is up.
    /// - Throws: what the listener throws, for example when the port is taken.
    public func run(
        signals: [UnixSignal] = [.sigterm, .sigint],
        services: [any Service] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let up = await pool.probeAll()
        for (index, healthy) in up.enumerated() {
            let backend = configuration.backends[index]
            logger.info("backend \(backend.name) (\(backend.url)): \(healthy ? "up" : "down, will retry /health")")
        }
        let app = Application(
            router: makeRouter(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "switchyard",
                // Bursts of new client connections (a thousand at once in the tests) overflow the default 256.
                backlog: 4096
            ),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuration.port
                boundPort.withLock { $0 = port }
                generator.setTarget(
                    "http://\(Self.connectHost(configuration.host)):\(port)",
                    model: pool.modelUnion().first?.id
                )
                await onListening(port)
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: app), .init(service: PoolService(pool: pool)),
                    .init(service: TwinService(driver: twin)),
                ]
                    + services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: signals,
                logger: logger
            )
        )
        running.withLock { $0 = group }
        defer { running.withLock { $0 = nil } }
        do {
            try await group.run()
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    /// Stops a running gateway gracefully: the listener closes, requests in flight finish, the scrapers stop.
    public func stop() async {
        let group = running.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }

    /// Shuts the gateway's HTTP clients down; ``run(signals:services:onListening:)`` does it when it ends, and a
    /// gateway that never runs (a test's) must do it before it is dropped.
    public func shutdown() async {
        await pool.shutdown()
        await generator.shutdown()
    }

    private static func connectHost(_ host: String) -> String {
        host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
    }

    /// The HTTP routes.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: NotFoundMiddleware())
        let proxy = ProxyHandler(pool: pool, metrics: metrics, logger: logger)
        router.post("/v1/completions") { request, _ in await proxy.complete(request, endpoint: .completions) }
        router.post("/v1/chat/completions") { request, _ in await proxy.complete(request, endpoint: .chat) }
        router.get("/v1/models") { [self] _, _ in models() }
        router.get("/health") { [self] _, _ in health() }
        router.get("/metrics") { [self] _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            metrics.inFlight(self.router.totals.inFlight)
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
        let admin = AdminHandler(gateway: self)
        router.get("/admin/state") { request, _ in admin.guarded(request) { admin.state() } }
        router.get("/admin/policy") { request, _ in admin.guarded(request) { admin.policy() } }
        router.post("/admin/policy") { request, _ in
            await admin.guardedAsync(request) { await admin.setPolicy(request) }
        }
        router.post("/admin/burst") { request, _ in await admin.guardedAsync(request) { await admin.burst(request) } }
        return router
    }

    /// Answers every route the gateway does not serve with an OpenAI-style 404 naming the route.
    struct NotFoundMiddleware: RouterMiddleware {
        func handle(
            _ request: Request,
            context: BasicRequestContext,
            next: (Request, BasicRequestContext) async throws -> Response
        ) async throws -> Response {
            do {
                return try await next(request, context)
            } catch let error as HTTPError where error.status == .notFound {
                return GatewayError.notFound(method: "\(request.method)", path: request.uri.path).response
            }
        }
    }

    private func models() -> Response {
        let cards = pool.modelUnion().map { JSONValue.object($0.json) }
        return Self.json(JSONValue.object(["object": .string("list"), "data": .array(cards)]))
    }

    private func health() -> Response {
        let up = router.descriptors.indices.filter { router.isUp($0) }.count
        let body = JSONValue.object([
            "status": .string(up > 0 ? "ok" : "no backend up"),
            "backends_up": .number(Double(up)),
            "backends": .number(Double(router.descriptors.count)),
        ])
        return Self.json(body, status: up > 0 ? .ok : .serviceUnavailable)
    }

    /// `value` as JSON with snake_case keys throughout, as the OpenAI API and the rest of the admin API spell them.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Runs the pool's scrape and health loops as a service until shutdown.
struct PoolService: Service {
    let pool: BackendPool

    func run() async throws {
        await cancelWhenGracefulShutdown { await pool.run() }
    }
}

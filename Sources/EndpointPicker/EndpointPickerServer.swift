import ExtProcAPI
import GRPCCore
import GRPCNIOTransportHTTP2
import GatewayServer
import Logging
import ServiceLifecycle
import Synchronization

/// The gRPC side of `switchyard epp`: Envoy's external-processing service and gRPC health on one plaintext HTTP/2
/// listener, run as a service beside the gateway's HTTP listener (for `/metrics`, `/admin` and `/health`) and its
/// scrapers, so that both stop together on a signal.
public final class EndpointPickerServer: Service, Sendable {
    public let context: PickerContext
    private let host: String
    private let requestedPort: Int
    private let draining = Atomic<Bool>(false)
    private let bound = Mutex<Int?>(nil)
    private let onListening: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - gateway: The gateway whose router, pool and metrics the picker uses.
    ///   - host: The address to listen on (an IP address).
    ///   - port: The port; 0 lets the system pick one.
    ///   - onListening: Called with the bound port once the listener is up.
    /// - Throws: ``GatewayConfigError`` when a backend's URL has no IP address.
    public init(
        gateway: SwitchyardGateway,
        host: String,
        port: Int,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws {
        self.context = PickerContext(
            lifecycle: RequestLifecycle(pool: gateway.pool, metrics: gateway.metrics),
            endpoints: try EndpointTable(backends: gateway.configuration.backends),
            logger: gateway.logger
        )
        self.host = host
        self.requestedPort = port
        self.onListening = onListening
    }

    /// The gRPC port, once listening.
    public var port: Int? { bound.withLock { $0 } }

    public func run() async throws {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: host == "localhost" ? "127.0.0.1" : host, port: requestedPort),
            transportSecurity: .plaintext,
            config: .defaults { config in
                // Envoy opens one stream per HTTP request on few connections; let many run at once.
                config.http2.maxConcurrentStreams = 100_000
            }
        )
        let server = GRPCServer(
            transport: transport,
            services: [
                ExternalProcessorService(context: context),
                HealthService(context: context, draining: { [self] in draining.load(ordering: .relaxed) }),
            ]
        )
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await server.serve()
                } onGracefulShutdown: { [self] in
                    draining.store(true, ordering: .relaxed)
                    server.beginGracefulShutdown()
                }
            }
            if let address = try await transport.listeningAddress.ipv4 {
                bound.withLock { $0 = address.port }
                await onListening(address.port)
            }
        }
    }
}

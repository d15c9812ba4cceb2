import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// The floor of a proxy built on the libraries `serve` uses: Hummingbird in front, AsyncHTTPClient behind, bodies
/// passed through chunk by chunk, backends taken in turn; no parsing, no router, no metrics, no watchdog. Its CPU per
/// request against `serve`'s and Envoy's shows how much of `serve`'s cost is Switchyard's own and how much the two
/// HTTP stacks'. A measuring tool, not a product.
func runBareProxy(listen port: Int, backends: [String], logger: Logger) async throws {
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
    let next = Atomic<Int>(0)
    let router = Router()
    router.post("/v1/completions") { request, _ -> Response in
        let body = try await request.body.collect(upTo: 1 << 20)
        let index = next.add(1, ordering: .relaxed).oldValue
        var upstream = HTTPClientRequest(url: backends[index % backends.count] + "/v1/completions")
        upstream.method = .POST
        upstream.headers.add(name: "content-type", value: "application/json")
        upstream.body = .bytes(body)
        let response = try await client.execute(upstream, timeout: .seconds(60))
        var headers = HTTPFields()
        headers[.contentType] = response.headers.first(name: "content-type") ?? "application/json"
        return Response(
            status: .init(code: Int(response.status.code)),
            headers: headers,
            body: ResponseBody { writer in
                for try await chunk in response.body { try await writer.write(chunk) }
                try await writer.finish(nil)
            }
        )
    }
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: port), backlog: 4096),
        logger: logger
    )
    try await ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger).run()
    try await client.shutdown()
}

import AsyncHTTPClient
import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import RouterCore
import Synchronization

/// The gateway's side of the backends: the HTTP clients, the `/metrics` scraper, the `/health` prober and the
/// models each backend serves. What it learns goes into the ``LiveRouter``.
public final class BackendPool: Sendable {
    public let router: LiveRouter
    public let configuration: GatewayConfiguration
    public let clock: GatewayClock
    let metrics: GatewayMetrics
    let logger: Logger
    /// For streams: no read timeout; the proxy's watchdog applies the first-byte and idle timeouts.
    let streamClient: HTTPClient
    /// For whole replies, scrapes and probes: the read timeout is the request timeout.
    let wholeClient: HTTPClient
    private let models: Mutex<[Int: [ModelCard]]>
    /// Times the open streams' waits on their backends.
    let watchdog: StreamWatchdog
    private let parser = PrometheusTextParser()

    /// One entry of a backend's `/v1/models`.
    public struct ModelCard: Sendable, Equatable {
        public var id: String
        /// The whole JSON object as the backend sent it, for the union reply.
        public var json: [String: JSONValue]
    }

    public init(
        router: LiveRouter,
        configuration: GatewayConfiguration,
        clock: GatewayClock,
        metrics: GatewayMetrics,
        logger: Logger
    ) {
        self.router = router
        self.configuration = configuration
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        func client(read: Double?) -> HTTPClient {
            var config = HTTPClient.Configuration(
                timeout: .init(
                    connect: .milliseconds(Int64(configuration.connectTimeout * 1000)),
                    read: read.map { .milliseconds(Int64($0 * 1000)) }
                )
            )
            // Below the 5 s keep-alive of uvicorn (vLLM, SGLang) and llama.cpp, so the pool rarely sends on a
            // connection the server is closing.
            config.connectionPool = .init(idleTimeout: .seconds(4), concurrentHTTP1ConnectionsPerHostSoftLimit: 4096)
            config.decompression = .disabled
            return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        }
        // Streams are timed by the proxy's watchdog, which counts only waits on the backend.
        self.streamClient = client(read: nil)
        self.wholeClient = client(read: configuration.requestTimeout)
        self.models = Mutex([:])
        self.watchdog = StreamWatchdog(clock: { clock.now() })
    }

    public func shutdown() async {
        watchdog.stop()
        try? await streamClient.shutdown()
        try? await wholeClient.shutdown()
    }

    var descriptors: [BackendDescriptor] { router.descriptors }

    // MARK: - Loops

    /// Probes every backend once, so that dead ones start out of rotation. Returns each one's health.
    @discardableResult
    public func probeAll() async -> [Bool] {
        await withTaskGroup(of: (Int, Bool).self) { group in
            for index in descriptors.indices {
                group.addTask {
                    let healthy = await self.probe(index)
                    if healthy {
                        await self.refreshModels(index)
                        await self.scrape(index)
                    }
                    return (index, healthy)
                }
            }
            var result = Array(repeating: false, count: descriptors.count)
            for await (index, healthy) in group { result[index] = healthy }
            for (index, healthy) in result.enumerated() {
                let now = clock.now()
                if healthy {
                    router.markUp(index, now: now)
                } else {
                    router.markDown(index, reason: "no answer from /health at start", now: now)
                }
                metrics.backendUp(descriptors[index].name, healthy)
            }
            return result
        }
    }

    /// Scrapes and probes until cancelled: `/metrics` of every up backend each scrape interval, `/health` of every
    /// down backend each health interval, `/v1/models` every 30 s.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for index in descriptors.indices {
                group.addTask { await self.watch(index) }
            }
        }
    }

    /// Scrapes while the backend is up, probes while it is down. It wakes at the shorter of the two intervals, so a
    /// backend taken out between scrapes is probed within a health interval, not after the next scrape.
    private func watch(_ index: Int) async {
        var lastModels = clock.now()
        var lastScrape = -Double.infinity
        let tick = min(configuration.scrapeInterval, configuration.healthInterval)
        while !Task.isCancelled {
            if router.isUp(index) {
                if clock.now() - lastScrape >= configuration.scrapeInterval {
                    lastScrape = clock.now()
                    await scrape(index)
                }
                if clock.now() - lastModels > 30 {
                    await refreshModels(index)
                    lastModels = clock.now()
                }
                try? await Task.sleep(for: .milliseconds(Int64(tick * 1000)))
            } else {
                if await probe(index) {
                    await refreshModels(index)
                    if router.markUp(index, now: clock.now()) {
                        logger.info("backend \(descriptors[index].name) passed /health: back in rotation")
                        metrics.backendUp(descriptors[index].name, true)
                        lastScrape = -Double.infinity
                        continue
                    }
                    // Healthy but still ejected: probe again after the health interval.
                }
                try? await Task.sleep(for: .seconds(configuration.healthInterval))
            }
        }
    }

    /// Takes a backend out of rotation after a failure on the request path or in a scrape.
    public func markDown(_ index: Int, reason: String) {
        if router.markDown(index, reason: reason, now: clock.now()) {
            logger.warning("backend \(descriptors[index].name) down: \(reason)")
            metrics.backendUp(descriptors[index].name, false)
        }
    }

    /// Counts a reply for outlier detection; logs and counts an ejection.
    public func noteReply(_ index: Int, serverError: Bool) {
        guard let reason = router.recordReply(index, serverError: serverError, now: clock.now()) else { return }
        logger.warning("backend \(descriptors[index].name) \(reason)")
        metrics.ejected(descriptors[index].name)
        metrics.backendUp(descriptors[index].name, false)
    }

    // MARK: - One backend

    func probe(_ index: Int) async -> Bool {
        do {
            let response = try await get(index, "/health")
            _ = try? await response.body.collect(upTo: 64 << 10)
            return response.status.code == 200
        } catch {
            return false
        }
    }

    private var probeTimeout: Double { max(0.5, min(5, configuration.connectTimeout + 1)) }

    /// `GET path` on backend `index`, with the probe timeout: for health, metrics, models and slots.
    private func get(_ index: Int, _ path: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: descriptors[index].url + path)
        request.method = .GET
        return try await wholeClient.execute(request, timeout: ProxyHandler.amount(probeTimeout))
    }

    func scrape(_ index: Int) async {
        let now: Double
        let body: ByteBuffer
        do {
            let response = try await get(index, "/metrics")
            body = try await response.body.collect(upTo: 16 << 20)
            now = clock.now()
            guard response.status.code == 200 else {
                let reason = "/metrics answered \(response.status.code)"
                router.recordScrapeFailure(index, reason: reason)
                // A server answering errors on its metrics may be failing altogether: ask /health.
                if !(await probe(index)) { markDown(index, reason: "\(reason) and /health fails") }
                return
            }
        } catch  where ProxyHandler.neverDelivered(error) {
            router.recordScrapeFailure(index, reason: "\(error)")
            markDown(index, reason: "/metrics: \(ProxyHandler.describe(error))")
            return
        } catch {
            router.recordScrapeFailure(index, reason: "/metrics: \(error)")
            return
        }
        let scrape = parser.parse(utf8: Array(body.readableBytesView))
        if !scrape.issues.isEmpty {
            logger.debug(
                "backend \(descriptors[index].name): ignored \(scrape.issues.count) malformed /metrics line(s), first: \(scrape.issues[0])"
            )
        }
        do {
            let engine = try EngineMetrics.extract(from: scrape, kind: descriptors[index].kind)
            router.recordScrape(index, metrics: engine, now: now)
        } catch {
            router.recordScrapeFailure(index, reason: "\(error)")
            logger.debug("backend \(descriptors[index].name): unusable /metrics: \(error)")
        }
    }

    func refreshModels(_ index: Int) async {
        guard
            let response = try? await get(index, "/v1/models"),
            response.status.code == 200,
            let body = try? await response.body.collect(upTo: 4 << 20),
            let list = try? JSONDecoder().decode(ModelListReply.self, from: Data(body.readableBytesView))
        else { return }
        let cards = list.data.compactMap { object -> ModelCard? in
            guard case .string(let id) = object["id"] else { return nil }
            return ModelCard(id: id, json: object)
        }
        models.withLock { $0[index] = cards }
        if descriptors[index].kind == .llamacpp || cards.contains(where: { $0.json["owned_by"] == .string("llamacpp") })
        {
            await readSlots(index)
        }
    }

    /// llama.cpp publishes no KV gauge; the sum of its slots' context sizes is its KV capacity in tokens.
    private func readSlots(_ index: Int) async {
        guard
            let response = try? await get(index, "/slots"),
            response.status.code == 200,
            let body = try? await response.body.collect(upTo: 4 << 20),
            let slots = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]]
        else { return }
        let capacity = slots.compactMap { ($0["n_ctx"] as? NSNumber)?.intValue }.reduce(0, +)
        router.setKVCapacity(index, tokens: capacity)
    }

    /// The models every backend serves, merged by id in backend order.
    public func modelUnion() -> [ModelCard] {
        models.withLock { models in
            var seen = Set<String>()
            var union: [ModelCard] = []
            for index in descriptors.indices {
                for card in models[index] ?? [] where seen.insert(card.id).inserted { union.append(card) }
            }
            return union
        }
    }

    /// The backends that may serve `model`: those that list it, plus those whose list is unknown. Nil when no
    /// backend's list is known or `model` is nil (every backend is eligible).
    /// - Returns: nil for "all", or the eligible indices (empty when the model is unknown everywhere).
    public func eligible(for model: String?) -> Set<Int>? {
        guard let model else { return nil }
        return models.withLock { models in
            guard !models.isEmpty else { return nil }
            var result = Set<Int>()
            for index in descriptors.indices {
                guard let cards = models[index] else {
                    result.insert(index)
                    continue
                }
                if cards.contains(where: { $0.id == model }) { result.insert(index) }
            }
            return result
        }
    }

    private struct ModelListReply: Decodable {
        var data: [[String: JSONValue]]
    }
}

import AsyncHTTPClient
import Calibration
import Foundation
import Gateway
import NIOCore
import NIOHTTP1
import RouterCore

/// Measures one real server for `switchyard calibrate`: what it is (engine, model, context, slots, KV capacity),
/// then the plan's requests, each streamed with its token arrival times.
///
/// Every request goes on a connection of its own (`Connection: close`): a kept-alive connection that the server
/// closes while the client picks it up again (llama.cpp and uvicorn close idle ones after 5 s) would fail the request
/// with "I/O on closed channel", and the connect costs the same in every measurement.
///
/// Every request is a child task of the call that makes it: an error or a cancellation (Ctrl-C) cancels the others,
/// and the client closes their connections, which the engines take as an abort.
public struct Calibrator: Sendable {
    public let url: String
    let client: HTTPClient
    let progress: @Sendable (String) -> Void
    /// Seconds one request may take.
    let timeout: Int64

    public init(url: String, client: HTTPClient, timeout: Int64 = 600, progress: @escaping @Sendable (String) -> Void) {
        // The base URL as the gateway keeps it: no trailing `/` or `/v1`.
        self.url = BackendDescriptor(url: url).url
        self.client = client
        self.timeout = timeout
        self.progress = progress
    }

    /// An HTTP client for calibrating: a short connect timeout, so that a wrong URL says so at once, and a
    /// connection per stream of the largest decode run (the default pool keeps 8 per host).
    public static func makeClient(connectTimeout seconds: Int64 = 3) -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(seconds)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// What the server says about itself.
    public struct ServerFacts: Sendable, Equatable {
        public var kind: EngineKind
        public var model: String
        public var running: Int
        public var waiting: Int
        /// Longest prompt + output of one request: vLLM's `max_model_len`, llama.cpp's per-slot `n_ctx`.
        public var maxContext: Int?
        /// Requests it runs at once: llama.cpp's slots; unknown for vLLM and SGLang.
        public var slots: Int?
        public var kvCapacityTokens: Int?
        public var blockSize: Int?
    }

    /// Reads `/v1/models`, `/metrics` and, for llama.cpp, `/slots`.
    /// - Throws: ``CalibrationError`` when the server does not answer or serves no model.
    public func facts() async throws -> ServerFacts {
        let models = try await getJSON("/v1/models")
        guard let list = (models as? [String: Any])?["data"] as? [[String: Any]], let first = list.first,
            let model = first["id"] as? String
        else { throw CalibrationError(description: "\(url)/v1/models lists no model.") }
        let text = try await getText("/metrics")
        let scrape = PrometheusTextParser().parse(text)
        let metrics: EngineMetrics
        do { metrics = try EngineMetrics.extract(from: scrape) } catch {
            throw CalibrationError(description: "\(url)/metrics: \(error)")
        }
        var facts = ServerFacts(
            kind: metrics.kind,
            model: model,
            running: metrics.running,
            waiting: metrics.waiting,
            maxContext: (first["max_model_len"] as? NSNumber)?.intValue,
            slots: nil,
            kvCapacityTokens: metrics.kvCapacityTokens,
            blockSize: metrics.kvBlockSize
        )
        if metrics.kind == .llamacpp, let slots = try? await getJSON("/slots") as? [[String: Any]] {
            let contexts = slots.compactMap { ($0["n_ctx"] as? NSNumber)?.intValue }
            facts.slots = slots.count
            facts.maxContext = contexts.min()
            facts.kvCapacityTokens = contexts.reduce(0, +)
        }
        return facts
    }

    /// Runs the plan; progress goes to `progress` as it goes.
    /// - Returns: The prefill sweep's observations and the decode runs.
    /// - Throws: ``CalibrationError`` for a failed request (status, body), or the cancellation.
    public func run(
        _ plan: CalibrationPlan,
        model: String
    ) async throws -> (
        prefill: [PrefillObservation], decode: [DecodeRun]
    ) {
        // Words per token of this tokenizer, so that the planned lengths come out about right; every observation
        // uses the engine's own count from `usage`.
        let probe = try await stream(prompt: Self.text(words: 200, nonce: 0), model: model, maxTokens: 1)
        let wordsPerToken = 200 / Double(max(1, probe.promptTokens))
        progress("probe: 200 words are \(probe.promptTokens) prompt tokens")
        var prefill: [PrefillObservation] = []
        for (index, tokens) in plan.prefillLengths.enumerated() {
            let words = max(4, Int(Double(tokens) * wordsPerToken))
            let reply = try await stream(prompt: Self.text(words: words, nonce: index + 1), model: model, maxTokens: 1)
            guard let first = reply.tokenTimes.first else {
                throw CalibrationError(description: "\(url): a prefill request of \(tokens) tokens returned no token.")
            }
            prefill.append(PrefillObservation(promptTokens: reply.promptTokens, ttft: first))
            progress(
                "prefill \(index + 1)/\(plan.prefillLengths.count): \(reply.promptTokens) tokens, TTFT "
                    + String(format: "%.3f s", first)
            )
        }
        var decode: [DecodeRun] = []
        for (index, step) in plan.decodeSteps.enumerated() {
            let words = max(4, Int(Double(step.promptTokens) * wordsPerToken))
            let start = ContinuousClock.now
            let nonce = 10_000 * (index + 1)
            let replies = try await withThrowingTaskGroup(of: StreamReply.self) { group in
                for stream in 0..<step.streams {
                    group.addTask {
                        try await self.stream(
                            prompt: Self.text(words: words, nonce: nonce + stream),
                            model: model,
                            maxTokens: step.outputTokens,
                            since: start
                        )
                    }
                }
                var all: [StreamReply] = []
                for try await reply in group { all.append(reply) }
                return all
            }
            let prompt = replies.map(\.promptTokens).reduce(0, +) / max(1, replies.count)
            let run = DecodeRun(promptTokens: prompt, tokenTimes: replies.map(\.tokenTimes))
            decode.append(run)
            let gaps = run.gaps()
            let mean = gaps.isEmpty ? 0 : gaps.map(\.seconds).reduce(0, +) / Double(gaps.count)
            progress(
                "decode \(index + 1)/\(plan.decodeSteps.count): \(step.streams) streams of \(prompt) prompt tokens, "
                    + "mean gap " + String(format: "%.1f ms", mean * 1000)
            )
        }
        return (prefill, decode)
    }

    struct StreamReply: Sendable {
        var promptTokens: Int
        /// Seconds from `since` to each token.
        var tokenTimes: [Double]
    }

    /// One streamed completion with `ignore_eos`, timed token by token.
    func stream(
        prompt: String,
        model: String,
        maxTokens: Int,
        since start: ContinuousClock.Instant = .now
    ) async throws -> StreamReply {
        var request = HTTPClientRequest(url: url + "/v1/completions")
        request.method = .POST
        request.headers.add(name: "connection", value: "close")
        request.headers.add(name: "content-type", value: "application/json")
        let body: [String: Any] = [
            "model": model, "prompt": prompt, "max_tokens": maxTokens, "stream": true, "temperature": 0,
            "ignore_eos": true, "stream_options": ["include_usage": true],
        ]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await client.execute(request, timeout: .seconds(timeout))
        guard response.status == .ok else {
            let text = try? await response.body.collect(upTo: 64 << 10)
            throw CalibrationError(
                description:
                    "\(url)/v1/completions answered \(response.status.code): \(text.map { String(buffer: $0).prefix(300) } ?? "")"
            )
        }
        var scanner = SSEScanner()
        var times: [Double] = []
        for try await buffer in response.body {
            let new = buffer.withUnsafeReadableBytes { scanner.feed($0) }
            let now = (ContinuousClock.now - start) / .seconds(1)
            times.append(contentsOf: repeatElement(now, count: new))
        }
        let rest = scanner.finish()
        times.append(contentsOf: repeatElement((ContinuousClock.now - start) / .seconds(1), count: rest))
        if scanner.sawError { throw CalibrationError(description: "\(url): the stream carried an error event.") }
        guard let promptTokens = scanner.promptTokens else {
            throw CalibrationError(description: "\(url): the stream's usage has no prompt_tokens (stream_options).")
        }
        return StreamReply(promptTokens: promptTokens, tokenTimes: times)
    }

    /// `words` words of plain English; the nonce opens the prompt so no two share a cached prefix.
    static func text(words: Int, nonce: Int) -> String {
        let vocabulary = [
            "river", "stone", "window", "garden", "market", "letter", "winter", "silver", "engine", "harbor",
            "forest", "candle", "mirror", "ladder", "orange", "pencil", "valley", "rocket", "island", "basket",
        ]
        var generator = nonce &* 2_654_435_761 &+ 12_345
        var parts = ["Calibration \(nonce):"]
        for _ in 0..<words {
            generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            parts.append(vocabulary[Int((UInt(bitPattern: generator) >> 33) % UInt(vocabulary.count))])
        }
        return parts.joined(separator: " ")
    }

    private func getText(_ path: String) async throws -> String {
        var request = HTTPClientRequest(url: url + path)
        request.headers.add(name: "connection", value: "close")
        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .seconds(10)) } catch {
            throw CalibrationError(description: "\(url)\(path): no answer (\(error)).")
        }
        let body = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok else {
            throw CalibrationError(description: "\(url)\(path) answered \(response.status.code).")
        }
        return String(buffer: body)
    }

    private func getJSON(_ path: String) async throws -> Any {
        let text = try await getText(path)
        do { return try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw CalibrationError(description: "\(url)\(path): not JSON (\(error)).")
        }
    }
}

/// A calibration that cannot go on, saying why.
public struct CalibrationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(description: String) { self.description = description }
}

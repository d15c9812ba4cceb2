import AsyncHTTPClient
import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import SwitchyardCore
import Synchronization
import Workload

/// Real-mode bursts: sends real streaming requests through the gateway's own front door, shaped like the
/// simulator's bursts (``BurstShape``: 48 requests within a second; prefill-heavy, decode-heavy or mixed), with
/// prompt text cut from the bundled ShareGPT sample to each request's drawn length. `max_tokens` is the drawn
/// output length, with `ignore_eos` so that vLLM and llama.cpp generate exactly that many tokens.
public final class LoadGenerator: Sendable {
    private let client: HTTPClient
    private let words: [String]
    private let logger: Logger
    private let maxContext: Int?
    private let state: Mutex<State>

    private struct State {
        var rng: SplitMix64
        var target: String?
        var model: String?
        var sent = 0
        var ok = 0
        var failed = 0
    }

    /// - Parameters:
    ///   - seed: Seeds the burst draws.
    ///   - maxContext: Largest prompt + output tokens per request (the backends' context length), if limited.
    ///   - logger: Where failed requests are logged, at debug level.
    public init(seed: UInt64, maxContext: Int?, logger: Logger) {
        var config = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(600)))
        config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        let prompts = (try? BundledPrompts.load().map(\.prompt)) ?? []
        let text = prompts.isEmpty ? Self.fallbackText : prompts.joined(separator: "\n")
        self.words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        self.logger = logger
        self.maxContext = maxContext
        self.state = Mutex(State(rng: SplitMix64(seed: seed)))
    }

    public func shutdown() async { try? await client.shutdown() }

    /// Where to send: the gateway's base URL, and the model to name (nil leaves `model` out).
    public func setTarget(_ url: String, model: String?) {
        state.withLock {
            $0.target = url
            $0.model = model
        }
    }

    /// Requests sent, completed and failed so far.
    public var counts: (sent: Int, ok: Int, failed: Int) { state.withLock { ($0.sent, $0.ok, $0.failed) } }

    /// Starts one burst and returns at once with its size; the requests run in the background.
    /// - Throws: ``GatewayConfigError`` when the gateway is not listening yet.
    @discardableResult
    public func burst(_ kind: BurstKind) throws(GatewayConfigError) -> Int {
        let words = self.words
        let (sends, target) = state.withLock {
            state -> ([(arrival: Double, body: ByteBuffer, path: String)], String?) in
            let model = state.model
            if kind == .conversation {
                let turns = ConversationBurst.turns(startingAt: 0, words: words, rng: &state.rng)
                return (
                    turns.map { ($0.arrival, chatBody(for: $0, model: model), "/v1/chat/completions") }, state.target
                )
            }
            let requests = BurstShape.requests(kind, startingAt: 0, firstID: 0, rng: &state.rng)
            return (requests.map { ($0.arrival, body(for: $0, model: model), "/v1/completions") }, state.target)
        }
        guard let target else { throw GatewayConfigError(description: "The gateway is not listening yet.") }
        state.withLock { $0.sent += sends.count }
        Task {
            let start = ContinuousClock.now
            await withTaskGroup(of: Bool.self) { group in
                for send in sends {
                    group.addTask {
                        try? await Task.sleep(until: start + .seconds(send.arrival), clock: .continuous)
                        return await self.send(send.body, to: target + send.path)
                    }
                }
                for await ok in group {
                    state.withLock { state in
                        if ok {
                            state.ok += 1
                        } else {
                            state.failed += 1
                        }
                    }
                }
            }
        }
        return sends.count
    }

    private func send(_ body: ByteBuffer, to url: String) async -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .seconds(600))
            var scanner = SSEScanner()
            for try await chunk in response.body {
                scanner.feed(chunk.readableBytesView)
            }
            scanner.finish()
            return response.status.code == 200 && scanner.done && !scanner.sawError
        } catch {
            logger.debug("load generator: \(error)")
            return false
        }
    }

    /// A streaming chat completion of one conversation turn: its messages, `max_tokens` its answer's length (with
    /// `ignore_eos`), bounded by the context as ``body(for:model:)`` bounds a prompt.
    func chatBody(for turn: ConversationBurst.Turn, model: String?) -> ByteBuffer {
        var output = turn.outputTokens
        if let maxContext { output = min(output, maxContext / 4) }
        let messages = turn.messages.map { ["role": $0.role, "content": $0.content] }
        return Self.streamingBody(["messages": messages], maxTokens: output, model: model)
    }

    func body(for request: SwitchyardCore.Request, model: String?) -> ByteBuffer {
        var output = request.outputTokens
        var prompt = request.promptTokens
        if let maxContext {
            output = min(output, maxContext / 2)
            prompt = max(1, min(prompt, maxContext - output - 16))
        }
        let text = promptText(tokens: prompt, offset: request.id.rawValue &* 7919)
        return Self.streamingBody(["prompt": text], maxTokens: output, model: model)
    }

    /// `fields` plus what every load-generator request asks for: a stream with usage, exactly `maxTokens` tokens
    /// (`ignore_eos`), and the model when known.
    static func streamingBody(_ fields: [String: Any], maxTokens: Int, model: String?) -> ByteBuffer {
        var object = fields
        object["max_tokens"] = maxTokens
        object["stream"] = true
        object["stream_options"] = ["include_usage": true]
        object["ignore_eos"] = true
        if let model { object["model"] = model }
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return ByteBuffer(bytes: data)
    }

    /// About `tokens` tokens (by ``TokenEstimator``) of real prompt text, starting at a word offset.
    func promptText(tokens: Int, offset: Int) -> String {
        guard !words.isEmpty else { return "" }
        var parts: [String] = []
        var count = 0
        var index = offset % words.count
        while count < tokens {
            let word = words[index]
            parts.append(word)
            count += TokenEstimator.estimate(word)
            index = (index + 1) % words.count
        }
        return parts.joined(separator: " ")
    }

    private static let fallbackText =
        "Summarize the following report about routing requests across a cluster of language model servers."
}

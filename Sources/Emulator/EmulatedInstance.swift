import Engine
import Foundation
import SwitchyardCore
import Workload

/// One emulated vLLM instance: an ``Engine`` run in real time (scaled by a speed factor), with a token stream per
/// request.
///
/// A driver task runs while the engine has work: it steps the engine at the emulated time `now`, sleeps the
/// iteration's duration divided by the speed, then delivers the iteration's tokens. Every decoding request produces
/// one token per iteration, so at each iteration's end the instance yields one token to every request that was
/// decoding during it; `firstToken` and `resumed` events yield one more. The engine derives decode progress from an
/// iteration counter, so the instance keeps its own count per request.
public actor EmulatedInstance {
    /// What the instance knows about one request in flight.
    struct Tracker {
        var continuation: AsyncStream<Int>.Continuation
        var prompt: Int
        var generated: Int
        var target: Int
        var decoding: Bool
        var reason: Generation.FinishReason
        /// Emulated times of its arrival, first admission, first token and latest token, for vLLM's histograms.
        var arrival = 0.0
        var admitted: Double? = nil
        var firstToken: Double? = nil
        var lastToken = 0.0
        /// The request's `max_tokens` (or the cap that stood for it).
        var maxTokens = 0
    }

    public nonisolated let configuration: EmulatorConfiguration
    private var engine: Engine
    private var trackers: [RequestID: Tracker] = [:]
    private var nextID = 0
    /// Emulated seconds since the instance started.
    private var now: Double = 0
    private let start = ContinuousClock.now
    private var driver: Task<Void, Never>?
    private var random: SplitMix64
    private var traceLengths: [Int]
    /// The faults currently injected.
    public private(set) var faults: FaultSettings
    /// Each `refuse` fault set, as the seconds its listener should stay closed; read by the instance's server.
    public nonisolated let refusals: AsyncStream<Double>
    private nonisolated let refusalRequests: AsyncStream<Double>.Continuation

    /// Counters published at `/metrics`.
    private(set) var promptTokensTotal = 0
    private(set) var generationTokensTotal = 0
    private(set) var successTotal: [Generation.FinishReason: Int] = [:]
    private(set) var histograms = VLLMHistograms()
    /// When the instance started, in seconds since 1970, for the `_created` series prometheus_client publishes.
    private let startedAt = Date().timeIntervalSince1970

    /// Creates an idle instance.
    /// - Parameter configuration: the profile, speed, name and initial faults.
    /// - Throws: ``WorkloadError`` when `traceLengths` is set and the bundled sample cannot be read.
    public init(configuration: EmulatorConfiguration) throws {
        self.configuration = configuration
        self.engine = Engine(config: configuration.profile.engineConfig())
        self.random = SplitMix64(seed: configuration.seed)
        self.faults = configuration.faults
        (refusals, refusalRequests) = AsyncStream<Double>.makeStream(bufferingPolicy: .bufferingNewest(1))
        if configuration.faults.refuse { refusalRequests.yield(configuration.faults.refuseSeconds) }
        if configuration.traceLengths {
            let workload = try WorkloadLoader.load(
                spec: try WorkloadSpec(parsing: "azure-conv"),
                dataDirectory: nil,
                seed: configuration.seed,
                limit: nil
            )
            self.traceLengths = workload.requests.map { max(1, $0.outputTokens) }
        } else {
            self.traceLengths = []
        }
    }

    /// The longest prompt plus output the instance accepts, in tokens (vLLM's `max_model_len`).
    public nonisolated var maxModelLen: Int { configuration.profile.engineConfig().maxModelLen }

    /// Queues a request on the engine and returns its token stream.
    /// - Parameters:
    ///   - promptTokens: the prompt's size in tokens (at least 1).
    ///   - maxTokens: the request's `max_tokens`; nil takes the configured default (or, with trace lengths, the
    ///     drawn length, bounded by the context).
    ///   - prefix: the prompt's block hashes; with them the engine's prefix cache applies (a repeated prefix is
    ///     not computed again, so its first token comes sooner), as vLLM's automatic prefix caching.
    /// - Returns: the accepted request.
    /// - Throws: ``EmulatorError`` when the prompt does not fit the model's context.
    public func submit(promptTokens: Int, maxTokens: Int?, prefix: PrefixHashes? = nil) throws -> Generation {
        let maxModelLen = engine.config.maxModelLen
        let prompt = max(1, promptTokens)
        if prompt >= maxModelLen {
            throw EmulatorError.invalidField(
                "prompt",
                "has \(prompt) tokens, but this model's maximum context length is \(maxModelLen) tokens"
            )
        }
        // A trace-drawn length is its own stop; without `max_tokens` only the context bounds it.
        let requested = maxTokens ?? (traceLengths.isEmpty ? configuration.defaultMaxTokens : maxModelLen)
        let cap = min(requested, maxModelLen - prompt)
        var output = cap
        var reason = Generation.FinishReason.length
        if !traceLengths.isEmpty {
            let drawn = traceLengths[Int(random.next() % UInt64(traceLengths.count))]
            if drawn < cap {
                output = drawn
                reason = .stop
            }
        }
        output = max(1, output)
        let id = RequestID(nextID)
        nextID += 1
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .unbounded)
        advanceIdleClock()
        trackers[id] = Tracker(
            continuation: continuation,
            prompt: prompt,
            generated: 0,
            target: output,
            decoding: false,
            reason: reason,
            arrival: now,
            maxTokens: cap
        )
        engine.submit(
            Request(id: id, arrival: now, promptTokens: prompt, outputTokens: output, prefix: prefix),
            now: now
        )
        startDriverIfNeeded()
        return Generation(id: id, promptTokens: prompt, outputTokens: output, finishReason: reason, tokens: stream)
    }

    /// Drops a request whose client went away, freeing its place in the engine, as vLLM aborts on a disconnect.
    /// Its token stream ends; it counts as `finished_reason="abort"`.
    public func abort(_ id: RequestID) {
        guard let tracker = trackers.removeValue(forKey: id) else { return }
        // The engine may have finished it in the iteration whose tokens are still being delivered.
        let aborted = engine.abort(id)
        tracker.continuation.finish()
        successTotal[aborted ? .abort : tracker.reason, default: 0] += 1
    }

    /// Replaces the injected faults.
    public func setFaults(_ faults: FaultSettings) {
        self.faults = faults
        if faults.refuse { refusalRequests.yield(faults.refuseSeconds) }
    }

    /// The listener is open again: the `refuse` fault is over.
    public func refusalEnded() {
        faults.refuse = false
    }

    /// Draws whether the error-rate fault fires for one request.
    func drawError() -> Bool {
        guard faults.errorRate > 0 else { return false }
        return Double(random.next() >> 11) / Double(1 << 53) < faults.errorRate
    }

    /// A snapshot of the engine's gauges and the instance's counters.
    public func stats() -> InstanceStats {
        // vLLM V0's average throughput gauges: tokens per second over its last logging interval of 5 s.
        advanceIdleClock()
        if now - throughputMark.time >= 5 {
            let span = now - throughputMark.time
            throughput = (
                Double(promptTokensTotal - throughputMark.prompt) / span,
                Double(generationTokensTotal - throughputMark.generation) / span
            )
            throughputMark = (now, promptTokensTotal, generationTokensTotal)
        }
        var stats = InstanceStats(
            running: engine.runningCount,
            waiting: engine.waitingCount,
            kvUsage: engine.kvUsage,
            kvBlocks: engine.config.kvBlocks,
            blockSize: engine.config.blockSize,
            preemptions: engine.preemptions,
            promptTokens: promptTokensTotal,
            generationTokens: generationTokensTotal,
            finishedByReason: successTotal,
            prefixCacheQueries: engine.prefixQueries,
            prefixCacheHits: engine.prefixHits,
            histograms: histograms,
            startedAt: startedAt
        )
        stats.promptThroughput = throughput.prompt
        stats.generationThroughput = throughput.generation
        return stats
    }

    /// Where the current throughput interval started, and the last interval's rates (tokens per emulated second).
    private var throughputMark: (time: Double, prompt: Int, generation: Int) = (0, 0, 0)
    private var throughput: (prompt: Double, generation: Double) = (0, 0)

    // MARK: - Driver

    /// While idle the emulated clock follows the wall clock, so event times stay meaningful after a pause.
    private func advanceIdleClock() {
        guard driver == nil else { return }
        let wall = (ContinuousClock.now - start).inSeconds
        now = max(now, wall * configuration.speed)
    }

    private func startDriverIfNeeded() {
        guard driver == nil else { return }
        driver = Task { await self.drive() }
    }

    private func drive() async {
        var events: [EngineEvent] = []
        // Iterations end on a schedule (each one its duration after the last), not a sleep after the work: the
        // emulator's own work per token and the timer's lateness do not stretch the iterations, so a client sees the
        // profile's timings (what `switchyard calibrate` fits). Behind by more than an iteration, it starts over.
        var deadline = ContinuousClock.now
        while true {
            events.removeAll(keepingCapacity: true)
            guard let summary = engine.step(now: now, events: &events) else { break }
            let wall = summary.duration / configuration.speed
            if wall > 0 {
                let current = ContinuousClock.now
                if current - deadline > .seconds(wall) { deadline = current }
                deadline += .seconds(wall)
                try? await Task.sleep(until: deadline)
            }
            now += summary.duration
            histograms.iterationTokens.observe(Double(summary.prefillTokens + summary.decodeTokens))
            deliver(events)
        }
        driver = nil
        // A request submitted while the last step found the engine idle would otherwise wait forever.
        if !engine.isIdle { startDriverIfNeeded() }
    }

    /// Delivers one iteration's tokens: first to the requests that decoded through it, then to the requests whose
    /// prefill it completed; closes finished streams.
    private func deliver(_ events: [EngineEvent]) {
        for event in events where event.kind == .preempted {
            trackers[event.request]?.decoding = false
        }
        for id in trackers.keys where trackers[id]?.decoding == true {
            emit(id, gap: true)
        }
        for event in events {
            switch event.kind {
            case .firstToken:
                promptTokensTotal += trackers[event.request]?.prompt ?? 0
                if let arrival = trackers[event.request]?.arrival {
                    histograms.firstToken(after: (event.time - arrival) / configuration.speed)
                }
                trackers[event.request]?.firstToken = event.time
                trackers[event.request]?.lastToken = event.time
                emit(event.request, gap: false)
                trackers[event.request]?.decoding = true
            case .resumed:
                emit(event.request, gap: true)
                trackers[event.request]?.decoding = true
            case .finished:
                finish(event.request, at: event.time)
            case .admitted:
                if trackers[event.request]?.admitted == nil { trackers[event.request]?.admitted = event.time }
            case .preempted:
                break
            }
        }
    }

    /// Yields the request's next token; with `gap`, its time since the previous one counts as an inter-token latency.
    private func emit(_ id: RequestID, gap: Bool) {
        guard var tracker = trackers[id], tracker.generated < tracker.target else { return }
        if gap {
            histograms.tokenGap((now - tracker.lastToken) / configuration.speed)
            tracker.lastToken = now
        }
        tracker.generated += 1
        generationTokensTotal += 1
        tracker.continuation.yield(tracker.generated)
        trackers[id] = tracker
    }

    private func finish(_ id: RequestID, at end: Double) {
        guard let tracker = trackers[id] else { return }
        // The engine's count is the truth; make up any token the bookkeeping missed.
        while let current = trackers[id], current.generated < current.target { emit(id, gap: false) }
        tracker.continuation.finish()
        successTotal[tracker.reason, default: 0] += 1
        let admitted = tracker.admitted ?? tracker.arrival
        // Wall-clock seconds, as vLLM measures them and as a scraper's rates count: emulated time over the speed.
        let speed = configuration.speed
        histograms.finished(
            arrival: tracker.arrival / speed,
            admitted: admitted / speed,
            firstToken: (tracker.firstToken ?? end) / speed,
            end: end / speed,
            prompt: tracker.prompt,
            generated: tracker.target,
            maxTokens: tracker.maxTokens
        )
        trackers[id] = nil
    }
}

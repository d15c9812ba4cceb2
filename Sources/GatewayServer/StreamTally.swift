import Gateway

/// A streamed reply's tokens, counted into the router as they pass, and how the stream ended: what `serve`'s proxy
/// and the endpoint picker both do while a stream goes by.
///
/// The first token is told at once; later ones in batches (every 16 tokens or 50 ms), so that a chunk does not take
/// the router's lock each time.
public struct StreamTally: Sendable {
    public private(set) var scanner = SSEScanner()
    private var unreported = 0
    private var reportedAt = 0.0

    public init() {}

    /// Why a stream that ended with neither `[DONE]` nor an error event failed.
    public static let truncation = "the stream ended before data: [DONE]"

    /// Reads one chunk of the stream.
    public mutating func feed(
        _ bytes: UnsafeRawBufferPointer,
        ticket: LiveRouter.Ticket,
        router: LiveRouter,
        now: Double
    ) {
        let before = scanner.textChunks
        let new = scanner.feed(bytes)
        guard new > 0 else { return }
        unreported += new
        if before == 0 { router.firstToken(ticket, now: now) }
        if unreported >= 16 || now - reportedAt >= 0.05 || before == 0 {
            flush(ticket: ticket, router: router, now: now)
            reportedAt = now
        }
    }

    /// Tells the router the tokens not yet told.
    public mutating func flush(ticket: LiveRouter.Ticket, router: LiveRouter, now: Double) {
        router.streamed(ticket, tokens: unreported, now: now)
        unreported = 0
    }

    /// The stream's end: the scanner's last event is read and every token told.
    public mutating func finish(ticket: LiveRouter.Ticket, router: LiveRouter, now: Double) {
        unreported += scanner.finish()
        flush(ticket: ticket, router: router, now: now)
    }

    /// The stream ended with neither `[DONE]` nor an error event.
    public var truncated: Bool { !scanner.done && !scanner.sawError }

    /// How a stream that has ended ends in the ledger: failed by an error event or a missing `[DONE]`, else
    /// completed with `usage`'s token count when it had one.
    public var outcome: LiveRouter.Outcome {
        if scanner.sawError { return .backendFailed("error event in the stream") }
        if truncated { return .backendFailed(Self.truncation) }
        return .completed(completionTokens: scanner.completionTokens)
    }
}

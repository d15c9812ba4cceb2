/// A lone request with one output token: its prompt and its time to first token, as the client measured it.
public struct PrefillObservation: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var ttft: Double

    public init(promptTokens: Int, ttft: Double) {
        self.promptTokens = promptTokens
        self.ttft = ttft
    }
}

/// `k` streams started together with the same prompt length, and when each of their tokens arrived.
public struct DecodeRun: Sendable, Equatable, Codable {
    public var promptTokens: Int
    /// Per stream, the arrival time of each token in seconds (one clock for the run), first token first.
    public var tokenTimes: [[Double]]

    public init(promptTokens: Int, tokenTimes: [[Double]]) {
        self.promptTokens = promptTokens
        self.tokenTimes = tokenTimes
    }

    /// Streams in the run.
    public var streams: Int { tokenTimes.count }

    /// The gaps between consecutive tokens while every stream of the run was decoding (after the last first token
    /// and up to the first stream's last token), each with the batch it was measured in: `k` sequences holding
    /// `context` tokens (prompt plus tokens generated, summed over the streams).
    ///
    /// Tokens that arrive in one network read share a time; such zero gaps are dropped, and the gap after them
    /// spans the iterations between, so it is divided by their number.
    public func gaps() -> [DecodeGap] {
        guard !tokenTimes.isEmpty, tokenTimes.allSatisfy({ $0.count >= 3 }) else { return [] }
        let start = tokenTimes.compactMap(\.first).max() ?? 0
        let end = tokenTimes.compactMap(\.last).min() ?? 0
        let k = streams
        var result: [DecodeGap] = []
        for times in tokenTimes {
            var previous: (index: Int, time: Double)?
            for (index, time) in times.enumerated() where time >= start && time <= end {
                if let last = previous, time > last.time {
                    let iterations = index - last.index
                    let generated = last.index + 1
                    result.append(
                        DecodeGap(
                            sequences: k,
                            context: k * (promptTokens + generated),
                            seconds: (time - last.time) / Double(iterations)
                        )
                    )
                    previous = (index, time)
                } else if previous == nil {
                    previous = (index, time)
                }
            }
        }
        return result
    }
}

/// One decode iteration as observed: the batch and how long it took.
public struct DecodeGap: Sendable, Equatable {
    public var sequences: Int
    public var context: Int
    public var seconds: Double

    public init(sequences: Int, context: Int, seconds: Double) {
        self.sequences = sequences
        self.context = context
        self.seconds = seconds
    }
}

/// What `switchyard calibrate` sends: a sweep of lone prompts with one output token, then runs of streams decoding
/// together.
public struct CalibrationPlan: Sendable, Equatable {
    public struct DecodeStep: Sendable, Equatable {
        public var streams: Int
        public var promptTokens: Int
        public var outputTokens: Int
    }

    /// Prompt lengths of the prefill sweep, each one request, in order.
    public var prefillLengths: [Int]
    public var decodeSteps: [DecodeStep]

    /// A plan that fits the server.
    /// - Parameters:
    ///   - maxContext: Prompt plus output tokens one request may hold (llama.cpp: a slot's context).
    ///   - maxParallel: Requests the server runs at once (llama.cpp: its slots).
    ///   - quick: About a third of the requests, for a first look or a test.
    /// - Returns: The plan: prompts within the context, batches within the parallelism.
    public static func make(maxContext: Int, maxParallel: Int, quick: Bool) -> CalibrationPlan {
        let output = quick ? 24 : 64
        let longestPrompt = max(64, min(quick ? 2048 : 8192, maxContext - 16))
        let points = quick ? 6 : 12
        var lengths: [Int] = []
        for index in 0..<points {
            let length = 32 + (longestPrompt - 32) * index / max(1, points - 1)
            lengths.append(length)
        }
        // Twice each in a full run, interleaved, so a drift over time does not bend the slope.
        let prefill = quick ? lengths : lengths + lengths.reversed()
        var ks = [1]
        var k = 2
        while k <= min(maxParallel, quick ? 16 : 64) {
            ks.append(k)
            k *= 2
        }
        if quick && ks.count > 3 { ks = [ks[0], ks[ks.count / 2], ks[ks.count - 1]] }
        let short = 32
        let long = max(short * 2, min(1024, maxContext / 2 - output))
        var steps: [DecodeStep] = []
        for streams in ks {
            steps.append(DecodeStep(streams: streams, promptTokens: short, outputTokens: output))
        }
        // Long prompts give the per-context coefficient its lever; their prefill is kept short in total.
        for streams in ks where streams <= 8 {
            steps.append(DecodeStep(streams: streams, promptTokens: long, outputTokens: output))
        }
        return CalibrationPlan(prefillLengths: prefill, decodeSteps: steps)
    }

    /// Requests in the plan.
    public var requests: Int { prefillLengths.count + decodeSteps.reduce(0) { $0 + $1.streams } }
}

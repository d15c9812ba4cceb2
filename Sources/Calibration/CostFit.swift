import SwitchyardCore

/// The engine model's cost coefficients fitted to measurements of a real server.
///
/// The model (``CostModel``): an iteration takes `fixed + perPrefillToken × prefill tokens + perDecodeSequence ×
/// decoding sequences + perContextToken × their context tokens`. A lone request with one output token measures one
/// prefill iteration plus the network (`ttft = overhead + fixed + perPrefillToken × prompt`); the gaps between the
/// tokens of `k` streams decoding together measure decode iterations (`gap = fixed + perDecodeSequence × k +
/// perContextToken × context`). The decode gaps give `fixed`, the per-sequence and the per-context coefficients;
/// the prefill sweep gives the per-token slope, and its intercept less `fixed` is the network and server overhead.
public struct CostFit: Sendable, Equatable {
    public var cost: CostModel
    /// Seconds a request spends outside the engine's iterations (client, network, HTTP, tokenizing).
    public var overhead: Double
    public var prefill: LeastSquares.Fit
    public var decode: LeastSquares.Fit
    /// Coefficients the data could not tell from zero (a negative fit; for `fixed_s`, one at or below zero), set to 0
    /// and left out of the refit.
    public var dropped: [String]

    /// Fits the coefficients.
    /// - Parameters:
    ///   - prefill: At least two lone requests of different prompt lengths.
    ///   - decode: Runs with at least two batch sizes or two prompt lengths.
    /// - Returns: The fit; nil when either set cannot be fitted (too few or degenerate observations).
    public static func fit(prefill: [PrefillObservation], decode: [DecodeRun]) -> CostFit? {
        let prefillRows = prefill.map { [1, Double($0.promptTokens)] }
        guard let prefillFit = LeastSquares.fit(rows: prefillRows, y: prefill.map(\.ttft)) else { return nil }
        let gaps = decode.flatMap { $0.gaps() }
        // fixed, per sequence, per context token; a coefficient that fits negative is noise around zero. An
        // intercept that fits at or below zero is a batch that costs more than its sequences alone would (llama.cpp
        // with a KV stream per slot: one sequence 15 ms a token on one thread, two together 50 ms each): the
        // iteration's cost is all per sequence, so the fit goes through the origin.
        var columns = [true, true, true]
        var dropped: [String] = []
        var decodeFit: LeastSquares.Fit?
        var coefficients = [0.0, 0.0, 0.0]
        // One pass per column that may be dropped, and the last refit.
        for _ in 0...columns.count {
            let rows = gaps.map { gap in
                [1, Double(gap.sequences), Double(gap.context)].enumerated().filter { columns[$0.offset] }.map(
                    \.element
                )
            }
            guard let fit = LeastSquares.fit(rows: rows, y: gaps.map(\.seconds)) else { return nil }
            var values = fit.coefficients.makeIterator()
            coefficients = columns.map { $0 ? (values.next() ?? 0) : 0 }
            decodeFit = fit
            if let negative = (1..<3).first(where: { columns[$0] && coefficients[$0] < 0 }) {
                columns[negative] = false
                dropped.append(negative == 1 ? "per_decode_sequence_s" : "per_context_token_s")
            } else if columns[0], coefficients[0] <= 0, columns[1] || columns[2] {
                columns[0] = false
                dropped.append("fixed_s")
            } else {
                break
            }
        }
        let slope = max(0, prefillFit.coefficients[1])
        // An iteration of one decode, or of one prompt token, takes time: else the model has a free step.
        guard let decodeFit, coefficients[0] + coefficients[1] > 0, coefficients[0] + slope > 0 else { return nil }
        return CostFit(
            cost: CostModel(
                fixed: coefficients[0],
                perPrefillToken: slope,
                perDecodeSequence: coefficients[1],
                perContextToken: coefficients[2]
            ),
            overhead: max(0, prefillFit.coefficients[0] - coefficients[0]),
            prefill: prefillFit,
            decode: decodeFit,
            dropped: dropped
        )
    }
}

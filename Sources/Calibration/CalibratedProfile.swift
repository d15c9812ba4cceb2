import Engine
import Foundation
import SwitchyardCore

/// A latency profile from a fitted cost model and what the server said about itself.
public enum CalibratedProfile {
    /// What the profile says besides the coefficients.
    public struct Server: Sendable, Equatable {
        public var engine: String
        public var model: String
        public var backends: [String]
        /// Prompt + output one request may hold.
        public var maxContext: Int
        /// Requests run at once.
        public var maxBatchSize: Int
        public var kvCapacityTokens: Int
        public var blockSize: Int

        public init(
            engine: String,
            model: String,
            backends: [String],
            maxContext: Int,
            maxBatchSize: Int,
            kvCapacityTokens: Int,
            blockSize: Int
        ) {
            self.engine = engine
            self.model = model
            self.backends = backends
            self.maxContext = maxContext
            self.maxBatchSize = maxBatchSize
            self.kvCapacityTokens = kvCapacityTokens
            self.blockSize = blockSize
        }
    }

    /// The profile: the fit's coefficients, the server's limits, and the provenance.
    /// - Parameters:
    ///   - name: The profile's name.
    ///   - fit: The fitted coefficients.
    ///   - server: The engine, model and limits.
    ///   - requests: Requests the calibration sent.
    ///   - date: When, ISO 8601.
    /// - Returns: The profile, which passes ``ProfileCatalog``'s checks.
    public static func make(
        name: String,
        fit: CostFit,
        server: Server,
        requests: Int,
        date: String
    ) -> LatencyProfile {
        let blockSize = max(1, server.blockSize)
        // The KV cache holds at least one full-context request (the profile check), rounded up to whole blocks.
        let capacity = max(server.kvCapacityTokens, server.maxContext + 1)
        let kvBlocks = (capacity + blockSize - 1) / blockSize
        let cost = fit.cost
        func seconds(_ value: Double) -> String { value.formatted(significantDigits: 3) }
        var derivation = [
            "Fitted by `switchyard calibrate` on \(date) to \(requests) requests to \(server.backends.joined(separator: ", ")) (\(server.engine), model \(server.model)).",
            "per_prefill_token_s = \(seconds(cost.perPrefillToken)): the slope of TTFT on prompt tokens over lone requests with one output token (\(fit.prefill.count) requests, residual RMS \(seconds(fit.prefill.rms)) s, R² \(fit.prefill.r2.formatted(significantDigits: 3))).",
            "fixed_s = \(seconds(cost.fixed)), per_decode_sequence_s = \(seconds(cost.perDecodeSequence)), per_context_token_s = \(seconds(cost.perContextToken)): least squares of the gap between tokens on the streams decoding together and their context tokens (\(fit.decode.count) gaps, residual RMS \(seconds(fit.decode.rms)) s, R² \(fit.decode.r2.formatted(significantDigits: 3))).",
            "Each request's overhead outside the engine (client, network, HTTP): \(seconds(fit.overhead)) s, the prefill intercept less fixed_s.",
            "max_model_len = \(server.maxContext), max_batch_size = \(server.maxBatchSize), KV \(capacity) tokens in blocks of \(blockSize): read from the server.",
        ]
        let noise = fit.dropped.filter { $0 != "fixed_s" }
        if !noise.isEmpty {
            derivation.append(
                "\(noise.joined(separator: " and ")) fitted below zero (noise around a small value) and were set to 0."
            )
        }
        if fit.dropped.contains("fixed_s") {
            derivation.append(
                "fixed_s fitted below zero and was set to 0: sequences decoding together cost more each than one alone (llama.cpp with a KV stream per slot does), so the decode fit goes through the origin."
            )
        }
        var profile = LatencyProfile(
            name: name,
            summary: "\(server.model) on \(server.engine), calibrated \(date.prefix(10))",
            source: "switchyard calibrate against \(server.backends.joined(separator: ", "))",
            derivation: derivation,
            cost: cost,
            maxBatchSize: max(1, server.maxBatchSize),
            maxBatchedTokens: max(server.maxContext, 512),
            blockSize: blockSize,
            kvBlocks: kvBlocks,
            maxModelLen: server.maxContext,
            chunkSize: 512
        )
        profile.calibration = ProfileCalibration(
            engine: server.engine,
            model: server.model,
            backends: server.backends,
            date: date,
            requests: requests,
            prefillRMS: fit.prefill.rms,
            prefillR2: fit.prefill.r2,
            prefillObservations: fit.prefill.count,
            decodeRMS: fit.decode.rms,
            decodeR2: fit.decode.r2,
            decodeGaps: fit.decode.count,
            overhead: fit.overhead,
            dropped: fit.dropped
        )
        return profile
    }
}

extension Double {
    /// `0.0003`, `0.015`, `3.3e-05`: `digits` significant digits, as `%g` writes them.
    func formatted(significantDigits digits: Int) -> String { String(format: "%.\(digits)g", self) }
}

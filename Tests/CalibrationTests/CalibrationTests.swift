import Engine
import Foundation
import SwitchyardCore
import Testing

@testable import Calibration

@Suite struct LeastSquaresTests {
    @Test func recoversExactCoefficients() throws {
        let rows = (0..<10).map { [1, Double($0), Double($0 * $0 % 7)] }
        let y = rows.map { 0.5 + 2 * $0[1] - 0.25 * $0[2] }
        let fit = try #require(LeastSquares.fit(rows: rows, y: y))
        #expect(abs(fit.coefficients[0] - 0.5) < 1e-9)
        #expect(abs(fit.coefficients[1] - 2) < 1e-9)
        #expect(abs(fit.coefficients[2] + 0.25) < 1e-9)
        #expect(fit.rms < 1e-9)
        #expect(abs(fit.r2 - 1) < 1e-12)
    }

    @Test func columnsOfVeryDifferentScaleFitAlike() throws {
        // Seconds against tens of thousands of context tokens, as in a decode fit.
        let rows: [[Double]] = (0..<40).map { (i: Int) -> [Double] in
            [1, Double(1 + i % 8), Double(1000 + 977 * i)]
        }
        let y: [Double] = rows.map { (row: [Double]) -> Double in
            let sequences: Double = 3.3e-5 * row[1]
            let context: Double = 1.4e-6 * row[2]
            return 0.015 + sequences + context
        }
        let fit = try #require(LeastSquares.fit(rows: rows, y: y))
        #expect(abs(fit.coefficients[1] / 3.3e-5 - 1) < 1e-6)
        #expect(abs(fit.coefficients[2] / 1.4e-6 - 1) < 1e-6)
    }

    @Test func refusesWhatCannotBeFitted() {
        #expect(LeastSquares.fit(rows: [[1, 2]], y: [3]) == nil)  // fewer observations than unknowns
        #expect(LeastSquares.fit(rows: [[1, 2], [1, 2], [1, 2]], y: [1, 2, 3]) == nil)  // x does not vary
        #expect(LeastSquares.fit(rows: [[1, 2], [1, 3], [2, 4]], y: [1, 2, 3]) != nil)
        #expect(LeastSquares.fit(rows: [[1, 2], [1]], y: [1, 2]) == nil)
        #expect(LeastSquares.fit(rows: [[1, .nan], [1, 3]], y: [1, 2]) == nil)
    }
}

@Suite struct CostFitTests {
    /// A seeded generator for measurement noise.
    struct Noise {
        var state: UInt64
        /// Uniform in −width...width.
        mutating func next(_ width: Double) -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) / Double(1 << 53) * 2 - 1) * width
        }
    }

    /// What a server with `cost` would show a client: TTFTs of the plan's prefill sweep (plus `overhead`) and the
    /// token times of its decode runs (every stream admitted in one iteration, then decoding in lockstep), each time
    /// with up to `jitter` seconds of noise.
    static func measurements(
        _ cost: CostModel,
        plan: CalibrationPlan,
        overhead: Double,
        jitter: Double,
        seed: UInt64
    ) -> ([PrefillObservation], [DecodeRun]) {
        var noise = Noise(state: seed)
        let prefill = plan.prefillLengths.map { length in
            PrefillObservation(
                promptTokens: length,
                ttft: overhead + cost.iterationTime(prefillTokens: length, decodeSequences: 0, contextTokens: 0)
                    + noise.next(jitter)
            )
        }
        let decode = plan.decodeSteps.map { step -> DecodeRun in
            let k = step.streams
            var time =
                overhead / 2
                + cost.iterationTime(prefillTokens: k * step.promptTokens, decodeSequences: 0, contextTokens: 0)
            var times: [[Double]] = Array(repeating: [], count: k)
            for generated in 1...step.outputTokens {
                for stream in 0..<k { times[stream].append(time + noise.next(jitter)) }
                time += cost.iterationTime(
                    prefillTokens: 0,
                    decodeSequences: k,
                    contextTokens: k * (step.promptTokens + generated)
                )
            }
            return DecodeRun(promptTokens: step.promptTokens, tokenTimes: times)
        }
        return (prefill, decode)
    }

    @Test(arguments: [
        CostModel.paperV100,
        CostModel(fixed: 0.004, perPrefillToken: 0.0043, perDecodeSequence: 0.0021, perContextToken: 2e-6),
    ])
    func recoversTheCoefficientsWithin10PercentThroughNoise(_ truth: CostModel) throws {
        let plan = CalibrationPlan.make(maxContext: 4096, maxParallel: 32, quick: true)
        let (prefill, decode) = Self.measurements(truth, plan: plan, overhead: 0.003, jitter: 0.0004, seed: 7)
        let fit = try #require(CostFit.fit(prefill: prefill, decode: decode))
        #expect(abs(fit.cost.fixed / truth.fixed - 1) < 0.1, "fixed \(fit.cost.fixed)")
        #expect(abs(fit.cost.perPrefillToken / truth.perPrefillToken - 1) < 0.1, "prefill \(fit.cost.perPrefillToken)")
        #expect(
            abs(fit.cost.perDecodeSequence / truth.perDecodeSequence - 1) < 0.1,
            "per sequence \(fit.cost.perDecodeSequence)"
        )
        #expect(
            abs(fit.cost.perContextToken / truth.perContextToken - 1) < 0.1,
            "per context token \(fit.cost.perContextToken)"
        )
        #expect(abs(fit.overhead - 0.003) < 0.002)
        #expect(fit.dropped.isEmpty)
        #expect(fit.decode.r2 > 0.9)
    }

    @Test func aCoefficientTheDataCannotSeeIsDroppedToZero() throws {
        let truth = CostModel(fixed: 0.02, perPrefillToken: 1e-4, perDecodeSequence: 0, perContextToken: 1e-6)
        let plan = CalibrationPlan.make(maxContext: 4096, maxParallel: 2, quick: true)
        // Enough noise that the zero per-sequence cost fits on either side of zero.
        var dropped = 0
        for seed in UInt64(1)...6 {
            let (prefill, decode) = Self.measurements(truth, plan: plan, overhead: 0.001, jitter: 0.001, seed: seed)
            let fit = try #require(CostFit.fit(prefill: prefill, decode: decode))
            #expect(fit.cost.perDecodeSequence >= 0)
            #expect(fit.cost.perContextToken >= 0)
            if fit.dropped.contains("per_decode_sequence_s") {
                dropped += 1
                #expect(fit.cost.perDecodeSequence == 0)
            }
        }
        #expect(dropped > 0, "with noise around zero some seeds fit negative")
    }

    /// llama.cpp with a KV stream per slot, measured on one thread: one sequence decodes at 15 ms a token, two
    /// together at 50 ms each. A line through those has a negative intercept; the fit goes through the origin
    /// instead, says so, and still makes a profile.
    @Test func aBatchCostingMoreThanItsSequencesFitsThroughTheOrigin() throws {
        let plan = CalibrationPlan.make(maxContext: 528, maxParallel: 2, quick: true)
        var (prefill, decode) = Self.measurements(
            CostModel(fixed: 0.001, perPrefillToken: 0.004, perDecodeSequence: 0.0, perContextToken: 0),
            plan: plan,
            overhead: 0.01,
            jitter: 0.0002,
            seed: 3
        )
        // Replace the decode runs by what that server shows: 15 ms a step alone, 50 ms for two.
        decode = plan.decodeSteps.map { step in
            let gap = step.streams == 1 ? 0.015 : 0.050
            let times = (0..<step.outputTokens).map { 0.1 + Double($0) * gap }
            return DecodeRun(promptTokens: step.promptTokens, tokenTimes: Array(repeating: times, count: step.streams))
        }
        let fit = try #require(CostFit.fit(prefill: prefill, decode: decode))
        #expect(fit.dropped.contains("fixed_s"))
        #expect(fit.cost.fixed == 0)
        // Least squares through the origin over one- and two-sequence steps: between 15 and 25 ms a sequence.
        #expect(fit.cost.perDecodeSequence > 0.015 && fit.cost.perDecodeSequence < 0.025, "\(fit.cost)")
        #expect(abs(fit.cost.perPrefillToken / 0.004 - 1) < 0.1)
        let profile = CalibratedProfile.make(
            name: "llamacpp",
            fit: fit,
            server: .init(
                engine: "llamacpp",
                model: "gemma",
                backends: ["http://a:1"],
                maxContext: 1024,
                maxBatchSize: 2,
                kvCapacityTokens: 2048,
                blockSize: 16
            ),
            requests: plan.requests,
            date: "2026-12-02T00:00:00Z"
        )
        #expect(
            profile.derivation.contains { $0.hasPrefix("fixed_s fitted below zero and was set to 0") },
            "\(profile.derivation)"
        )
        let decoded = try ProfileCatalog.decode(try JSONEncoder().encode(profile), file: "calibrated.json")
        #expect(decoded == profile)
    }

    @Test func tokensArrivingTogetherCountTheIterationsBetween() {
        // Three tokens 20 ms apart, then two read together, then one 40 ms later: that gap spans two iterations.
        let run = DecodeRun(promptTokens: 10, tokenTimes: [[0, 0.02, 0.04, 0.04, 0.08]])
        let gaps = run.gaps()
        #expect(gaps.map(\.seconds) == [0.02, 0.02, 0.02])
        #expect(gaps.map(\.context) == [11, 12, 13])
        #expect(gaps.allSatisfy { $0.sequences == 1 })
    }

    @Test func onlyGapsWhileEveryStreamDecodesCount() {
        // The second stream's first token comes at 0.05: gaps before it (a prefill ran) are left out.
        let run = DecodeRun(promptTokens: 5, tokenTimes: [[0, 0.02, 0.05, 0.07, 0.09], [0.05, 0.07, 0.09]])
        let gaps = run.gaps()
        #expect(gaps.count == 4)
        #expect(gaps.allSatisfy { abs($0.seconds - 0.02) < 1e-12 && $0.sequences == 2 })
    }
}

@Suite struct CalibrationPlanTests {
    @Test func thePlanFitsTheServer() {
        let plan = CalibrationPlan.make(maxContext: 2048, maxParallel: 2, quick: true)
        #expect(plan.prefillLengths.count == 6)
        #expect(plan.prefillLengths.allSatisfy { $0 + 1 <= 2048 })
        #expect(plan.decodeSteps.allSatisfy { $0.streams <= 2 && $0.promptTokens + $0.outputTokens <= 2048 })
        #expect(Set(plan.decodeSteps.map(\.streams)) == [1, 2])
        #expect(Set(plan.decodeSteps.map(\.promptTokens)).count == 2)
        let full = CalibrationPlan.make(maxContext: 131_072, maxParallel: 256, quick: false)
        #expect(full.prefillLengths.count == 24)
        #expect(full.prefillLengths.max() == 8192)
        #expect(full.decodeSteps.map(\.streams).max() == 64)
        #expect(full.requests > plan.requests)
    }
}

@Suite struct CalibratedProfileTests {
    @Test func theProfileCarriesTheFitAndPassesTheCatalogsChecks() throws {
        let plan = CalibrationPlan.make(maxContext: 2048, maxParallel: 2, quick: true)
        let (prefill, decode) = CostFitTests.measurements(
            .paperV100,
            plan: plan,
            overhead: 0.002,
            jitter: 0.0002,
            seed: 3
        )
        let fit = try #require(CostFit.fit(prefill: prefill, decode: decode))
        let profile = CalibratedProfile.make(
            name: "gemma-llamacpp",
            fit: fit,
            server: .init(
                engine: "llamacpp",
                model: "gemma",
                backends: ["http://a:1", "http://b:1"],
                maxContext: 2048,
                maxBatchSize: 2,
                kvCapacityTokens: 4096,
                blockSize: 16
            ),
            requests: plan.requests,
            date: "2026-11-30T18:00:00Z"
        )
        #expect(profile.kvBlocks == 256)
        #expect(profile.maxModelLen == 2048)
        #expect(profile.calibration?.prefillObservations == plan.prefillLengths.count)
        #expect(profile.derivation.first?.contains("2026-11-30") == true)
        let encoded = try JSONEncoder().encode(profile)
        let decoded = try ProfileCatalog.decode(encoded, file: "calibrated.json")
        #expect(decoded == profile)
    }
}

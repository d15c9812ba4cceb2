import AsyncHTTPClient
import Calibration
import Calibrator
import Emulator
import Engine
import Foundation
import RouterCore
import SwitchyardCore
import Synchronization
import Testing

/// `switchyard calibrate`'s measurement and fit against an emulated vLLM whose coefficients are known.
@Suite(.serialized) struct CalibrateEndToEndTests {
    @Test func calibratingTheEmulatorRecoversItsProfile() async throws {
        let truth = try ProfileCatalog.profile(named: ProfileCatalog.defaultName)
        // At speed 5 the emulator's wall-clock iterations are the profile's divided by 5 (a fifth of the time the
        // suite spends here); the fit is scaled back by the speed.
        let speed = 5.0
        let instances = try Harness.emulated(1, speed: speed)
        try await Harness.run(instances: instances) { harness in
            let lines = Mutex<[String]>([])
            let calibrator = Calibrator(url: harness.backendURLs[0], client: harness.client) { line in
                lines.withLock { $0.append(line) }
            }
            let facts = try await calibrator.facts()
            #expect(facts.kind == .vllm)
            #expect(facts.model == "switchyard-emulated")
            #expect(facts.kvCapacityTokens == truth.kvCapacityTokens)
            #expect(facts.blockSize == truth.blockSize)
            #expect(facts.running == 0 && facts.waiting == 0)
            let plan = CalibrationPlan.make(
                maxContext: facts.maxContext ?? truth.maxModelLen,
                maxParallel: 16,
                quick: true
            )
            let measured = try await calibrator.run(plan, model: facts.model)
            #expect(measured.prefill.count == plan.prefillLengths.count)
            #expect(lines.withLock { $0.count } == 1 + plan.prefillLengths.count + plan.decodeSteps.count)
            let fit = try #require(CostFit.fit(prefill: measured.prefill, decode: measured.decode))
            let wall = fit.cost
            let cost = CostModel(
                fixed: wall.fixed * speed,
                perPrefillToken: wall.perPrefillToken * speed,
                perDecodeSequence: wall.perDecodeSequence * speed,
                perContextToken: wall.perContextToken * speed
            )
            // Timing on a busy machine (the suite runs its tests side by side on two cores) is too noisy for the
            // 10% recovery, which Scripts/calibrate-emulator.sh checks on an idle one (README: all four within
            // 1%); under the full suite even a factor of 2 failed once. Here: the right units and order of
            // magnitude, which a mix-up of seconds and milliseconds, of emulated and wall time, or of the
            // coefficients would break.
            func within(_ factor: Double, _ value: Double, _ truth: Double) -> Bool {
                value >= truth / factor && value <= truth * factor
            }
            #expect(within(10, cost.fixed, truth.cost.fixed), "fixed \(cost.fixed)")
            #expect(within(10, cost.perPrefillToken, truth.cost.perPrefillToken), "prefill \(cost.perPrefillToken)")
            #expect(cost.perContextToken < 10 * truth.cost.perContextToken, "context \(cost.perContextToken)")
            #expect(cost.perDecodeSequence < 30 * truth.cost.perDecodeSequence, "sequence \(cost.perDecodeSequence)")
            let profile = CalibratedProfile.make(
                name: "emulated",
                fit: fit,
                server: .init(
                    engine: facts.kind.rawValue,
                    model: facts.model,
                    backends: [calibrator.url],
                    maxContext: facts.maxContext ?? truth.maxModelLen,
                    maxBatchSize: 16,
                    kvCapacityTokens: facts.kvCapacityTokens ?? truth.kvCapacityTokens,
                    blockSize: facts.blockSize ?? 16
                ),
                requests: plan.requests + 1,
                date: "2026-11-30T00:00:00Z"
            )
            #expect(profile.kvBlocks == truth.kvBlocks)
            #expect(profile.maxModelLen == truth.maxModelLen)
            _ = try ProfileCatalog.decode(try JSONEncoder().encode(profile), file: "emulated.json")
        }
    }

    @Test func aMissingServerIsAClearError() async throws {
        let client = Calibrator.makeClient(connectTimeout: 1)
        let calibrator = Calibrator(url: "http://127.0.0.1:1/v1/", client: client) { _ in }
        #expect(calibrator.url == "http://127.0.0.1:1")
        do {
            _ = try await calibrator.facts()
            Issue.record("facts() of a closed port returned")
        } catch let error as CalibrationError {
            #expect(error.description.hasPrefix("http://127.0.0.1:1/v1/models: no answer"), "\(error)")
        }
        try await client.shutdown()
    }
}

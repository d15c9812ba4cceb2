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
    @Test func calibratingTheEmulatorMeasuresWhatThePlanAsks() async throws {
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
            #expect(lines.withLock { $0.count } == 1 + plan.prefillLengths.count + plan.decodeSteps.count)
            // What the measurement must get right whatever the machine's load (the fit's accuracy is timing: the
            // synthetic tests check it, and Scripts/calibrate-emulator.sh on an idle machine, where all four
            // coefficients came back within 1%; under the full suite even the order of magnitude did not).
            // The prompt sizes come from the server's usage and follow the plan, shortest first.
            #expect(measured.prefill.count == plan.prefillLengths.count)
            let prompts = measured.prefill.map(\.promptTokens)
            #expect(prompts == prompts.sorted() && Set(prompts).count == prompts.count, "\(prompts)")
            for (observed, planned) in zip(prompts, plan.prefillLengths) {
                #expect(abs(observed - planned) <= planned / 3 + 8, "\(observed) tokens for a plan of \(planned)")
            }
            #expect(measured.prefill.allSatisfy { $0.ttft > 0 })
            // Every decode run has its streams, each with exactly its output tokens (ignore_eos), in time order.
            #expect(measured.decode.map(\.streams) == plan.decodeSteps.map(\.streams))
            for (run, step) in zip(measured.decode, plan.decodeSteps) {
                for times in run.tokenTimes {
                    #expect(times.count == step.outputTokens)
                    #expect(times == times.sorted())
                }
            }
            // Whatever the fit, the profile it makes carries the server's limits and passes the catalog's checks.
            guard let fit = CostFit.fit(prefill: measured.prefill, decode: measured.decode) else { return }
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

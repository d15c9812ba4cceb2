import Engine
import Simulator
import SwitchyardCore
import Testing

/// The paper's characterization figures (sec. 4) on the `llama2-7b-v100` profile; each test prints its figure.
@Suite struct FidelityTests {
    let profile: LatencyProfile

    init() throws { profile = try ProfileCatalog.profile(named: "llama2-7b-v100") }

    @Test func loneRequestTakesAbout17Seconds() {
        let e2e = FidelityScenarios.loneRequest(profile: profile)
        print("fidelity: lone prompt-1000/decode-1000 request: \(e2e) s (paper ~17 s)")
        #expect(abs(e2e - 17) / 17 < 0.15)
    }

    @Test func interferingPrefillsStretchItToAbout31Seconds() {
        let e2e = FidelityScenarios.loneRequestWithInterference(profile: profile)
        print("fidelity: with prompt-500/decode-500 arrivals every 50th iteration: \(e2e) s (paper ~31 s)")
        #expect(abs(e2e - 31) / 31 < 0.15)
    }

    @Test func assignmentSpreadMatchesThePaper() {
        let spread = FidelityScenarios.assignmentSpread(profile: profile, seeds: Array(1...5), decodeScale: 4)
        print(
            "fidelity: 8 requests on 2 instances: best \(spread.best) s, worst +\(spread.worstOverBest * 100)%, random +\(spread.randomOverBest * 100)% (paper 27.03 s, +19.6%, +10.3%)"
        )
        // The model's own figures (README, "Fidelity to the paper"), which differ from the paper's for the reason
        // given there; a change to the engine that moves them shows here.
        #expect(abs(spread.best - 31.0) / 31.0 < 0.03, "best total \(spread.best) s")
        #expect((0.030...0.046).contains(spread.worstOverBest), "worst over best \(spread.worstOverBest)")
        #expect((0.006...0.012).contains(spread.randomOverBest), "random over best \(spread.randomOverBest)")
    }
}

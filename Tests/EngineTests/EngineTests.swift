import Engine
import SwitchyardCore
import Testing

/// A small engine: 64 blocks of 16 tokens, batch of 8, the paper's V100 cost model.
func smallConfig(blocks: Int = 64, batch: Int = 8, budget: Int = 4096, chunked: Bool = false) -> EngineConfig {
    EngineConfig(
        maxBatchSize: batch,
        maxBatchedTokens: budget,
        blockSize: 16,
        kvBlocks: blocks,
        maxModelLen: 100_000,
        chunkedPrefill: chunked,
        cost: .paperV100
    )
}

func request(_ id: Int, prompt: Int, output: Int, at arrival: Double = 0) -> Request {
    Request(id: RequestID(id), arrival: arrival, promptTokens: prompt, outputTokens: output)
}

/// Runs the engine until idle, checking invariants after every iteration; returns the events and the end time.
func drain(_ engine: inout Engine, from start: Double = 0, limit: Int = 1_000_000) -> ([EngineEvent], Double) {
    var now = start
    var all: [EngineEvent] = []
    var steps = 0
    while let summary = engine.step(now: now, events: &all) {
        now += summary.duration
        engine.checkInvariants()
        steps += 1
        if steps > limit {
            Issue.record("engine did not drain in \(limit) iterations")
            break
        }
    }
    return (all, now)
}

@Test func loneRequestTakesOnePrefillAndOutputMinusOneDecodes() {
    var engine = Engine(config: smallConfig())
    engine.submit(request(0, prompt: 100, output: 10), now: 0)
    let (events, end) = drain(&engine)
    let cost = CostModel.paperV100
    var expected = cost.iterationTime(prefillTokens: 100, decodeSequences: 0, contextTokens: 0)
    for generated in 1..<10 {
        expected += cost.iterationTime(prefillTokens: 0, decodeSequences: 1, contextTokens: 100 + generated)
    }
    #expect(abs(end - expected) < 1e-9)
    #expect(events.map(\.kind) == [.admitted, .firstToken, .finished])
    #expect(engine.isIdle)
    #expect(engine.usedBlocks == 0)
}

@Test func everyRequestFinishesExactlyOnce() {
    var engine = Engine(config: smallConfig(blocks: 200, batch: 6))
    for i in 0..<40 { engine.submit(request(i, prompt: 20 + (i * 37) % 300, output: 1 + (i * 53) % 120), now: 0) }
    let (events, _) = drain(&engine)
    let finished = events.filter { $0.kind == .finished }.map(\.request.rawValue)
    #expect(finished.count == 40)
    #expect(Set(finished).count == 40)
    #expect(engine.completed == 40)
    #expect(engine.usedBlocks == 0)
}

@Test func preemptsNewestRequestWhenBlocksRunOutAndItRecomputesThenCompletes() {
    // 20 blocks = 320 tokens. Two requests of prompt 100 fit (7 blocks each) but cannot both grow to 300 tokens.
    var engine = Engine(config: smallConfig(blocks: 20, batch: 8))
    engine.submit(request(0, prompt: 100, output: 200), now: 0)
    engine.submit(request(1, prompt: 100, output: 200), now: 0)
    let (events, _) = drain(&engine)
    let preempted = events.filter { $0.kind == .preempted }
    #expect(!preempted.isEmpty)
    #expect(preempted.first?.request == RequestID(1), "the newest running request is preempted first")
    #expect(events.contains { $0.kind == .resumed && $0.request == RequestID(1) })
    #expect(events.filter { $0.kind == .finished }.count == 2)
    #expect(engine.preemptions == preempted.count)
    #expect(engine.usedBlocks == 0)
}

@Test func admissionRespectsBatchSizeAndTokenBudget() {
    var engine = Engine(config: smallConfig(blocks: 1000, batch: 3, budget: 250))
    for i in 0..<5 { engine.submit(request(i, prompt: 100, output: 50), now: 0) }
    var events: [EngineEvent] = []
    let summary = engine.step(now: 0, events: &events)
    // The budget of 250 admits two prompts of 100; the third would exceed it.
    #expect(summary?.prefillTokens == 200)
    #expect(engine.runningCount == 2)
    _ = engine.step(now: 1, events: &events)
    #expect(engine.runningCount == 3, "the batch is capped at 3")
    #expect(engine.waitingCount == 2)
}

@Test func oversizedPromptIsAdmittedAloneWithoutChunking() {
    var engine = Engine(config: smallConfig(blocks: 1000, batch: 8, budget: 256))
    engine.submit(request(0, prompt: 1000, output: 2), now: 0)
    var events: [EngineEvent] = []
    let summary = engine.step(now: 0, events: &events)
    #expect(summary?.prefillTokens == 1000)
}

@Test func chunkedPrefillSplitsLongPromptsAcrossIterations() {
    var engine = Engine(config: smallConfig(blocks: 1000, batch: 8, budget: 256, chunked: true))
    engine.submit(request(0, prompt: 1000, output: 3), now: 0)
    var events: [EngineEvent] = []
    var prefills: [Int] = []
    var now = 0.0
    while let summary = engine.step(now: now, events: &events) {
        prefills.append(summary.prefillTokens)
        now += summary.duration
        engine.checkInvariants()
    }
    #expect(prefills == [256, 256, 256, 232, 0, 0])
    #expect(events.filter { $0.kind == .firstToken }.count == 1)
    #expect(events.filter { $0.kind == .finished }.count == 1)
}

@Test func kvBlocksGrowWithDecodesAndNeverExceedCapacity() {
    var engine = Engine(config: smallConfig(blocks: 30, batch: 16))
    for i in 0..<12 { engine.submit(request(i, prompt: 15 + i, output: 60 + 7 * i), now: 0) }
    var events: [EngineEvent] = []
    var now = 0.0
    var peak = 0
    while let summary = engine.step(now: now, events: &events) {
        now += summary.duration
        engine.checkInvariants()
        peak = max(peak, engine.usedBlocks)
    }
    #expect(peak <= 30)
    #expect(peak > 20, "decodes grew into most of the cache")
    #expect(engine.completed == 12)
}

@Test func overlongRequestsAreClampedToTheModelLength() {
    let config = EngineConfig(
        maxBatchSize: 4,
        maxBatchedTokens: 4096,
        kvBlocks: 100,
        maxModelLen: 500,
        cost: .paperV100
    )
    var engine = Engine(config: config)
    engine.submit(request(0, prompt: 450, output: 200), now: 0)
    let (events, _) = drain(&engine)
    #expect(engine.clamped == 1)
    #expect(events.filter { $0.kind == .finished }.count == 1)
}

@Test func bundledProfilesLoadAndStateTheirSource() throws {
    let profiles = try ProfileCatalog.bundled()
    #expect(profiles.map(\.name) == ["llama2-7b-h100", "llama2-7b-v100", "llama3.1-8b-a100", "llama3.1-8b-a100-128k"])
    for profile in profiles {
        #expect(!profile.source.isEmpty)
        #expect(!profile.derivation.isEmpty)
    }
    let v100 = try ProfileCatalog.profile(named: "llama2-7b-v100")
    #expect(v100.cost.perPrefillToken == 3.2e-4)
    #expect(v100.cost.perDecodeSequence == 3.3e-5)
    #expect(v100.maxBatchSize == 128)
}

@Test func badProfileFileNamesTheField() {
    let json =
        #"{"name":"x","summary":"","source":"","derivation":[],"cost":{"fixed_s":0.01,"per_prefill_token_s":1e-4,"per_decode_sequence_s":1e-5,"per_context_token_s":0},"max_batch_size":0,"max_batched_tokens":10,"block_size":16,"kv_blocks":10,"max_model_len":100,"chunk_size":10}"#
    #expect(throws: ProfileError.self) { try ProfileCatalog.decode(Array(json.utf8), file: "x.json") }
    do {
        _ = try ProfileCatalog.decode(Array(json.utf8), file: "x.json")
    } catch {
        #expect("\(error)" == "Profile file x.json: field 'max_batch_size' must be positive.")
    }
    let missing = #"{"name":"x"}"#
    do {
        _ = try ProfileCatalog.decode(Array(missing.utf8), file: "y.json")
        Issue.record("expected an error")
    } catch {
        #expect("\(error)".contains("y.json"))
        #expect("\(error)".contains("summary"))
    }
    #expect(throws: ProfileError.self) { try ProfileCatalog.profile(named: "no-such-gpu") }
    let tooLong =
        #"{"name":"x","summary":"","source":"","derivation":[],"cost":{"fixed_s":0.01,"per_prefill_token_s":1e-4,"per_decode_sequence_s":1e-5,"per_context_token_s":0},"max_batch_size":8,"max_batched_tokens":10,"block_size":16,"kv_blocks":10,"max_model_len":1000,"chunk_size":10}"#
    do {
        _ = try ProfileCatalog.decode(Array(tooLong.utf8), file: "z.json")
        Issue.record("expected an error")
    } catch {
        #expect("\(error)".contains("max_model_len"))
        #expect("\(error)".contains("160"))
    }
}

/// A zero fixed cost is a profile (a calibrated llama.cpp server's may be); a step that costs nothing is not.
@Test func aProfileMayHaveNoFixedCostButNoFreeStep() throws {
    func profile(fixed: Double, prefill: Double, sequence: Double) -> String {
        #"{"name":"x","summary":"","source":"","derivation":[],"cost":{"fixed_s":\#(fixed),"per_prefill_token_s":\#(prefill),"per_decode_sequence_s":\#(sequence),"per_context_token_s":0},"max_batch_size":8,"max_batched_tokens":100,"block_size":16,"kv_blocks":100,"max_model_len":1000,"chunk_size":10}"#
    }
    let noFixed = try ProfileCatalog.decode(
        Array(profile(fixed: 0, prefill: 1e-3, sequence: 0.02).utf8),
        file: "a.json"
    )
    #expect(noFixed.cost.fixed == 0)
    for (fixed, prefill, sequence) in [(0.0, 1e-3, 0.0), (0.0, 0.0, 0.02)] {
        do {
            _ = try ProfileCatalog.decode(
                Array(profile(fixed: fixed, prefill: prefill, sequence: sequence).utf8),
                file: "b.json"
            )
            Issue.record("a free step was accepted: \(fixed) \(prefill) \(sequence)")
        } catch {
            #expect("\(error)".hasPrefix("Profile file b.json: field 'cost' must give every step a time"), "\(error)")
        }
    }
    do {
        _ = try ProfileCatalog.decode(Array(profile(fixed: -0.01, prefill: 1e-3, sequence: 0.02).utf8), file: "c.json")
        Issue.record("a negative fixed cost was accepted")
    } catch {
        #expect("\(error)" == "Profile file c.json: field 'cost.fixed_s' must be 0 or a positive number of seconds.")
    }
}

/// Random workloads on small caches, with and without chunked prefill: the invariants hold after every iteration,
/// every request finishes exactly once, and the cache ends empty.
@Test(arguments: [false, true])
func randomWorkloadsKeepTheInvariants(chunked: Bool) {
    var rng = SplitMix64(seed: chunked ? 7 : 8)
    for trial in 0..<20 {
        let blocks = 20 + Int(rng.next() % 60)
        var engine = Engine(
            config: smallConfig(
                blocks: blocks,
                batch: 1 + Int(rng.next() % 12),
                budget: 64 + Int(rng.next() % 400),
                chunked: chunked
            )
        )
        let count = 5 + Int(rng.next() % 40)
        var now = 0.0
        var events: [EngineEvent] = []
        var submitted = 0
        var steps = 0
        while submitted < count || !engine.isIdle {
            if submitted < count, rng.next() % 3 == 0 {
                engine.submit(
                    request(submitted, prompt: 1 + Int(rng.next() % 300), output: 1 + Int(rng.next() % 200)),
                    now: now
                )
                submitted += 1
            }
            if let summary = engine.step(now: now, events: &events) {
                now += summary.duration
                engine.checkInvariants()
            } else {
                now += 0.01
            }
            steps += 1
            if steps > 200_000 {
                Issue.record("trial \(trial) did not drain")
                break
            }
        }
        let finished = events.filter { $0.kind == .finished }.map(\.request.rawValue)
        #expect(finished.count == count, "trial \(trial)")
        #expect(Set(finished).count == count, "no request finishes twice (trial \(trial))")
        #expect(engine.usedBlocks == 0)
        let preempted = Set(events.filter { $0.kind == .preempted }.map(\.request))
        let resumed = Set(events.filter { $0.kind == .resumed }.map(\.request))
        #expect(preempted.isSubset(of: resumed.union(Set(events.filter { $0.kind == .finished }.map(\.request)))))
    }
}

/// Aborts at random moments, in every phase (waiting, prefilling, decoding, after a preemption): the invariants
/// hold after each, every request either finishes once or is aborted once, and the cache ends empty.
@Test(arguments: [false, true])
func abortsAnywhereKeepTheInvariants(chunked: Bool) {
    var rng = SplitMix64(seed: chunked ? 17 : 18)
    var phasesAborted: Set<String> = []
    for trial in 0..<20 {
        var engine = Engine(
            config: smallConfig(
                blocks: 20 + Int(rng.next() % 40),
                batch: 1 + Int(rng.next() % 8),
                budget: 64 + Int(rng.next() % 300),
                chunked: chunked
            )
        )
        let count = 10 + Int(rng.next() % 30)
        var now = 0.0
        var events: [EngineEvent] = []
        var submitted = 0
        var aborted = Set<Int>()
        var steps = 0
        while submitted < count || !engine.isIdle {
            if submitted < count, rng.next() % 3 == 0 {
                engine.submit(
                    request(submitted, prompt: 1 + Int(rng.next() % 300), output: 1 + Int(rng.next() % 200)),
                    now: now
                )
                submitted += 1
            }
            if submitted > 0, rng.next() % 5 == 0 {
                let victim = Int(rng.next() % UInt64(submitted))
                let phase = engine.phase(of: RequestID(victim)).map { "\($0)" } ?? "gone"
                if engine.abort(RequestID(victim)) {
                    #expect(!aborted.contains(victim))
                    aborted.insert(victim)
                    phasesAborted.insert(phase)
                }
                engine.checkInvariants()
            }
            if let summary = engine.step(now: now, events: &events) {
                now += summary.duration
                engine.checkInvariants()
            } else {
                now += 0.01
            }
            steps += 1
            if steps > 200_000 {
                Issue.record("trial \(trial) did not drain")
                break
            }
        }
        let finished = Set(events.filter { $0.kind == .finished }.map(\.request.rawValue))
        #expect(finished.isDisjoint(with: aborted), "an aborted request never finishes (trial \(trial))")
        #expect(finished.count + aborted.count == count, "trial \(trial)")
        #expect(engine.usedBlocks == 0)
        #expect(engine.generatedTokens == 0)
        let unknown = engine.abort(RequestID(count + 1))
        #expect(!unknown)
    }
    #expect(phasesAborted.isSuperset(of: ["waiting", "decode"]), "aborted in: \(phasesAborted)")
}

/// Chunked prefill on a cache so tight that requests are preempted again while they re-prefill after an earlier
/// preemption: every request's generated tokens still add up to the engine's total after each iteration.
@Test func repeatedPreemptionsKeepTheGeneratedCount() {
    var rng = SplitMix64(seed: 99)
    var repreempted = 0
    for _ in 0..<200 {
        var engine = Engine(
            config: smallConfig(blocks: 12 + Int(rng.next() % 10), batch: 6, budget: 32, chunked: true)
        )
        var now = 0.0
        var events: [EngineEvent] = []
        for index in 0..<12 {
            engine.submit(request(index, prompt: 20 + Int(rng.next() % 60), output: 20 + Int(rng.next() % 60)), now: 0)
        }
        var steps = 0
        while !engine.isIdle, steps < 100_000 {
            events.removeAll(keepingCapacity: true)
            if let summary = engine.step(now: now, events: &events) { now += summary.duration }
            engine.checkInvariants()
            steps += 1
        }
        #expect(engine.isIdle)
        #expect(engine.generatedTokens == 0)
        repreempted += engine.preemptions
    }
    #expect(repreempted > 0)
}

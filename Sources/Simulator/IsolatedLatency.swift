import Engine
import SwitchyardCore

/// The E2E a request would have alone on an idle instance: no queue, no other request's prefill or decode beside
/// it. Its mean over a workload is the floor no router can go below; the excess over it is what routing can remove.
public struct IsolatedLatency: Sendable {
    let config: EngineConfig

    public init(profile: LatencyProfile, chunkedPrefill: Bool = false) {
        config = profile.engineConfig(chunkedPrefill: chunkedPrefill)
    }

    /// Seconds for one request of `prompt` and `output` tokens alone on an idle instance.
    public func e2e(prompt: Int, output: Int) -> Double {
        var engine = Engine(config: config)
        engine.submit(Request(id: RequestID(0), arrival: 0, promptTokens: prompt, outputTokens: output), now: 0)
        var now = 0.0
        var events: [EngineEvent] = []
        while let summary = engine.step(now: now, events: &events) {
            now += summary.duration
            events.removeAll(keepingCapacity: true)
        }
        return now
    }

    /// Mean isolated E2E over `records` (each size computed once).
    public func mean(of records: [RequestRecord]) -> Double {
        guard !records.isEmpty else { return 0 }
        var cache: [Int: Double] = [:]
        var total = 0.0
        for record in records {
            let key = record.promptTokens &* 1_000_003 &+ record.outputTokens
            if let known = cache[key] {
                total += known
            } else {
                let value = e2e(prompt: record.promptTokens, output: record.outputTokens)
                cache[key] = value
                total += value
            }
        }
        return total / Double(records.count)
    }
}

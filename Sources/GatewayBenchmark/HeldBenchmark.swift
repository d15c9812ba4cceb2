import Foundation
import Gateway
import RouterCore
import Routing
import SwitchyardCore
import Synchronization

/// A policy that holds every request, so that they pile up in the router queue.
struct HoldEverything: RoutingPolicy {
    var name: String { "hold-everything" }
    mutating func route(_ request: RequestInfo, in view: ClusterView) -> RoutingDecision {
        RoutingDecision(target: .hold, reason: "benchmark hold")
    }
}

/// A length predictor with one answer.
struct OneBucket: LengthPredictor {
    var name: String { "one-bucket" }
    var buckets: BucketScheme { .paper }
    func predict(_ features: PromptFeatures) -> LengthPrediction { LengthPrediction(bucket: 0, tokens: 100) }
}

/// Process CPU seconds (user + system) so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// CPU of the live router while `count` requests wait in its queue for `seconds`, with four backends scraped every
/// 250 ms (the events that wake the head), the way the proxy waits: on the router's continuation (`wait`), or by
/// re-asking every 10 ms (`poll`, what the gateway did before).
func heldBenchmark(count: Int, seconds: Double, mode: String) async throws -> Double {
    let router = try LiveRouter(
        backends: (0..<4).map { BackendDescriptor(url: "http://127.0.0.1:\(9000 + $0)") },
        policy: "hold-everything",
        policyNames: ["hold-everything"],
        makePolicy: { _ in HoldEverything() },
        predictor: OneBucket()
    )
    let clock = ContinuousClock()
    let start = clock.now
    let now: @Sendable () -> Double = { (clock.now - start).inSeconds }
    let stop = StopFlag()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<count {
            group.addTask {
                let info = router.arrive(PromptFeatures(promptTokens: 100), now: now())
                var held = false
                while !stop.isSet {
                    let seen = router.changeCount
                    _ = router.route(info, now: now(), held: held)
                    held = true
                    if mode == "poll" {
                        try await Task.sleep(for: .milliseconds(10))
                    } else {
                        await router.waitForTurn(info, after: seen)
                    }
                }
                router.leaveQueue(info)
                router.unrouted(info, reason: .clientLeft)
            }
        }
        // Let them all arrive and queue, then measure.
        while router.snapshot(now: now()).routerQueue < count { try await Task.sleep(for: .milliseconds(50)) }
        let cpuBefore = processCPUSeconds()
        let wallBefore = now()
        while now() - wallBefore < seconds {
            try await Task.sleep(for: .milliseconds(250))
            for backend in 0..<4 {
                router.recordScrape(
                    backend,
                    metrics: EngineMetrics(kind: .vllm, waiting: 0, running: 0, kvUsage: 0),
                    now: now()
                )
            }
        }
        let share = (processCPUSeconds() - cpuBefore) / (now() - wallBefore)
        stop.set()
        // Wake everyone so the tasks see the stop.
        for _ in 0..<count {
            router.recordScrape(0, metrics: EngineMetrics(kind: .vllm, waiting: 0, running: 0), now: now())
        }
        group.cancelAll()
        return share
    }
}

/// A flag the benchmark's tasks read.
final class StopFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

import AsyncHTTPClient
import Emulator
import Engine
import Foundation
import Gateway
import GatewayServer
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import SwitchyardCore
import Synchronization

// The gateway's overhead: the same requests sent straight to an emulated vLLM instance and through the gateway,
// on loopback, open loop at fixed rates, then closed loop for the peak rate. Prints its figures; not a test.
//
//   swift run -c release GatewayBenchmark [--rates 200,1000] [--seconds 5] [--repetitions 3] [--concurrency 64]
//                                         [--stream]
//
// Added latency at percentile p is p(gateway) − p(direct), each path run alone at the rate, alternating which goes
// first; the median over the repetitions is reported. The emulator runs at 1000× real time so that its
// engine time is small and the same on both paths. Everything (client, gateway, emulator) shares this machine's
// cores, so the figures are an upper bound on what the gateway adds on a separate host.

let arguments = CommandLine.arguments
func option(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
let rates = (option("--rates") ?? "200,1000").split(separator: ",").compactMap { Double($0) }
let seconds = Double(option("--seconds") ?? "5") ?? 5
let repetitions = max(1, Int(option("--repetitions") ?? "3") ?? 3)
let concurrency = Int(option("--concurrency") ?? "64") ?? 64
let streaming = arguments.contains("--stream")
let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

// `--bare-proxy PORT --backends URL,URL`: the floor of a Hummingbird + AsyncHTTPClient proxy, until Ctrl-C.
if let port = option("--bare-proxy").flatMap({ Int($0) }) {
    let backends = (option("--backends") ?? "").split(separator: ",").map(String.init)
    try await runBareProxy(listen: port, backends: backends, logger: quiet)
    exit(0)
}

// `--held N [--seconds S]`: CPU of the live router while N requests wait in its queue, waiting on its continuation
// and, for comparison, re-asking every 10 ms as the gateway did before.
if let held = option("--held").flatMap({ Int($0) }) {
    for mode in ["wait", "poll"] {
        let share = try await heldBenchmark(count: held, seconds: seconds, mode: mode)
        print(
            String(
                format: "held %d requests, %@: %.1f%% of one core while they wait",
                held,
                mode == "wait" ? "on the router's continuation" : "polling every 10 ms (before)",
                share * 100
            )
        )
    }
    exit(0)
}

let profile = try ProfileCatalog.profile(named: ProfileCatalog.defaultName)
let instance = try EmulatedInstance(configuration: EmulatorConfiguration(profile: profile, speed: 1000))
let emulatorPort = Mutex<Int?>(nil)
let emulator = Application(
    router: EmulatorRouter.make(instance: instance),
    configuration: .init(address: .hostname("127.0.0.1", port: 0), backlog: 4096),
    onServerRunning: { channel in emulatorPort.withLock { $0 = channel.localAddress?.port } },
    logger: quiet
)
let emulatorGroup = ServiceGroup(services: [emulator], gracefulShutdownSignals: [], logger: quiet)
let emulatorTask = Task { try await emulatorGroup.run() }
while emulatorPort.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
let direct = "http://127.0.0.1:\(emulatorPort.withLock { $0 } ?? 0)"

let gateway = try SwitchyardGateway(
    configuration: GatewayConfiguration(port: 0, backends: [BackendDescriptor(url: direct)], policy: "workload-aware"),
    logger: quiet
)
let gatewayTask = Task { try await gateway.run(signals: []) }
while gateway.port == nil { try await Task.sleep(for: .milliseconds(10)) }
let viaGateway = "http://127.0.0.1:\(gateway.port ?? 0)"

var clientConfig = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(60)))
clientConfig.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 4096)
let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfig)

let body: String =
    streaming
    ? #"{"prompt":"Tell me about routers","max_tokens":4,"stream":true}"#
    : #"{"prompt":"Tell me about routers","max_tokens":4}"#

/// One request; its latency in seconds, or nil when it failed.
@Sendable func once(_ base: String) async -> Double? {
    var request = HTTPClientRequest(url: base + "/v1/completions")
    request.method = .POST
    request.headers.add(name: "content-type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: body))
    let start = ContinuousClock.now
    do {
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { return nil }
        return (ContinuousClock.now - start).inSeconds
    } catch {
        return nil
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(p * Double(sorted.count - 1) + 0.5))]
}

/// Open loop: requests sent at `rate` per second to one path for `seconds`, whatever the replies do.
func openLoop(_ base: String, rate: Double) async -> (latencies: [Double], failed: Int) {
    let count = Int(rate * seconds)
    let start = ContinuousClock.now
    return await withTaskGroup(of: Double?.self) { group in
        for index in 0..<count {
            group.addTask {
                try? await Task.sleep(until: start + .seconds(Double(index) / rate), clock: .continuous)
                return await once(base)
            }
        }
        var latencies: [Double] = []
        var failed = 0
        for await latency in group {
            if let latency { latencies.append(latency) } else { failed += 1 }
        }
        return (latencies.sorted(), failed)
    }
}

/// Closed loop: `concurrency` clients back to back for `seconds`; requests per second completed.
func peak(_ base: String) async -> Double {
    let deadline = ContinuousClock.now + .seconds(seconds)
    let done = await withTaskGroup(of: Int.self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var count = 0
                while ContinuousClock.now < deadline {
                    if await once(base) != nil { count += 1 }
                }
                return count
            }
        }
        return await group.reduce(0, +)
    }
    return Double(done) / seconds
}

func shutDown(_ client: HTTPClient) async { try? await client.shutdown() }

func ms(_ value: Double) -> String { String(format: "%.3f", value * 1000) }

// Warm up connections and code paths on both.
_ = await openLoop(direct, rate: 100)
_ = await openLoop(viaGateway, rate: 100)

print(
    "gateway overhead (\(streaming ? "streaming" : "non-streaming"), max_tokens 4, emulator at 1000x, \(repetitions) x \(seconds) s per path and rate)"
)
print("rate/s  rep  direct p50/p99 ms   gateway p50/p99 ms   added p50/p99 ms")
var rows: [(Double, Double, Double, Int)] = []
for rate in rates {
    var added50: [Double] = []
    var added99: [Double] = []
    var failed = 0
    for repetition in 0..<repetitions {
        // Alternate which path goes first, so a drift in the machine's state does not favour one.
        let first = repetition % 2 == 0 ? direct : viaGateway
        let second = repetition % 2 == 0 ? viaGateway : direct
        let runFirst = await openLoop(first, rate: rate)
        let runSecond = await openLoop(second, rate: rate)
        let (a, b) = repetition % 2 == 0 ? (runFirst, runSecond) : (runSecond, runFirst)
        failed += a.failed + b.failed
        let d50 = percentile(a.latencies, 0.5)
        let d99 = percentile(a.latencies, 0.99)
        let g50 = percentile(b.latencies, 0.5)
        let g99 = percentile(b.latencies, 0.99)
        added50.append(g50 - d50)
        added99.append(g99 - d99)
        print(
            "\(Int(rate))".padding(toLength: 8, withPad: " ", startingAt: 0)
                + "\(repetition + 1)".padding(toLength: 5, withPad: " ", startingAt: 0)
                + "\(ms(d50)) / \(ms(d99))".padding(toLength: 21, withPad: " ", startingAt: 0)
                + "\(ms(g50)) / \(ms(g99))".padding(toLength: 21, withPad: " ", startingAt: 0)
                + "\(ms(g50 - d50)) / \(ms(g99 - d99))"
        )
    }
    rows.append((rate, added50.sorted()[added50.count / 2], added99.sorted()[added99.count / 2], failed))
}
for (rate, added50, added99, failed) in rows {
    print(
        "added latency at \(Int(rate))/s (median of \(repetitions)): p50 \(ms(added50)) ms, p99 \(ms(added99)) ms (\(failed) failed)"
    )
}
let peakDirect = await peak(direct)
let peakGateway = await peak(viaGateway)
print(
    "peak (closed loop, \(concurrency) clients): direct \(Int(peakDirect)) req/s, through the gateway \(Int(peakGateway)) req/s"
)

await shutDown(client)
// Graceful stops: cancelling a server may leave a just-accepted connection unserved, which NIO traps on.
await gateway.stop()
await emulatorGroup.triggerGracefulShutdown()
_ = await gatewayTask.result
_ = await emulatorTask.result

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
//                                         [--stream] [--paths NAME=URL,NAME=URL,...]
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

// `--paths NAME=URL,NAME=URL,...`: compare servers that are already running (the first is the baseline), e.g. an
// emulator, Envoy alone, Envoy with `switchyard epp`, and `switchyard serve` (Scripts/epp-overhead.sh starts them).
// Without it, an emulated instance and a gateway in front of it are started here.
var paths: [(name: String, url: String)] = (option("--paths") ?? "").split(separator: ",").compactMap { entry in
    let parts = entry.split(separator: "=", maxSplits: 1)
    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
}
var inProcess: (gateway: SwitchyardGateway, emulator: ServiceGroup, tasks: [Task<Void, any Error>])? = nil
if paths.isEmpty {
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
        configuration: GatewayConfiguration(
            port: 0,
            backends: [BackendDescriptor(url: direct)],
            policy: "workload-aware"
        ),
        logger: quiet
    )
    let gatewayTask = Task { try await gateway.run(signals: []) }
    while gateway.port == nil { try await Task.sleep(for: .milliseconds(10)) }
    let viaGateway = "http://127.0.0.1:\(gateway.port ?? 0)"
    paths = [("direct", direct), ("gateway", viaGateway)]
    inProcess = (gateway, emulatorGroup, [emulatorTask, gatewayTask])
}

var clientConfig = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(60)))
clientConfig.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 4096)
let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfig)

let body: String =
    streaming
    ? #"{"model":"switchyard-emulated","prompt":"Tell me about routers","max_tokens":4,"stream":true}"#
    : #"{"model":"switchyard-emulated","prompt":"Tell me about routers","max_tokens":4}"#

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

// Warm up connections and code paths on every path.
for path in paths { _ = await openLoop(path.url, rate: 100) }

let baseline = paths[0].name
print(
    "overhead against \(baseline) (\(streaming ? "streaming" : "non-streaming"), max_tokens 4, \(repetitions) x \(seconds) s per path and rate)"
)
print(
    "rate/s  rep  " + paths.map { "\($0.name) p50/p99 ms".padding(toLength: 24, withPad: " ", startingAt: 0) }.joined()
)
var rows: [(rate: Double, added50: [String: Double], added99: [String: Double], failed: [String: Int])] = []
for rate in rates {
    var added50: [String: [Double]] = [:]
    var added99: [String: [Double]] = [:]
    var failed: [String: Int] = [:]
    for repetition in 0..<repetitions {
        // Rotate which path goes first, so a drift in the machine's state does not favour one.
        let order = paths.indices.map { (($0 + repetition) % paths.count) }
        var runs: [Int: (latencies: [Double], failed: Int)] = [:]
        for index in order { runs[index] = await openLoop(paths[index].url, rate: rate) }
        var line =
            "\(Int(rate))".padding(toLength: 8, withPad: " ", startingAt: 0)
            + "\(repetition + 1)".padding(toLength: 5, withPad: " ", startingAt: 0)
        let base = runs[0] ?? ([], 0)
        for (index, path) in paths.enumerated() {
            let run = runs[index] ?? ([], 0)
            failed[path.name, default: 0] += run.failed
            let p50 = percentile(run.latencies, 0.5)
            let p99 = percentile(run.latencies, 0.99)
            added50[path.name, default: []].append(p50 - percentile(base.latencies, 0.5))
            added99[path.name, default: []].append(p99 - percentile(base.latencies, 0.99))
            line += "\(ms(p50)) / \(ms(p99))".padding(toLength: 24, withPad: " ", startingAt: 0)
        }
        print(line)
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    rows.append((rate, added50.mapValues(median), added99.mapValues(median), failed))
}
for row in rows {
    for path in paths.dropFirst() {
        print(
            "\(path.name) at \(Int(row.rate))/s, added over \(baseline) (median of \(repetitions)): p50 \(ms(row.added50[path.name] ?? .nan)) ms, p99 \(ms(row.added99[path.name] ?? .nan)) ms (\(row.failed[path.name] ?? 0) failed)"
        )
    }
}
var peaks: [String] = []
for path in paths { peaks.append("\(path.name) \(Int(await peak(path.url))) req/s") }
print("peak (closed loop, \(concurrency) clients): " + peaks.joined(separator: ", "))

await shutDown(client)
// Graceful stops: cancelling a server may leave a just-accepted connection unserved, which NIO traps on.
if let inProcess {
    await inProcess.gateway.stop()
    await inProcess.emulator.triggerGracefulShutdown()
    for task in inProcess.tasks { _ = await task.result }
}

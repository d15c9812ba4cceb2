import ArgumentParser
import Console
import Engine
import Foundation
import Gateway
import GatewayServer
import Logging
import Routing
import ServiceLifecycle
import SwitchyardCore
import Synchronization

/// The gateway's options, shared by `serve` and `console --backend`.
struct GatewayOptions: ParsableArguments {
    @Option(
        name: .customLong("backend"),
        help: ArgumentHelp(
            "A serving engine: URL, NAME=URL or NAME=URL#KIND (KIND: vllm, sglang, llamacpp; detected if left out). Repeat for each.",
            valueName: "url"
        )
    )
    var backends: [String] = []

    @Option(
        help: ArgumentHelp(
            "Address to listen on, HOST:PORT: the HTTP gateway (default 127.0.0.1:8080; the console's own gateway: a free port); for epp, the gRPC ext_proc listener (default 127.0.0.1:9002).",
            valueName: "host:port"
        )
    )
    var listen: String?

    @Option(help: "A TOML file with the gateway's settings (see README, Real cluster); flags override it.")
    var config: String?

    @Option(help: "Bearer token for /admin/*; required beyond loopback. Also read from SWITCHYARD_ADMIN_TOKEN.")
    var adminToken: String?

    @Option(help: "Seconds to connect to a backend (default 2).")
    var connectTimeout: Double?

    @Option(help: "Seconds to a stream's first byte: its response head, then its first body byte (default 60).")
    var firstByteTimeout: Double?

    @Option(help: "Seconds a stream may go without a byte from its backend (default 30).")
    var idleTimeout: Double?

    @Option(help: "Seconds a non-streaming request may take (default 600).")
    var requestTimeout: Double?

    @Option(
        help:
            "Seconds between /metrics scrapes of each backend (default 0.25); in a simulated console, between samples of the engines' gauges."
    )
    var scrapeInterval: Double?

    @Option(help: "Seconds after which scraped metrics are stale and not trusted (default 2).")
    var staleness: Double?

    @Option(help: "Largest request body, in bytes; 413 beyond (default 4194304).")
    var maxBodyBytes: Int?

    @Option(help: "Cap on prompt + output tokens of load-generator requests (the backends' context length).")
    var burstMaxContext: Int?

    @Option(
        name: .customLong("eject-after-5xx"),
        help: "Consecutive 5xx replies that take a backend out of rotation; 0 turns ejection off (default 5)."
    )
    var ejectAfter5xx: Int?

    @Option(help: "Seconds a backend stays out after its first ejection; longer after each further one (default 30).")
    var ejectionTime: Double?

    @Option(
        help:
            "Default TTFT objective in seconds: a request no backend is predicted to serve in time waits while it can still make it, then gets 429 (default: none; per request: x-slo-ttft-ms, x-gateway-inference-objective)."
    )
    var ttftSlo: Double?

    @Option(help: "Waiting requests above the median that make a backend's queue stand out as imbalanced (default 8).")
    var imbalanceQueue: Int?

    @Option(help: "KV-cache usage above the median, in 0...1, that makes a backend stand out (default 0.3).")
    var imbalanceKv: Double?

    /// The gateway these options describe, logging to `logFile`, or nowhere when `quiet` and no file is given.
    /// - Parameters:
    ///   - policy: The `--policy` flag, which overrides the settings file.
    ///   - logFile: Where logs go.
    ///   - quiet: No logs at all unless `logFile` is given.
    ///   - anyPort: Listen on a port the system picks when neither `--listen` nor a settings file says where (the
    ///     console's embedded gateway, so it never clashes with a `serve` on 8080).
    ///   - httpListen: The HTTP address, in place of `--listen` (epp, whose `--listen` is its gRPC address).
    ///   - profile: `--profile`: a latency profile whose coefficients the cost-aware policies score by.
    ///   - tailSlack: `--tail-slack`: `least-impact`'s tail guard, over the settings file's; nil leaves it.
    /// - Returns: The gateway, not yet running.
    /// - Throws: ``CommandError`` naming what is wrong with the options, the file, the policy or the port.
    func makeGateway(
        policy: String?,
        logFile: String?,
        quiet: Bool,
        anyPort: Bool = false,
        httpListen: (text: String, field: String)? = nil,
        profile: String? = nil,
        tailSlack: TailSlack? = nil
    ) throws
        -> SwitchyardGateway
    {
        var config: GatewayConfiguration
        do { config = try configuration(policy: policy, httpListen: httpListen) } catch let error as GatewayConfigError
        {
            throw CommandError(description: error.description)
        }
        if let profile {
            do {
                let loaded = try ProfileCatalog.profile(named: profile)
                config.cost = loaded.cost
                config.profileName = loaded.name
                config.profile = loaded
            } catch { throw CommandError(description: "--profile: \(error)") }
        }
        if let tailSlack { config.tailSlack = tailSlack.value }
        if anyPort, listen == nil, self.config == nil { config.port = 0 }
        let logger = try makeLogger(file: logFile, quiet: quiet)
        // Before the gateway exists: once built, it owns HTTP clients that must be shut down.
        if let refusal = PolicyCatalog.realModeRefusal(config.policy, instances: config.backends.count) {
            // Name where the policy came from: the flag, else the settings file.
            let source = policy != nil ? "--policy" : self.config.map { "\($0): policy" } ?? "--policy"
            throw CommandError(description: "\(source): \(refusal)")
        }
        try PortCheck.ensureFree(host: config.host, port: config.port)
        do { return try SwitchyardGateway(configuration: config, logger: logger) } catch {
            throw CommandError(description: "\(error)")
        }
    }

    /// The configuration: the file's, with the flags on top.
    func configuration(policy: String?, httpListen: (text: String, field: String)? = nil) throws -> GatewayConfiguration
    {
        var config = try config.map { try GatewayConfigFile.load(path: $0) } ?? GatewayConfiguration(backends: [])
        if !backends.isEmpty {
            config.backends = try backends.map { try BackendDescriptor.parse($0) }
        }
        if let httpListen {
            (config.host, config.port) = try GatewayConfigFile.parseListen(httpListen.text, field: httpListen.field)
        } else if let listen {
            (config.host, config.port) = try GatewayConfigFile.parseListen(listen, field: "--listen")
        }
        if let policy { config.policy = policy }
        if let token = adminToken ?? ProcessInfo.processInfo.environment["SWITCHYARD_ADMIN_TOKEN"] {
            config.adminToken = token
        }
        if let connectTimeout { config.connectTimeout = connectTimeout }
        if let firstByteTimeout { config.firstByteTimeout = firstByteTimeout }
        if let idleTimeout { config.idleTimeout = idleTimeout }
        if let requestTimeout { config.requestTimeout = requestTimeout }
        if let scrapeInterval { config.scrapeInterval = scrapeInterval }
        if let staleness { config.stalenessBound = staleness }
        if let maxBodyBytes { config.maxBodyBytes = maxBodyBytes }
        if let burstMaxContext { config.burstMaxContext = burstMaxContext }
        if let ejectAfter5xx { config.outlierDetection.consecutiveServerErrors = ejectAfter5xx }
        if let imbalanceQueue {
            guard imbalanceQueue >= 1 else {
                throw GatewayConfigError(description: "--imbalance-queue must be at least 1, got \(imbalanceQueue).")
            }
            config.imbalance.queue = imbalanceQueue
        }
        if let imbalanceKv {
            guard imbalanceKv > 0, imbalanceKv <= 1 else {
                throw GatewayConfigError(description: "--imbalance-kv must be in (0, 1], got \(imbalanceKv).")
            }
            config.imbalance.kvUsage = imbalanceKv
        }
        if let ttftSlo {
            guard ttftSlo > 0 else {
                throw GatewayConfigError(description: "--ttft-slo must be positive, got \(ttftSlo).")
            }
            config.admission.defaultObjective.ttft = ttftSlo
        }
        if let ejectionTime {
            config.outlierDetection.baseEjectionTime = ejectionTime
            config.outlierDetection.maxEjectionTime = max(config.outlierDetection.maxEjectionTime, ejectionTime)
        }
        try config.validate()
        return config
    }
}

/// `--console`, `--theme` and `--log-file`, for `serve` and `epp`.
struct ConsoleFlags: ParsableArguments {
    @Flag(help: "Also open the operator console on it (logs go to --log-file).")
    var console = false

    @Option(help: "Theme for --console.")
    var theme: String?

    @Option(help: "Write logs to this file instead of stderr (always, with --console).")
    var logFile: String?
}

/// `switchyard serve`: the OpenAI-compatible gateway in front of real (or emulated) engines.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Route OpenAI-compatible requests to vLLM, SGLang or llama.cpp servers by a policy.",
        discussion: """
            Routes: POST /v1/completions and /v1/chat/completions (streaming passed through chunk by chunk), \
            GET /v1/models (union of the backends'), /health, /metrics (the router's own, Prometheus text), \
            GET /admin/state, GET|POST /admin/policy {"policy": NAME}, POST /admin/burst {"kind": KIND}. \
            Each backend's /metrics is scraped every 250 ms; a failing backend is taken out and put back once \
            its /health passes.
            """
    )

    @OptionGroup var gateway: GatewayOptions

    @Option(
        help:
            "Routing policy (default least-impact; see `switchyard policies`; the oracle references are not available live)."
    )
    var policy: String?

    @Option(
        help:
            "Latency profile whose coefficients the cost-aware policies score by: a name (`switchyard profiles`) or a .json file, e.g. from `switchyard calibrate` (default: the paper's V100 coefficients)."
    )
    var profile: String?

    @Option(
        help:
            "The tail guard of least-impact and rl-guarded: how much longer than at the best backend a request may expect to wait for its first token (0.25 = 25%, the default), or off."
    )
    var tailSlack: TailSlack?

    @OptionGroup var output: ConsoleFlags

    func run() async throws {
        let server = try gateway.makeGateway(
            policy: policy,
            logFile: output.logFile,
            quiet: output.console,
            profile: profile,
            tailSlack: tailSlack
        )
        let config = server.configuration
        if output.console {
            try await runWithConsole(server, theme: output.theme)
        } else {
            try await server.run { port in
                let banner =
                    "Switchyard gateway on http://\(config.host):\(port)/v1 (policy \(config.policy)), \(config.backends.count) backend(s). Ctrl-C stops.\n"
                FileHandle.standardError.write(Data(banner.utf8))
            }
        }
    }
}

/// Runs the gateway in the background and the console in front until the operator quits.
func runWithConsole(
    _ server: SwitchyardGateway,
    theme: String?,
    services: [any Service] = [],
    label: (@Sendable () -> String)? = nil
) async throws {
    let failure = Mutex<(any Error)?>(nil)
    let finished = Mutex(false)
    // Never cancelled: cancelling Hummingbird's listener while the load generator's connections are still being
    // accepted trips NIO's "Deinited NIOAsyncWriter without calling finish()" precondition. When the console quits,
    // the gateway is stopped through the graceful path instead (requests in flight finish), for at most 5 s.
    _ = Task {
        do { try await server.run(signals: [], services: services) } catch { failure.withLock { $0 = error } }
        finished.withLock { $0 = true }
    }
    // Wait for the listener (or its failure) before drawing.
    while server.port == nil {
        if let error = failure.withLock({ $0 }) { throw ValidationError("The gateway did not start: \(error)") }
        try await Task.sleep(for: .milliseconds(20))
    }
    try await ConsoleApp.run(backend: server.liveCluster(label: label), options: ConsoleOptions(theme: theme))
    await server.stop()
    let deadline = ContinuousClock.now + .seconds(5)
    while !finished.withLock({ $0 }), ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(50))
    }
}

/// Logs to stderr, to a file, or nowhere (when the console owns the terminal).
func makeLogger(file: String?, quiet: Bool) throws -> Logger {
    if let file {
        guard FileManager.default.createFile(atPath: file, contents: nil),
            let handle = FileHandle(forWritingAtPath: file)
        else { throw ValidationError("--log-file: cannot write \(file).") }
        return Logger(label: "switchyard.gateway") { label in FileLogHandler(label: label, handle: handle) }
    }
    if quiet { return Logger(label: "switchyard.gateway") { _ in SwiftLogNoOpLogHandler() } }
    return Logger(label: "switchyard.gateway") { label in StreamLogHandler.standardError(label: label) }
}

/// One line per message, appended to a file.
struct FileLogHandler: LogHandler {
    let label: String
    let handle: FileHandle
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let stamp = Date().ISO8601Format()
        handle.write(Data("\(stamp) \(event.level) \(label): \(event.message)\n".utf8))
    }
}

import ArgumentParser
import Emulator
import Engine
import Foundation

/// `switchyard emulate`: vLLM-compatible emulated instances, each running the engine model in real time.
struct EmulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate",
        abstract: "Serve emulated vLLM instances that run the engine model in real time.",
        discussion: """
            Each instance serves /v1/completions, /v1/chat/completions, /v1/models, /health and /metrics (vLLM \
            metric names), plus GET/POST/DELETE /admin/faults for fault injection: stall_seconds, error_rate, \
            unavailable (503 everywhere), refuse with refuse_seconds (the listener closes: connections refused), \
            die_mid_stream with die_after_tokens; {} or DELETE clears them. Serves until Ctrl-C.
            """
    )

    @Option(help: "Number of instances, on consecutive ports.")
    var instances = 1

    @Option(help: "Port of the first instance.")
    var basePort = 8001

    @Option(help: "Latency profile (see `switchyard profiles`).")
    var profile = ProfileCatalog.defaultName

    @Option(help: "Emulated seconds per wall-clock second.")
    var speed = 1.0

    @Option(help: "Fraction of completion requests answered with 500, in 0...1.")
    var failRate = 0.0

    @Option(help: "Served model name.")
    var model = EmulatorConfiguration.defaultModelName

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Flag(help: "Draw output lengths from the bundled Azure conv sample, capped by max_tokens.")
    var traceLengths = false

    @Option(help: "Seed for trace-length draws and injected errors.")
    var seed: UInt64 = 0

    @Option(
        help: ArgumentHelp(
            "Which vLLM's /metrics to imitate: 1 (V1 engine, vllm:kv_cache_usage_perc with the deprecated gpu_* aliases) or 0 (V0: vllm:gpu_cache_usage_perc, model_name labels only).",
            valueName: "0|1"
        )
    )
    var vllmVersion = "1"

    func validate() throws {
        if instances < 1 { throw ValidationError("--instances must be at least 1, got \(instances).") }
        if !(1...65535).contains(basePort) || basePort + instances - 1 > 65535 {
            throw ValidationError("--base-port \(basePort) with \(instances) instances runs past port 65535.")
        }
        if !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be positive, got \(speed).") }
        if !(0...1).contains(failRate) { throw ValidationError("--fail-rate must be in 0...1, got \(failRate).") }
        if VLLMVersion(rawValue: vllmVersion) == nil {
            throw ValidationError("--vllm-version must be 0 or 1, got '\(vllmVersion)'.")
        }
    }

    func run() async throws {
        let latency = try ProfileCatalog.profile(named: profile)
        var configuration = EmulatorConfiguration(
            modelName: model,
            profile: latency,
            speed: speed,
            traceLengths: traceLengths,
            seed: seed,
            faults: FaultSettings(errorRate: failRate)
        )
        configuration.vllmVersion = VLLMVersion(rawValue: vllmVersion) ?? .v1
        let cluster = try EmulatorCluster(
            count: instances,
            configuration: configuration,
            host: host,
            basePort: basePort
        )
        for port in basePort..<(basePort + instances) { try PortCheck.ensureFree(host: host, port: port) }
        var banner = "Emulating \(instances) vLLM instance(s) of '\(model)' (profile \(profile), speed \(speed)x):\n"
        for url in cluster.urls { banner += "  \(url)/v1\n" }
        banner += "Press Ctrl-C to stop.\n"
        // Unbuffered, so the URLs show at once even when stdout is a pipe.
        FileHandle.standardOutput.write(Data(banner.utf8))
        try await cluster.run()
    }
}

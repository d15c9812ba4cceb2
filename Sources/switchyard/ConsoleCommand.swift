import ArgumentParser
import Console
import Engine
import Foundation
import Routing
import Simulator
import SwitchyardCore
import Workload

struct ConsoleSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the live operator console on a simulated cluster, or on real servers with --backend.",
        discussion: """
            With --backend URL (repeatable) the console runs the gateway (as `switchyard serve`) in front of those \
            vLLM, SGLang or llama.cpp servers and shows the LIVE cluster: policy keys act on the gateway, b sends a \
            real burst through it. Without --backend it simulates: the workload's timeline (or Poisson arrivals) is replayed endlessly at the offered load. Keys: p or \
            1-9 policy, b burst, a A/B twin, space pause, +/- speed, tab/enter instance detail, t theme, ? help, \
            q quit.
            """
    )

    @Flag(help: "Simulate the cluster (the default without --backend or --config; refused with them).")
    var sim = false

    @OptionGroup var cluster: ClusterOptions

    @OptionGroup(title: "Real cluster") var gateway: GatewayOptions

    @Option(help: "With --backend: write the gateway's logs to this file.")
    var logFile: String?

    @Option(help: "Routing policy to start with.")
    var policy = "least-impact"

    @Option(help: "Start an A/B twin routed by this policy, fed the identical arrivals.")
    var compare: String?

    @Option(help: "Theme name (default, light, high-contrast, mono) or a theme .toml path.")
    var theme: String?

    @Option(help: "Simulated seconds per wall second.")
    var speed = 1.0

    @Option(help: "Frames per second.")
    var fps = 10.0

    @Option(help: "Record the session (snapshots and operator commands) to this JSONL file.")
    var record: String?

    @Option(help: "Run a timed walkthrough script (see README, Demo walkthroughs).")
    var script: String?

    @Option(help: "Seed of the simulation.")
    var seed: UInt64 = 1

    func validate() throws {
        guard speed > 0, speed.isFinite else {
            throw ValidationError("--speed must be a positive number, got \(speed).")
        }
        guard fps >= 1, fps <= 60 else { throw ValidationError("--fps must be between 1 and 60, got \(fps).") }
        if sim, !gateway.backends.isEmpty || gateway.config != nil {
            throw ValidationError("--sim simulates the cluster; it cannot be given with --backend or --config.")
        }
    }

    func run() async throws {
        if !gateway.backends.isEmpty || gateway.config != nil {
            try await runLive()
            return
        }
        let plan = try WorkloadPlan.make(cluster, requests: nil, seed: seed)
        let instances = cluster.instances
        let rlModel = cluster.rlModel
        let tailSlack = cluster.tailSlackValue
        let names = PolicyCatalog.available(instances: instances, rlModel: rlModel)
        guard names.contains(policy) else {
            if PolicyCatalog.names.contains(policy) {
                do { _ = try PolicyCatalog.make(policy, seed: seed, instances: instances, rlModel: rlModel) } catch {
                    throw ValidationError("--policy: \(error)")
                }
            }
            throw ValidationError(
                "--policy: '\(policy)' is not available here. Available: \(names.joined(separator: ", "))."
            )
        }
        if let compare, !names.contains(compare) {
            throw ValidationError(
                "--compare: '\(compare)' is not available here. Available: \(names.joined(separator: ", "))."
            )
        }
        let choice: ClusterOptions.PredictorChoice = cluster.predictor == .auto ? .shipped : cluster.predictor
        let predictor: any LengthPredictor
        do { predictor = try plan.predictor(choice) } catch { predictor = try plan.predictor(.bandMean) }
        let runSeed = seed
        let backend = try SimulatedCluster(
            configuration: .init(
                simulation: try cluster.simulationConfig(seed: seed, scrapeInterval: gateway.scrapeInterval ?? 0.25),
                workloadName: plan.name,
                policy: policy,
                speed: speed
            ),
            trace: plan.timed(seed: seed),
            predictor: predictor,
            policyNames: names,
            referencePolicyNames: Set(PolicyCatalog.entries.filter(\.isReference).map(\.name)),
            makePolicy: {
                try PolicyCatalog.make($0, seed: runSeed, instances: instances, rlModel: rlModel, tailSlack: tailSlack)
            },
            makeBurst: { kind, time, rng in
                var generator = SeededGenerator(seed: rng.next())
                return BurstShape.requests(kind, startingAt: time, firstID: 0, rng: &generator)
            }
        )
        if let compare { try backend.compare(compare) }
        let recorder = try record.map { try SessionRecorder(path: $0) }
        defer { recorder?.close() }
        let walkthrough = try script.map { try WalkthroughScript(path: $0) }
        var options = ConsoleOptions(theme: theme, fps: fps, scriptedActions: walkthrough?.stream())
        if let recorder {
            options.onFrame = { snapshot in recorder.record(snapshot) }
            options.onCommand = { command in recorder.record(command) }
        }
        let driver = Task { await backend.run() }
        defer { driver.cancel() }
        try await ConsoleApp.run(backend: backend, options: options)
    }
}

extension ConsoleSubcommand {
    /// The console on a real cluster: the gateway in the background, its LIVE view in front.
    func runLive() async throws {
        // --profile (the simulated cluster's option) gives a live one the coefficients its policies score by.
        let server = try gateway.makeGateway(
            policy: policy,
            logFile: logFile,
            quiet: true,
            anyPort: true,
            profile: cluster.profile,
            tailSlack: cluster.tailSlack
        )
        try await runWithConsole(server, theme: theme)
    }
}

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recorded console session back (read-only: pause and speed work, steering does not)."
    )

    @Argument(help: "A file written by `switchyard console --record FILE`.")
    var file: String

    @Option(help: "Playback speed.")
    var speed = 1.0

    @Option(help: "Theme name or path.")
    var theme: String?

    func run() async throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        FileHandle.standardError.write(Data("Loading \(file) (\(size / 1_000_000) MB)…\n".utf8))
        let backend = try ReplayBackend(path: file, speed: speed)
        try await ConsoleApp.run(backend: backend, options: ConsoleOptions(theme: theme))
    }
}

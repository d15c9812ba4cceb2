import ArgumentParser
import Console
import Foundation
import Gateway
import GatewayServer
import Logging

/// `switchyard top`: the engine monitor with no gateway in the path.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Watch vLLM, SGLang or llama.cpp servers without routing anything: the console's cards, or a report.",
        discussion: """
            Scrapes each backend's /metrics (and probes /health) as `serve` does, and shows per backend its status \
            (DOWN, STALE with the reason), running and waiting requests, KV usage, TTFT / inter-token / E2E \
            percentiles over the last minute from the engine's own histograms, token rates and preemptions, and the \
            aggregate. With no --format it opens the LIVE console (watch only: policy and burst keys are refused). \
            --once prints one report after --interval seconds (the rates and windowed latencies cover that \
            interval) and exits: 0 when every backend is up, 1 otherwise; --format json is for scripts and alerts. \
            --format without --once prints a report every --interval seconds (JSON: one object per line).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(
        name: .customLong("backend"),
        help: ArgumentHelp(
            "A serving engine: URL, NAME=URL or NAME=URL#KIND (KIND: vllm, sglang, llamacpp). Repeat for each.",
            valueName: "url"
        )
    )
    var backends: [String] = []

    @Option(help: "A gateway settings TOML file: its backends, scrape interval, staleness and imbalance thresholds.")
    var config: String?

    @Flag(help: "Print one report and exit.")
    var once = false

    @Option(help: "Print reports in this format (table or json) instead of opening the console.")
    var format: Format?

    @Option(help: "Seconds between reports; with --once, the interval the report covers (default 2).")
    var interval = 2.0

    @Option(help: "Seconds between /metrics scrapes of each backend (default 0.25).")
    var scrapeInterval: Double?

    @Option(help: "Seconds after which scraped metrics are stale (default 2).")
    var staleness: Double?

    @Option(help: "Theme for the console.")
    var theme: String?

    func validate() throws {
        guard interval.isFinite, interval >= 0.5, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.5 and 3600 seconds, got \(interval).")
        }
        guard !backends.isEmpty || config != nil else {
            throw ValidationError("Name at least one --backend URL (or a --config file with backends).")
        }
    }

    func run() async throws {
        var config: GatewayConfiguration
        do {
            config = try self.config.map { try GatewayConfigFile.load(path: $0) } ?? GatewayConfiguration(backends: [])
            if !backends.isEmpty { config.backends = try backends.map { try BackendDescriptor.parse($0) } }
            if let scrapeInterval { config.scrapeInterval = scrapeInterval }
            if let staleness { config.stalenessBound = staleness }
            try config.validate()
        } catch let error as GatewayConfigError {
            throw CommandError(description: error.description)
        }
        let logger = Logger(label: "switchyard.top") { _ in SwiftLogNoOpLogHandler() }
        let watch: ClusterWatch
        do { watch = try ClusterWatch(configuration: config, logger: logger) } catch {
            throw CommandError(description: "\(error)")
        }
        let format = format ?? (once ? .table : nil)
        if once {
            let report = await watch.once(interval: interval)
            await watch.shutdown()
            print(try render(report, format ?? .table))
            if report.aggregate.up < report.aggregate.backends { throw ExitCode(1) }
            return
        }
        let scraper = Task { await watch.run() }
        defer { scraper.cancel() }
        if let format {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                FileHandle.standardOutput.write(Data((try render(watch.report(), format) + "\n").utf8))
            }
        } else {
            try await ConsoleApp.run(backend: watch.cluster(), options: ConsoleOptions(theme: theme))
        }
        scraper.cancel()
        await watch.shutdown()
    }

    func render(_ report: WatchReport, _ format: Format) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = once ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
            return String(decoding: try encoder.encode(report), as: UTF8.self)
        case .table:
            return Self.table(report)
        }
    }

    /// One row per backend and the aggregate: status, queue, KV, p50/p99 of the three latencies over the window,
    /// token rates and preemptions.
    static func table(_ report: WatchReport) -> String {
        var table = TextTable(header: [
            "backend", "status", "run", "wait", "KV", "TTFT p50/p99", "ITL p50/p99", "E2E p50/p99", "prompt tok/s",
            "gen tok/s", "req/s", "preempt",
        ])
        func pair(_ value: WatchReport.Percentiles?) -> String {
            value.map { "\(seconds($0.p50))/\(seconds($0.p99))" } ?? "-"
        }
        func number(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        for backend in report.backends {
            table.add([
                backend.name, backend.status.uppercased(), backend.running.map(String.init) ?? "-",
                backend.waiting.map(String.init) ?? "-",
                backend.kvUsage.map { String(format: "%.0f%%", $0 * 100) } ?? "-",
                pair(backend.latency.ttft), pair(backend.latency.interToken), pair(backend.latency.e2e),
                number(backend.throughput.promptTokensPerSecond), number(backend.throughput.generationTokensPerSecond),
                number(backend.throughput.requestsPerSecond), backend.preemptionsInWindow.map(String.init) ?? "-",
            ])
        }
        let all = report.aggregate
        table.add([
            "all", "\(all.up)/\(all.backends) up", "\(all.running)", "\(all.waiting)",
            all.kvUsage.map { String(format: "%.0f%%", $0 * 100) } ?? "-", pair(all.latency.ttft),
            pair(all.latency.interToken), pair(all.latency.e2e), number(all.throughput.promptTokensPerSecond),
            number(all.throughput.generationTokensPerSecond), number(all.throughput.requestsPerSecond), "",
        ])
        var out = table.render()
        let window = report.backends.compactMap(\.windowSeconds).max().map { String(format: "%.1f", $0) } ?? "0"
        out += "\nlatencies and rates over the last \(window) s, from the engines' own counters and histograms"
        for backend in report.backends {
            if let reason = backend.reason { out += "\n\(backend.name): \(backend.status.uppercased()), \(reason)" }
        }
        return out
    }

    static func seconds(_ value: Double) -> String {
        value < 0.1 ? String(format: "%.0fms", value * 1000) : String(format: "%.2fs", value)
    }
}

import ArgumentParser
import Foundation
import Routing
import Simulator
import SwitchyardCore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a workload through the simulator under several policies and compare them.",
        discussion: """
            The first 25% of the workload trains the default length predictor; the rest (at most --requests) is \
            measured. Traces with timestamps keep their timeline, rescaled to the offered rate; others get \
            Poisson (or --arrivals gamma:CV) arrivals drawn per seed. Several seeds are pooled. `oracle` and \
            `workload-aware-oracle` read true output lengths: they are references, not products.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(parsing: .unconditional, help: "Measure at most this many requests per run.")
    var requests: Int?

    @Option(help: "Comma-separated policies; the first is the baseline of the comparison.")
    var policies = "round-robin,least-requests,least-tokens,power-of-two,llm-d,workload-aware,least-impact,oracle"

    @Option(help: "Comma-separated seeds; results are pooled over them.")
    var seeds = "1"

    @Option(
        parsing: .unconditional,
        help:
            "Seconds between samples of the engines' gauges that policies see, as `serve` scrapes /metrics; 0 shows them the exact state."
    )
    var scrapeInterval = 0.25

    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    func parsedPolicies() throws -> [String] {
        let names = policies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        guard !names.isEmpty else { throw ValidationError("--policies lists no policy.") }
        for name in names where !PolicyCatalog.names.contains(name) {
            throw ValidationError(
                "--policies: unknown policy '\(name)'. Known: \(PolicyCatalog.names.joined(separator: ", "))."
            )
        }
        return names
    }

    func parsedSeeds() throws -> [UInt64] {
        try CommaList.parse(seeds, option: "--seeds", expected: "comma-separated non-negative integers") {
            UInt64($0)
        }
    }

    func validate() throws {
        _ = try parsedPolicies()
        _ = try parsedSeeds()
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1, got \(requests).") }
        if !(scrapeInterval >= 0 && scrapeInterval.isFinite) {
            throw ValidationError("--scrape-interval must be 0 or a positive number of seconds, got \(scrapeInterval).")
        }
    }

    func run() throws {
        let names = try parsedPolicies()
        let seedList = try parsedSeeds()
        let plan = try WorkloadPlan.make(cluster, requests: requests)
        let instances = cluster.instances
        let rlModel = cluster.rlModel
        let tailSlack = cluster.tailSlackValue
        let predictor = try plan.predictor(cluster.predictor)
        let runner = BenchRunner(
            config: try cluster.simulationConfig(seed: seedList[0], scrapeInterval: scrapeInterval),
            policies: names,
            seeds: seedList,
            workload: { plan.timed(seed: $0) },
            predictor: { _ in predictor },
            makePolicy: {
                try PolicyCatalog.make($0, seed: $1, instances: instances, rlModel: rlModel, tailSlack: tailSlack)
            }
        )
        var (report, _) = try runner.run(clock: { monotonicSeconds() })
        report.workload = plan.name
        // The rate asked for (`--rate`, or `--load` times the measured capacity), not the rate the seeds' draws
        // happened to give: a Poisson sample of a few hundred requests can be 20% off.
        report.rate = plan.rate
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .csv:
            print(table(report, csv: true).csv())
        case .table:
            print(
                "workload \(plan.name) (\(plan.source)), \(report.instances) instances, \(report.profile), "
                    + "\(report.requests) requests x \(report.seeds.count) seed(s), "
                    + String(
                        format: "%.2f req/s offered (capacity %.2f req/s per instance)",
                        report.rate,
                        plan.capacityPerInstance
                    )
            )
            print(table(report).render())
            for line in tailLines(report) { print(line) }
            print(
                String(
                    format: "wall %.2f s, %.0f simulated requests/s",
                    report.wallSeconds,
                    report.simulatedRequestsPerSecond
                )
            )
        }
    }

    /// The comparison table; in CSV, `vs first` is a number (the fraction, -0.12 = 12% lower), as in the JSON.
    func table(_ report: BenchReport, csv: Bool = false) -> TextTable {
        var table = TextTable(header: [
            "policy", "done", "E2E mean", "E2E p99", "TTFT mean", "TTFT p99", "TBT mean", "TBT p99", "preempt",
            "vs first",
        ])
        let references = Set(PolicyCatalog.entries.filter(\.isReference).map(\.name))
        for p in report.policies {
            table.add([
                !csv && references.contains(p.name) ? p.name + " (ref)" : p.name, "\(p.completed)", p.e2e.mean.s3,
                p.e2e.p99.s3, p.ttft.mean.s3, p.ttft.p99.s3, p.tbt.mean.s3,
                p.tbt.p99.s3, "\(p.preemptions)",
                csv ? String(format: "%.4f", p.vsFirstMeanE2E) : p.vsFirstMeanE2E.signedPercent,
            ])
        }
        return table
    }

    /// The tails and the floor, one line each: the mean E2E of the requests with the longest prompts and with the
    /// longest outputs (the top 10%) per policy, since size-sorting can cut the mean while these wait far longer;
    /// and the isolated floor with each policy's excess over it.
    func tailLines(_ report: BenchReport) -> [String] {
        guard let first = report.policies.first else { return [] }
        func line(_ label: String, _ tail: (BenchReport.PolicyResult) -> BenchReport.Tail) -> String {
            let parts = report.policies.map { "\($0.name) \(tail($0).e2eMean.s3)" }
            return "\(label) (>= \(tail(first).threshold) tokens, top 10%) mean E2E: " + parts.joined(separator: ", ")
        }
        let floor = report.isolatedE2EMean
        let excess = report.policies.map { policy in
            let over = policy.e2e.mean - floor
            return "\(policy.name) +\(over.s3)" + (floor > 0 ? String(format: " (%.0f%%)", over / floor * 100) : "")
        }
        var lines = [
            line("long prompts", \.longPrompts),
            line("long outputs", \.longOutputs),
            "isolated floor (each request alone on an idle instance) mean E2E \(floor.s3); excess over it: "
                + excess.joined(separator: ", "),
        ]
        if report.policies.contains(where: { $0.prefixHitRate > 0 }) {
            let rates = report.policies.map { "\($0.name) " + String(format: "%.1f%%", $0.prefixHitRate * 100) }
            lines.append(
                "prefix cache hit rate (cached prompt tokens / prompt tokens): " + rates.joined(separator: ", ")
            )
        }
        let references = report.policies.map(\.name).filter { name in
            PolicyCatalog.entries.contains { $0.name == name && $0.isReference }
        }
        if !references.isEmpty {
            lines.append(
                "(ref) \(references.joined(separator: ", ")): references that read the true output lengths, which no "
                    + "router can know; yardsticks, not products"
            )
        }
        if let rejected = report.policies.first?.rejected, rejected > 0 {
            lines.append(
                "rejected: \(rejected) requests longer than the profile's max model length (as vLLM answers 400)"
            )
        }
        return lines
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

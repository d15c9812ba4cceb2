import Foundation
import SwitchyardCore

/// Turns a ``WorkloadSpec`` into requests: reads the trace file, the bundled sample or the full file from a data
/// directory, runs a generator, or mixes two workloads.
///
/// Data directory: the `dataDirectory` argument, or else the `SWITCHYARD_DATA` environment variable. The named
/// workloads (`azure-conv`, `azure-code`, `sharegpt`, `vidur`) use the full file when the directory holds it,
/// directly or in a per-dataset subfolder (`azure/AzureLLMInferenceTrace_conv.csv`, `azure/..._code.csv`,
/// `sharegpt/sharegpt_v3_first_turn_pairs.jsonl`, `vidur/arxiv_summarization_llama2_tokens.csv`), so
/// `SWITCHYARD_DATA=/work/shared/data` works; otherwise they use the bundled sample.
///
/// Hints: Azure requests get `conv` or `code` (for `azure:PATH`, when the file name contains one of them),
/// ShareGPT requests `sharegpt`, Vidur requests `vidur`, generated ones `synthetic`.
///
/// Mixes: a mix has no arrival times. Both workloads are loaded, their arrival times dropped, and each of the mix's
/// requests is drawn from A with probability `ratio`, else from B, taking that workload's requests in order. A
/// trace's timestamps describe its own service's load; interleaving two of them by a ratio would keep neither, so the
/// caller's arrival process (Poisson at `--rate`) times the mix. Without a limit, the mix holds as many requests as
/// both sources can supply in expectation: `min(countA / ratio, countB / (1 - ratio))`; a source that runs out
/// (by chance, or because the limit asks for more) starts again from its first request.
public enum WorkloadLoader {
    /// The environment variable consulted when no data directory is passed.
    public static let dataDirectoryVariable = "SWITCHYARD_DATA"

    /// Loads a workload.
    /// - Parameters:
    ///   - spec: what to load.
    ///   - dataDirectory: where to look for full trace files; nil consults `SWITCHYARD_DATA`.
    ///   - seed: seeds the generator and the mix's draws; traces ignore it.
    ///   - limit: at most this many requests (the first ones by arrival); nil for all. For a synthetic workload
    ///     without `count=`, the number to generate.
    ///   - environment: the process environment (injectable for tests).
    /// - Returns: the requests with their provenance; ``LoadedWorkload/name`` is the spec as typed.
    /// - Throws: ``WorkloadError`` when a file cannot be read or is malformed.
    public static func load(
        spec: WorkloadSpec,
        dataDirectory: String?,
        seed: UInt64,
        limit: Int?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> LoadedWorkload {
        let limit = limit.map { max(0, $0) }
        let directory = dataDirectory ?? environment[dataDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch spec.kind {
        case .azureConv:
            return try named(.azureConv, spec: spec, directory: directory, limit: limit)
        case .azureCode:
            return try named(.azureCode, spec: spec, directory: directory, limit: limit)
        case .sharegpt(nil):
            return try named(.sharegpt, spec: spec, directory: directory, limit: limit)
        case .vidur(nil):
            return try named(.vidur, spec: spec, directory: directory, limit: limit)
        case .mooncake(nil):
            return try named(.mooncake, spec: spec, directory: directory, limit: limit)
        case .mooncake(let path?):
            let requests = try MooncakeTraceReader.load(path: path, hint: "mooncake", limit: limit)
            return LoadedWorkload(name: spec.name, requests: requests, hasArrivalTimes: true, source: path)
        case .azure(let path):
            let requests = try AzureTraceReader.load(path: path, hint: azureHint(forFile: path), limit: limit)
            return LoadedWorkload(name: spec.name, requests: requests, hasArrivalTimes: true, source: path)
        case .sharegpt(let path?):
            let requests = try ShareGPTReader.load(path: path, hint: "sharegpt", limit: limit)
            return LoadedWorkload(name: spec.name, requests: requests, hasArrivalTimes: false, source: path)
        case .vidur(let path?):
            let requests = try VidurTraceReader.load(path: path, hint: "vidur", limit: limit)
            return LoadedWorkload(name: spec.name, requests: requests, hasArrivalTimes: false, source: path)
        case .synthetic(let synthetic):
            var rng = SeededGenerator(seed: seed)
            let wanted = synthetic.count ?? limit ?? SyntheticWorkload.defaultCount
            let requests = synthetic.requests(count: min(wanted, limit ?? wanted), using: &rng)
            let source =
                "generator (prompt \(synthetic.promptTokens.lowerBound)-\(synthetic.promptTokens.upperBound), "
                + "output \(synthetic.outputTokens.lowerBound)-\(synthetic.outputTokens.upperBound) tokens, uniform)"
            return LoadedWorkload(name: spec.name, requests: requests, hasArrivalTimes: false, source: source)
        case .mix(let first, let second, let ratio):
            return try mix(first, second, ratio: ratio, name: spec.name, directory: directory, seed: seed, limit: limit)
        }
    }

    /// The hint for an Azure-format file: `code` or `conv` when its name says so.
    static func azureHint(forFile path: String) -> String? {
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        if name.contains("code") { return "code" }
        if name.contains("conv") { return "conv" }
        return nil
    }

    private static func named(
        _ sample: BundledSample,
        spec: WorkloadSpec,
        directory: String?,
        limit: Int?
    ) throws -> LoadedWorkload {
        let fullFile = directory.flatMap { sample.fullFile(in: $0) }
        let data = try fullFile.map(TraceFile.read) ?? sample.data()
        let fileName = fullFile ?? sample.rawValue
        let requests: [Request]
        switch sample {
        case .azureConv:
            requests = try AzureTraceReader.parse(data, fileName: fileName, hint: "conv", limit: limit)
        case .azureCode:
            requests = try AzureTraceReader.parse(data, fileName: fileName, hint: "code", limit: limit)
        case .sharegpt:
            requests = try ShareGPTReader.parse(data, fileName: fileName, hint: "sharegpt", limit: limit)
        case .vidur:
            requests = try VidurTraceReader.parse(data, fileName: fileName, hint: "vidur", limit: limit)
        case .mooncake:
            requests = try MooncakeTraceReader.parse(data, fileName: fileName, hint: "mooncake", limit: limit)
        }
        let hasArrivalTimes = sample == .azureConv || sample == .azureCode || sample == .mooncake
        let source = fullFile ?? "bundled sample (\(requests.count) rows)"
        return LoadedWorkload(name: spec.name, requests: requests, hasArrivalTimes: hasArrivalTimes, source: source)
    }

    private static func mix(
        _ first: WorkloadSpec,
        _ second: WorkloadSpec,
        ratio: Double,
        name: String,
        directory: String?,
        seed: UInt64,
        limit: Int?
    ) throws -> LoadedWorkload {
        var root = SeededGenerator(seed: seed)
        let a = try load(spec: first, dataDirectory: directory, seed: root.next(), limit: limit, environment: [:])
        let b = try load(spec: second, dataDirectory: directory, seed: root.next(), limit: limit, environment: [:])
        var rng = SeededGenerator(seed: root.next())
        let source = "mix of \(first.name) [\(a.source)] and \(second.name) [\(b.source)]"
        guard !a.requests.isEmpty, !b.requests.isEmpty else {
            return LoadedWorkload(name: name, requests: [], hasArrivalTimes: false, source: source)
        }
        let fit = min(Double(a.requests.count) / ratio, Double(b.requests.count) / (1 - ratio))
        let count = limit ?? Int(fit.rounded(.down))
        var next = (a: 0, b: 0)
        var requests: [Request] = []
        requests.reserveCapacity(count)
        for index in 0..<count {
            var request: Request
            if RandomSampling.unitOpenBelow(using: &rng) <= ratio {
                request = a.requests[next.a % a.requests.count]
                next.a += 1
            } else {
                request = b.requests[next.b % b.requests.count]
                next.b += 1
            }
            request.id = RequestID(index)
            request.arrival = 0
            requests.append(request)
        }
        return LoadedWorkload(name: name, requests: requests, hasArrivalTimes: false, source: source)
    }
}

import Foundation
import SwitchyardCore
import Testing
import Workload

/// Loads a spec with no data directory and an empty environment, so only bundled samples are used.
private func loadBundled(_ text: String, seed: UInt64 = 0, limit: Int? = nil) throws -> LoadedWorkload {
    try WorkloadLoader.load(
        spec: WorkloadSpec(parsing: text),
        dataDirectory: nil,
        seed: seed,
        limit: limit,
        environment: [:]
    )
}

private func expectSortedWithConsecutiveIDs(_ requests: [Request]) {
    #expect(requests.map(\.id.rawValue) == Array(0..<requests.count))
    #expect(zip(requests, requests.dropFirst()).allSatisfy { $0.arrival <= $1.arrival })
}

@Test func loadsTheBundledAzureSamples() throws {
    for (name, hint) in [("azure-conv", "conv"), ("azure-code", "code")] {
        let workload = try loadBundled(name)
        #expect(workload.name == name)
        #expect(workload.requests.count == 3000)
        #expect(workload.hasArrivalTimes)
        #expect(workload.source == "bundled sample (3000 rows)")
        #expect(workload.requests.allSatisfy { $0.hint == hint })
        #expect(workload.requests.first?.arrival == 0)
        #expect((workload.requests.last?.arrival ?? 0) > 600)
        expectSortedWithConsecutiveIDs(workload.requests)
    }
}

@Test func loadsTheBundledShareGPTAndVidurSamples() throws {
    let sharegpt = try loadBundled("sharegpt")
    #expect(sharegpt.requests.count == 1000)
    #expect(!sharegpt.hasArrivalTimes)
    #expect(sharegpt.source == "bundled sample (1000 rows)")
    #expect(sharegpt.requests.allSatisfy { ($0.text?.count ?? 0) <= 2000 && $0.hint == "sharegpt" })
    let vidur = try loadBundled("vidur")
    #expect(vidur.requests.count == 1000)
    #expect(!vidur.hasArrivalTimes)
    #expect(vidur.requests.first?.promptTokens == 3772)
    expectSortedWithConsecutiveIDs(vidur.requests)
}

@Test func appliesTheLimitToTraces() throws {
    let workload = try loadBundled("azure-conv", limit: 25)
    #expect(workload.requests.count == 25)
    #expect(workload.source == "bundled sample (25 rows)")
}

@Test func readsTracesFromPaths() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("workload-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("my_code_trace.csv").path
    try "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00,10,3\n2023-11-16 18:00:02,20,4\n"
        .write(toFile: path, atomically: true, encoding: .utf8)
    let workload = try loadBundled("azure:\(path)")
    #expect(workload.source == path)
    #expect(workload.hasArrivalTimes)
    #expect(workload.requests.map(\.arrival) == [0, 2])
    #expect(workload.requests.allSatisfy { $0.hint == "code" })

    #expect(throws: WorkloadError.self) { try loadBundled("vidur:\(folder.path)/missing.csv") }
}

/// A trace may come through a pipe, as `--workload azure:<(zcat trace.csv.gz)` gives it: it has no size to read up to.
@Test func readsATraceThroughAPipe() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("workload-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("trace.fifo").path
    #expect(mkfifo(path, 0o600) == 0)
    let text = "num_prefill_tokens,num_decode_tokens\n100,20\n300,40\n"
    // The writer blocks until the reader opens the pipe, so it runs on its own thread.
    let writer = Thread {
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.write(Data(text.utf8))
        try? handle.close()
    }
    writer.start()
    let workload = try loadBundled("vidur:\(path)")
    #expect(workload.requests.map(\.promptTokens) == [100, 300])
    #expect(workload.requests.map(\.outputTokens) == [20, 40])
}

@Test func prefersFullFilesInTheDataDirectory() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("workload-\(UUID().uuidString)")
    let azure = folder.appendingPathComponent("azure")
    try FileManager.default.createDirectory(at: azure, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let conv = azure.appendingPathComponent("AzureLLMInferenceTrace_conv.csv").path
    try "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00,10,3\n"
        .write(toFile: conv, atomically: true, encoding: .utf8)

    let explicit = try WorkloadLoader.load(
        spec: WorkloadSpec(parsing: "azure-conv"),
        dataDirectory: folder.path,
        seed: 0,
        limit: nil,
        environment: [:]
    )
    #expect(explicit.source == conv)
    #expect(explicit.requests.count == 1)

    let fromEnvironment = try WorkloadLoader.load(
        spec: WorkloadSpec(parsing: "azure-conv"),
        dataDirectory: nil,
        seed: 0,
        limit: nil,
        environment: ["SWITCHYARD_DATA": folder.path]
    )
    #expect(fromEnvironment.source == conv)

    // The folder has no code trace, so azure-code falls back to the bundled sample.
    let code = try WorkloadLoader.load(
        spec: WorkloadSpec(parsing: "azure-code"),
        dataDirectory: folder.path,
        seed: 0,
        limit: nil,
        environment: [:]
    )
    #expect(code.source == "bundled sample (3000 rows)")
}

@Test(.enabled(if: SharedData.has(SharedData.azureConv), "shared data folder not found under SWITCHYARD_DATA"))
func usesTheSharedDataFolderAsADataDirectory() throws {
    let workload = try WorkloadLoader.load(
        spec: WorkloadSpec(parsing: "azure-conv"),
        dataDirectory: SharedData.directory,
        seed: 0,
        limit: nil,
        environment: [:]
    )
    #expect(workload.requests.count == 19_366)
    #expect(workload.source == SharedData.path(SharedData.azureConv))
}

@Test func generatesSyntheticWorkloadsDeterministically() throws {
    let spec = "synthetic:prompt=100-200,output=5-10"
    let first = try loadBundled(spec, seed: 3, limit: 400)
    #expect(first.requests.count == 400)
    #expect(!first.hasArrivalTimes)
    #expect(first.requests.allSatisfy { (100...200).contains($0.promptTokens) && (5...10).contains($0.outputTokens) })
    #expect(try loadBundled(spec, seed: 3, limit: 400) == first)
    #expect(try loadBundled(spec, seed: 4, limit: 400) != first)
    #expect(try loadBundled("synthetic").requests.count == SyntheticWorkload.defaultCount)
    #expect(try loadBundled("synthetic:count=50", limit: 20).requests.count == 20)
}

@Test func mixesTwoWorkloadsInTheRequestedRatio() throws {
    let workload = try loadBundled("mix:azure-code+sharegpt@0.3", seed: 9, limit: 2000)
    #expect(workload.requests.count == 2000)
    #expect(!workload.hasArrivalTimes)
    #expect(workload.requests.allSatisfy { $0.arrival == 0 })
    #expect(workload.requests.map(\.id.rawValue) == Array(0..<2000))
    let fromCode = workload.requests.filter { $0.hint == "code" }.count
    let fromShareGPT = workload.requests.filter { $0.hint == "sharegpt" }.count
    #expect(fromCode + fromShareGPT == 2000)
    #expect(abs(Double(fromCode) / 2000 - 0.3) < 0.03)
    #expect(workload.source.hasPrefix("mix of azure-code [bundled sample"))
    // The code requests keep their trace order.
    let codePrompts = workload.requests.filter { $0.hint == "code" }.prefix(3).map(\.promptTokens)
    #expect(codePrompts == [4808, 3180, 110])
}

@Test func mixesAsManyRequestsAsBothSourcesSupply() throws {
    let workload = try loadBundled("mix:azure-conv+vidur@0.75")
    // min(3000 / 0.75, 1000 / 0.25) = 4000
    #expect(workload.requests.count == 4000)
    let fromConv = workload.requests.filter { $0.hint == "conv" }.count
    #expect(abs(Double(fromConv) / 4000 - 0.75) < 0.03)
}

@Test func mixesAreDeterministicForASeed() throws {
    let spec = "mix:synthetic:prompt=1-9+synthetic:prompt=100-900"
    #expect(try loadBundled(spec, seed: 1, limit: 300) == loadBundled(spec, seed: 1, limit: 300))
    #expect(try loadBundled(spec, seed: 1, limit: 300) != loadBundled(spec, seed: 2, limit: 300))
}

@Test func catalogListsEverySpecForm() {
    let names = WorkloadCatalog.descriptions.map(\.name)
    for form in ["azure-conv", "azure-code", "sharegpt", "vidur", "azure:PATH", "sharegpt:PATH", "vidur:PATH"] {
        #expect(names.contains(form))
    }
    #expect(names.contains { $0.hasPrefix("synthetic") })
    #expect(names.contains { $0.hasPrefix("mix:") })
    #expect(WorkloadCatalog.descriptions.allSatisfy { !$0.summary.isEmpty })
}

import Foundation

/// Real engine scrapes: the shared folder's full set, and the two copied into Fixtures/.
///
/// The shared path comes from `SWITCHYARD_DATA` (the variable the CLI reads), defaulting to `../shared/data` beside
/// the package.
enum SampleFiles {
    static let sharedDirectory =
        ProcessInfo.processInfo.environment["SWITCHYARD_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path

    static func sharedPath(_ relative: String) -> String {
        URL(fileURLWithPath: sharedDirectory).appendingPathComponent("engine-samples/\(relative)").path
    }

    static func hasShared(_ relative: String) -> Bool {
        FileManager.default.isReadableFile(atPath: sharedPath(relative))
    }

    static var hasAllShared: Bool { allShared.allSatisfy(hasShared) }

    static func shared(_ relative: String) throws -> String {
        try String(contentsOfFile: sharedPath(relative), encoding: .utf8)
    }

    static func fixture(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    static let vllmV1 = "vllm/metrics_v1.txt"
    static let vllmV0 = "vllm/metrics_v0.txt"
    static let sglang = "sglang/metrics.txt"
    static let sglangExcerpts = "sglang/metrics_excerpts_labels.txt"
    static let llamacppIdle = "llamacpp/metrics_idle.txt"
    static let llamacppBusy = "llamacpp/metrics_busy.txt"
    static let allShared = [vllmV1, vllmV0, sglang, sglangExcerpts, llamacppIdle, llamacppBusy]

    /// Copies of `vllm/metrics_v0.txt` and `llamacpp/metrics_busy.txt`, byte for byte.
    static let vllmV0Fixture = "vllm_metrics_v0.txt"
    static let llamacppBusyFixture = "llamacpp_metrics_busy.txt"

    static let skipMessage = "shared engine samples not found under $SWITCHYARD_DATA/engine-samples; skipped"
}

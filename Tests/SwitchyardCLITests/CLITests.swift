import Foundation
import Testing

/// Runs the built `switchyard` binary (next to the test bundle) and returns its exit status, stdout and stderr.
func runSwitchyard(
    _ arguments: [String],
    environment: [String: String] = [:]
) throws -> (status: Int32, out: String, err: String) {
    let buildDirectory = Bundle.main.bundleURL.deletingLastPathComponent()
    var binary = buildDirectory.appendingPathComponent("switchyard")
    if !FileManager.default.fileExists(atPath: binary.path) {
        // swift test puts the test bundle beside the products; fall back to the package's debug folder.
        binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/switchyard")
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    env["SWITCHYARD_DATA"] = environment["SWITCHYARD_DATA"] ?? ""
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
}

@Test func benchJSONHasExactlyTheContractFields() throws {
    let result = try runSwitchyard([
        "bench", "--workload", "azure-conv", "--requests", "200", "--policies", "round-robin,least-tokens",
        "--seeds", "1,2", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.err)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    #expect(
        Set(object.keys) == [
            "workload", "instances", "profile", "requests", "seeds", "rate", "wall_seconds",
            "simulated_requests_per_second", "policies",
        ]
    )
    #expect(object["workload"] as? String == "azure-conv")
    #expect(object["requests"] as? Int == 200)
    #expect(object["seeds"] as? [Int] == [1, 2])
    let policies = try #require(object["policies"] as? [[String: Any]])
    #expect(policies.map { $0["name"] as? String } == ["round-robin", "least-tokens"])
    for policy in policies {
        #expect(
            Set(policy.keys) == [
                "name", "completed", "preemptions", "e2e", "ttft", "tbt", "router_wait", "vs_first_mean_e2e",
            ]
        )
        #expect(policy["completed"] as? Int == 400, "200 requests x 2 seeds")
        for key in ["e2e", "ttft", "tbt"] {
            let stats = try #require(policy[key] as? [String: Double])
            #expect(Set(stats.keys) == ["mean", "p50", "p90", "p99"])
            #expect(stats["p50"] ?? -1 <= stats["p99"] ?? -2)
        }
        #expect(Set((policy["router_wait"] as? [String: Double] ?? [:]).keys) == ["mean", "p99"])
    }
    #expect(policies[0]["vs_first_mean_e2e"] as? Double == 0)
}

@Test func benchTableShowsEveryPolicyAndTheChangeAgainstTheFirst() throws {
    let result = try runSwitchyard([
        "bench", "--workload", "azure-code", "--requests", "150", "--policies", "round-robin,oracle",
    ])
    #expect(result.status == 0, "\(result.err)")
    let lines = result.out.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("policy ") && $0.contains("E2E mean") && $0.contains("vs first") })
    #expect(lines.contains { $0.hasPrefix("round-robin") && $0.hasSuffix("+0.0%") })
    #expect(lines.contains { $0.hasPrefix("oracle") })
}

@Test func benchIsDeterministicForASeed() throws {
    let args = [
        "bench", "--workload", "sharegpt", "--requests", "150", "--policies", "random,power-of-two", "--seeds", "7",
        "--format", "csv",
    ]
    let a = try runSwitchyard(args)
    let b = try runSwitchyard(args)
    #expect(a.status == 0, "\(a.err)")
    #expect(a.out == b.out)
}

@Test func badFlagsGiveClearErrors() throws {
    let unknownPolicy = try runSwitchyard(["bench", "--policies", "round-robin,fastest"])
    #expect(unknownPolicy.status != 0)
    #expect(unknownPolicy.err.contains("unknown policy 'fastest'"))
    let badSeeds = try runSwitchyard(["bench", "--seeds", "1,x"])
    #expect(badSeeds.status != 0)
    #expect(badSeeds.err.contains("--seeds"))
    let badWorkload = try runSwitchyard(["bench", "--workload", "azure:/nonexistent/trace.csv"])
    #expect(badWorkload.status != 0)
    #expect(badWorkload.err.contains("/nonexistent/trace.csv"))
    let badProfile = try runSwitchyard(["bench", "--profile", "tpu-v9"])
    #expect(badProfile.status != 0)
    #expect(badProfile.err.contains("Unknown profile 'tpu-v9'"))
}

@Test func listCommandsNameEveryEntry() throws {
    let policies = try runSwitchyard(["policies"])
    for name in ["round-robin", "least-tokens", "llm-d", "workload-aware", "oracle", "rl"] {
        #expect(policies.out.contains(name))
    }
    #expect(policies.out.contains("REFERENCE"))
    let profiles = try runSwitchyard(["profiles"])
    #expect(
        profiles.out.contains("llama2-7b-v100") && profiles.out.contains("llama3.1-8b-a100")
            && profiles.out.contains("llama2-7b-h100")
    )
    let workloads = try runSwitchyard(["workloads"])
    #expect(workloads.out.contains("azure-conv") && workloads.out.contains("mix:"))
}

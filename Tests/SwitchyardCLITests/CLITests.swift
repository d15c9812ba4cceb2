import Foundation
import Testing

/// Runs the built `switchyard` binary (next to the test bundle) and returns its exit status, stdout and stderr.
func runSwitchyard(
    _ arguments: [String],
    environment: [String: String] = [:],
    timeout: Double? = nil
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
    // Files, not pipes: a pipe read to its end never ends while any other process holds its write end, and a child
    // another test spawns meanwhile (a tmux server, an emulator) can inherit it. The child's exit is what ends this.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("out")
    let errURL = folder.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    try process.run()
    if let timeout {
        // A command expected to end by itself is stopped if it does not, so that the test fails rather than hangs.
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    return (
        process.terminationStatus,
        String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
        String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
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
            "simulated_requests_per_second", "isolated_e2e_mean", "policies",
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
                "name", "completed", "preemptions", "rejected", "prefix_hit_rate", "e2e", "ttft", "tbt",
                "router_wait", "vs_first_mean_e2e", "long_prompts", "long_outputs",
            ]
        )
        #expect(policy["completed"] as? Int == 400, "200 requests x 2 seeds")
        for key in ["e2e", "ttft", "tbt"] {
            let stats = try #require(policy[key] as? [String: Double])
            #expect(Set(stats.keys) == ["mean", "p50", "p90", "p99"])
            #expect(stats["p50"] ?? -1 <= stats["p99"] ?? -2)
        }
        #expect(Set((policy["router_wait"] as? [String: Double] ?? [:]).keys) == ["mean", "p99"])
        for key in ["long_prompts", "long_outputs"] {
            let tail = try #require(policy[key] as? [String: Any])
            #expect(Set(tail.keys) == ["threshold", "requests", "e2e_mean", "e2e_p99"])
            // The top decile of 400 finished requests (ties at the threshold may add a few).
            #expect((40...60).contains(tail["requests"] as? Int ?? 0))
            let e2e = try #require(policy["e2e"] as? [String: Double])
            #expect((tail["e2e_p99"] as? Double ?? -1) <= (e2e["p99"] ?? 0) * 1.5)
        }
        // The long-output decile takes longer than the average request.
        let longOutputs = try #require(policy["long_outputs"] as? [String: Any])
        let e2e = try #require(policy["e2e"] as? [String: Double])
        #expect((longOutputs["e2e_mean"] as? Double ?? 0) > (e2e["mean"] ?? .infinity))
    }
    #expect(policies[0]["vs_first_mean_e2e"] as? Double == 0)
    // The floor: every request alone on an idle instance is faster than under load.
    let floor = try #require(object["isolated_e2e_mean"] as? Double)
    #expect(floor > 0)
    #expect(policies.allSatisfy { floor < (($0["e2e"] as? [String: Double])?["mean"] ?? 0) })
}

@Test func benchTableShowsEveryPolicyAndTheChangeAgainstTheFirst() throws {
    let result = try runSwitchyard([
        "bench", "--workload", "azure-code", "--requests", "150", "--policies", "round-robin,oracle",
    ])
    #expect(result.status == 0, "\(result.err)")
    let lines = result.out.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("policy ") && $0.contains("E2E mean") && $0.contains("vs first") })
    #expect(lines.contains { $0.hasPrefix("round-robin") && $0.hasSuffix("+0.0%") })
    // The oracle is labelled a reference in its row and in a footnote naming it.
    #expect(lines.contains { $0.hasPrefix("oracle (ref) ") })
    #expect(lines.contains { $0.hasPrefix("(ref) oracle: references that read the true output lengths") })
    #expect(!lines.contains { $0.hasPrefix("round-robin (ref)") })
}

/// The JSON's `rate` is the rate asked for, not what a few hundred Poisson draws happened to give.
@Test func benchJSONRateIsTheOfferedRate() throws {
    let result = try runSwitchyard([
        "bench", "--workload", "sharegpt", "--rate", "5", "--requests", "200", "--policies", "round-robin",
        "--format", "json",
    ])
    #expect(result.status == 0, "\(result.err)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    #expect(object["rate"] as? Double == 5)
}

/// With no --policies, bench compares the baselines, the paper's heuristic and the product's own router.
@Test func benchComparesTheProductsRouterByDefault() throws {
    let result = try runSwitchyard(["bench", "--requests", "100", "--format", "csv"])
    #expect(result.status == 0, "\(result.err)")
    let names = result.out.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first }
    #expect(names.contains("least-impact"))
    #expect(names.contains("workload-aware"))
    #expect(names.first == "round-robin")
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
    let badRows = try runSwitchyard(["train", "router", "--train-rows", "10-5"])
    #expect(badRows.status != 0)
    #expect(badRows.err.contains("--train-rows must be FROM-TO"), "\(badRows.err)")
    // The bundled Azure conv sample is shorter than the rows asked for: said, not trained on fewer.
    let pastTheEnd = try runSwitchyard(["train", "router", "--train-rows", "0-99999999", "--episodes", "1"])
    #expect(pastTheEnd.status != 0)
    #expect(pastTheEnd.err.contains("has only"), "\(pastTheEnd.err)")
    let mixRows = try runSwitchyard([
        "train", "router", "--workload", "mix:azure-conv+azure-code", "--train-rows", "0-10",
    ])
    #expect(mixRows.status != 0)
    #expect(mixRows.err.contains("--train-rows needs a trace, not a mix"), "\(mixRows.err)")
    let plainGuarded = try runSwitchyard(["train", "router", "--variant", "rl-aware", "--tail-slack", "0.25"])
    #expect(plainGuarded.status != 0)
    #expect(plainGuarded.err.contains("only for --variant rl"), "\(plainGuarded.err)")
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

@Test(arguments: [
    (["--seeds", "1,,2"], "--seeds must be comma-separated"),
    (["--load", "-1"], "--load must be a positive number, got -1"),
    (["--instances", "-3"], "--instances must be between 1 and 1024, got -3"),
])
func benchRefusesBadNumbersByName(arguments: [String], message: String) throws {
    let result = try runSwitchyard(["bench", "--requests", "50"] + arguments)
    #expect(result.status != 0)
    #expect(result.err.contains(message), "\(result.err)")
}

/// `train router --instances N` trains at that one size (the design's contract), not at --train-instances' default.
@Test func trainRouterTrainsAtTheSizeInstancesGives() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("router-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let result = try runSwitchyard([
        "train", "router", "--instances", "2", "--episodes", "1", "--episode-requests", "100", "--bench-requests",
        "800", "--out", out,
    ])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out.contains("cycling through 2\n"), "\(result.out)")
    #expect(result.out.contains("validation window 2 (2 instances"), "\(result.out)")
}

/// The training commands' lists are read the way bench reads --seeds, each refusal naming its option.
@Test(arguments: [
    (
        ["train", "router", "--train-loads", "0.7,3"],
        "--train-loads must be loads in (0, 2], comma-separated, got '0.7,3'"
    ),
    (["train", "router", "--train-instances", "4,,8"], "--train-instances must be cluster sizes from 1 to 256"),
    (["train", "predictor", "--bounds", "2048,256"], "--bounds must be ascending positive integers"),
    (["train", "predictor", "--bounds", "256,x"], "--bounds must be ascending positive integers"),
    (["train", "router", "--instances", "8", "--train-instances", "4"], "--train-instances or --instances, not both"),
    (["train", "router", "--instances", "300"], "train router trains at 1 to 256 instances, got 300"),
    (["train", "predictor"], "--data: give the training data's path, or set SWITCHYARD_DATA"),
    (["console", "--sim", "--backend", "http://127.0.0.1:9"], "--sim simulates the cluster"),
])
func trainingListsAreRefusedByName(arguments: [String], message: String) throws {
    let result = try runSwitchyard(arguments)
    #expect(result.status != 0)
    #expect(result.err.contains(message), "\(result.err)")
}

@Test func benchWarnsAboveFullLoadAndItsCSVComparesInNumbers() throws {
    let result = try runSwitchyard([
        "bench", "--requests", "100", "--policies", "round-robin,least-requests", "--load", "1.5", "--format", "csv",
    ])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.err.contains("warning: --load 1.5 offers more than the cluster can serve"))
    let rows = result.out.split(separator: "\n").map { $0.split(separator: ",") }
    #expect(rows.first?.last == "vs first")
    #expect(rows.dropFirst().allSatisfy { Double($0.last ?? "") != nil }, "\(result.out)")
    #expect(rows.dropFirst().first?.last == "0.0000")
}

@Test func serveNamesWhereABadPolicyCameFromWithoutTheRootUsage() throws {
    let flag = try runSwitchyard(["serve", "--backend", "http://127.0.0.1:9", "--policy", "oracle"])
    #expect(flag.status != 0)
    #expect(flag.err.contains("--policy: Policy 'oracle' is not available in real mode"), "\(flag.err)")
    #expect(!flag.err.contains("USAGE: switchyard <subcommand>"))
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(UUID().uuidString).toml").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    try Data("policy = \"oracle\"\n[[backend]]\nurl = \"http://127.0.0.1:9\"\n".utf8).write(
        to: URL(fileURLWithPath: file)
    )
    let fromFile = try runSwitchyard(["serve", "--config", file])
    #expect(fromFile.err.contains("\(file): policy: Policy 'oracle'"), "\(fromFile.err)")
}

/// A port on 127.0.0.1 held by a listening socket of the test's own, and the socket (close it when done).
func holdPort() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    if !bound { close(fd) }
    try #require(bound)
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

@Test func aPortInUseIsSaidPlainlyBeforeAnythingStarts() throws {
    let (fd, port) = try holdPort()
    defer { close(fd) }
    let serve = try runSwitchyard(["serve", "--backend", "http://127.0.0.1:9", "--listen", "127.0.0.1:\(port)"])
    #expect(serve.status != 0)
    #expect(serve.err.contains("cannot listen on 127.0.0.1:\(port): address in use"), "\(serve.err)")
    let emulate = try runSwitchyard(["emulate", "--base-port", "\(port)"])
    #expect(emulate.status != 0)
    #expect(emulate.err.contains("cannot listen on 127.0.0.1:\(port): address in use"), "\(emulate.err)")
    #expect(!emulate.out.contains("Emulating"), "no banner before the error")
}

@Test func eppServesHTTPWhereItsSettingsFileSaysNotOnItsGRPCAddress() throws {
    // The file's listen is taken; --listen (gRPC) is free. The picker must check the file's address for its HTTP
    // side and say it is in use, not put HTTP on the gRPC address.
    let (fd, held) = try holdPort()
    defer { close(fd) }
    let (spare, grpc) = try holdPort()
    close(spare)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("epp-\(UUID().uuidString).toml").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    try Data("listen = \"127.0.0.1:\(held)\"\n[[backend]]\nurl = \"http://127.0.0.1:9\"\n".utf8).write(
        to: URL(fileURLWithPath: file)
    )
    let epp = try runSwitchyard(["epp", "--config", file, "--listen", "127.0.0.1:\(grpc)"], timeout: 30)
    #expect(epp.status != 0)
    #expect(epp.err.contains("cannot listen on 127.0.0.1:\(held): address in use"), "\(epp.err)")
}

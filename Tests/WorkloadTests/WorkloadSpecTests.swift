import Testing
import Workload

@Test func parsesNamedWorkloadsAndPaths() throws {
    let cases: [(String, WorkloadSpec.Kind)] = [
        ("azure-conv", .azureConv),
        ("azure-code", .azureCode),
        ("sharegpt", .sharegpt(path: nil)),
        ("vidur", .vidur(path: nil)),
        ("azure:/data/AzureLLMInferenceTrace_code.csv", .azure(path: "/data/AzureLLMInferenceTrace_code.csv")),
        ("sharegpt:pairs.jsonl", .sharegpt(path: "pairs.jsonl")),
        ("vidur:C:/x.csv", .vidur(path: "C:/x.csv")),
        ("synthetic", .synthetic(SyntheticWorkload())),
    ]
    for (text, kind) in cases {
        let spec = try WorkloadSpec(parsing: text)
        #expect(spec.kind == kind)
        #expect(spec.name == text)
        #expect(spec.description == text)
    }
}

@Test func parsesSyntheticParameters() throws {
    let spec = try WorkloadSpec(parsing: " synthetic:prompt=2000-4000, output=16,count=250 ")
    #expect(spec.name == "synthetic:prompt=2000-4000, output=16,count=250")
    #expect(spec.kind == .synthetic(SyntheticWorkload(promptTokens: 2000...4000, outputTokens: 16...16, count: 250)))
    let defaults = try WorkloadSpec(parsing: "synthetic:")
    #expect(defaults.kind == .synthetic(SyntheticWorkload(promptTokens: 100...1000, outputTokens: 10...500)))
    #expect(
        SyntheticWorkload(outputTokens: 7...7, count: 3).description == "synthetic:prompt=100-1000,output=7,count=3"
    )
}

@Test func parsesMixesWithAndWithoutARatio() throws {
    let even = try WorkloadSpec(parsing: "mix:azure-conv+azure-code")
    #expect(
        even.kind
            == .mix(
                WorkloadSpec(name: "azure-conv", kind: .azureConv),
                WorkloadSpec(name: "azure-code", kind: .azureCode),
                ratio: 0.5
            )
    )
    let skewed = try WorkloadSpec(parsing: "mix:sharegpt:/tmp/p.jsonl+synthetic:prompt=5-9@0.25")
    #expect(
        skewed.kind
            == .mix(
                WorkloadSpec(name: "sharegpt:/tmp/p.jsonl", kind: .sharegpt(path: "/tmp/p.jsonl")),
                WorkloadSpec(
                    name: "synthetic:prompt=5-9",
                    kind: .synthetic(SyntheticWorkload(promptTokens: 5...9))
                ),
                ratio: 0.25
            )
    )
}

@Test func rejectsBadSpecsNamingTheSpec() {
    let forms =
        "expected azure-conv, azure-code, sharegpt, vidur, mooncake, azure:PATH, sharegpt:PATH, vidur:PATH, "
        + "mooncake:PATH, synthetic[:prompt=A-B,output=C-D,count=N] or mix:A+B[@RATIO]"
    let cases: [(String, String)] = [
        ("", "Workload spec '': the spec is empty; \(forms)."),
        ("azure", "Workload spec 'azure': unknown workload 'azure'; \(forms)."),
        ("foo:bar", "Workload spec 'foo:bar': unknown workload 'foo:bar'; \(forms)."),
        ("azure:", "Workload spec 'azure:': 'azure:' needs a file path after the colon."),
        (
            "synthetic:prompt=9-3",
            "Workload spec 'synthetic:prompt=9-3': prompt '9-3' is not a token range A-B with 1 <= A <= B."
        ),
        (
            "synthetic:output=0",
            "Workload spec 'synthetic:output=0': output '0' is not a token range A-B with 1 <= A <= B."
        ),
        (
            "synthetic:rate=3",
            "Workload spec 'synthetic:rate=3': unknown synthetic key 'rate' (keys: prompt, output, count)."
        ),
        ("synthetic:count=x", "Workload spec 'synthetic:count=x': count 'x' is not a positive integer."),
        ("synthetic:count=1,count=2", "Workload spec 'synthetic:count=1,count=2': 'count' is given twice."),
        (
            "synthetic:prompt",
            "Workload spec 'synthetic:prompt': 'prompt' is not KEY=VALUE (keys: prompt, output, count)."
        ),
        (
            "mix:azure-conv",
            "Workload spec 'mix:azure-conv': a mix needs two workloads joined by '+', as in "
                + "mix:azure-conv+azure-code@0.3."
        ),
        (
            "mix:azure-conv+azure-code@1.5",
            "Workload spec 'mix:azure-conv+azure-code@1.5': the mix ratio '1.5' is not a number strictly between "
                + "0 and 1."
        ),
        (
            "mix:azure-conv+nope",
            "Workload spec 'mix:azure-conv+nope': unknown workload 'nope'; \(forms)."
        ),
        (
            "mix:mix:a+b",
            "Workload spec 'mix:mix:a+b': a mix cannot contain another mix."
        ),
    ]
    for (text, message) in cases {
        #expect(throws: WorkloadError.self) { try WorkloadSpec(parsing: text) }
        do {
            _ = try WorkloadSpec(parsing: text)
        } catch {
            #expect("\(error)" == message)
        }
    }
}

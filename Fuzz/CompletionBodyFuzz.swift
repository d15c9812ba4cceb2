import Foundation

// libFuzzer target: OpenAI request bodies, both endpoints. Built by Scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompletionBody(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    for endpoint in CompletionEndpoint.allCases {
        if let body = try? CompletionRequest.parse(data, endpoint: endpoint, estimateTokens: { $0.utf8.count / 4 }),
            body.promptTokens < 1 || (body.maxTokens ?? 1) < 1
        {
            fatalError(
                "CompletionRequest: prompt tokens \(body.promptTokens), max tokens \(String(describing: body.maxTokens))"
            )
        }
    }
    return 0
}

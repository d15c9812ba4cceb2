import Foundation

// libFuzzer target: OpenAI request bodies, both endpoints. Built by Scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompletionBody(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    for endpoint in [CompletionBody.Endpoint.completions, .chat] {
        if let body = try? CompletionBody.parse(data, endpoint: endpoint, estimateTokens: { $0.utf8.count / 4 }),
            body.promptTokens < 0
        {
            fatalError("CompletionBody: negative prompt tokens")
        }
    }
    return 0
}

import Foundation

// libFuzzer target: Azure trace CSV text after a valid header. Built by Scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAzureTrace(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var data = Data("TIMESTAMP,ContextTokens,GeneratedTokens\n".utf8)
    data.append(Data(bytes: start, count: count))
    // Either requests with sane fields or an error naming the line; never a crash.
    if let requests = try? AzureTraceReader.parse(data, fileName: "fuzz.csv", hint: nil) {
        for request in requests where request.promptTokens < 0 || request.outputTokens < 0 || !request.arrival.isFinite
        {
            fatalError(
                "Azure trace: accepted a request with prompt \(request.promptTokens), output \(request.outputTokens), arrival \(request.arrival)"
            )
        }
    }
    return 0
}

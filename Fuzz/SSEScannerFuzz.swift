// libFuzzer target: SSEScanner on arbitrary bytes, fed whole and in pieces. Built by Scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSEScanner(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    var whole = SSEScanner()
    let total = whole.feed(bytes) + whole.finish()
    // The same bytes in pieces of varying size must count the same.
    var pieces = SSEScanner()
    var counted = 0
    var offset = 0
    var size = 1
    while offset < count {
        let end = min(count, offset + size)
        counted += pieces.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
        offset = end
        size = size % 7 + 1
    }
    counted += pieces.finish()
    if counted != total || whole.done != pieces.done || whole.completionTokens != pieces.completionTokens {
        fatalError("SSEScanner: whole \(total) vs pieces \(counted)")
    }
    return 0
}

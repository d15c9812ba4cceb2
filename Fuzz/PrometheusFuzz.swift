// libFuzzer target: the Prometheus text parser on arbitrary bytes, lenient and strict. Built by Scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPrometheus(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let parser = PrometheusTextParser()
    let lenient = parser.parse(utf8: bytes)
    if let strict = try? parser.parseStrict(utf8: bytes), strict.samples.count != lenient.samples.count {
        fatalError("Prometheus: strict parse kept \(strict.samples.count) samples, lenient \(lenient.samples.count)")
    }
    return 0
}

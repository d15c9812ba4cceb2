import Foundation
import SwitchyardCore
import Testing
import Workload

@Test func readsPrefillAndDecodeTokens() throws {
    let text = """
        num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio
        3772,54,3826,69.85185185185185
        2015,156,2171,12.916666666666666
        """
    let requests = try VidurTraceReader.parse(text, fileName: "v.csv", hint: "vidur")
    #expect(requests.map(\.promptTokens) == [3772, 2015])
    #expect(requests.map(\.outputTokens) == [54, 156])
    #expect(requests.map(\.id.rawValue) == [0, 1])
    #expect(requests.allSatisfy { $0.arrival == 0 && $0.hint == "vidur" })
}

@Test func needsOnlyThePrefillAndDecodeColumns() throws {
    let requests = try VidurTraceReader.parse(
        "num_decode_tokens,num_prefill_tokens\n5,7\n",
        fileName: "v.csv",
        hint: nil
    )
    #expect(requests.first?.promptTokens == 7)
    #expect(requests.first?.outputTokens == 5)
}

@Test func reportsVidurErrorsWithLineAndField() {
    let cases: [(String, String)] = [
        (
            "num_prefill_tokens,num_decode_tokens\n10,2.5\n",
            "arxiv.csv line 2, field num_decode_tokens: '2.5' is not a non-negative integer."
        ),
        (
            "num_prefill_tokens,decode\n10,2\n",
            "arxiv.csv line 1: the header has no column 'num_decode_tokens' (found 'num_prefill_tokens,decode')."
        ),
        (
            "num_prefill_tokens,num_decode_tokens\n10,2\n10,2,3\n",
            "arxiv.csv line 3: expected 2 comma-separated fields as in the header, found 3."
        ),
        ("", "arxiv.csv is empty; expected a header line 'num_prefill_tokens,num_decode_tokens'."),
    ]
    for (text, message) in cases {
        #expect(throws: WorkloadError.self) { try VidurTraceReader.parse(text, fileName: "arxiv.csv", hint: nil) }
        do {
            _ = try VidurTraceReader.parse(text, fileName: "arxiv.csv", hint: nil)
        } catch {
            #expect("\(error)" == message)
        }
    }
}

@Test(.enabled(if: SharedData.has(SharedData.vidur), "full Vidur arXiv trace not found under SWITCHYARD_DATA"))
func loadsTheFullVidurTrace() throws {
    let requests = try VidurTraceReader.load(path: SharedData.path(SharedData.vidur), hint: "vidur")
    #expect(requests.count == 28_257)
    let meanPrompt = Double(requests.map(\.promptTokens).reduce(0, +)) / Double(requests.count)
    #expect(abs(meanPrompt - 2588) < 1)
}

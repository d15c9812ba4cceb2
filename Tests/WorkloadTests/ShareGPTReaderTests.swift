import Foundation
import SwitchyardCore
import Testing
import Workload

/// The description of the error that reading `text` as `pairs.jsonl` throws, or nil when it reads.
private func shareGPTError(_ text: String) -> String? {
    do {
        _ = try ShareGPTReader.records(text, fileName: "pairs.jsonl")
        return nil
    } catch {
        return "\(error)"
    }
}

@Test func readsRecordsWithGemmaCounts() throws {
    let text = """
        {"id": "a_0", "turn_index": 0, "prompt": "Hello there", "response": "Hi!", \
        "prompt_tokens_gemma3": 3, "response_tokens_gemma3": 4}
        {"id": "b_0", "prompt": "日本語", "prompt_tokens_gemma3": 2, "response_tokens_gemma3": 900}

        """
    let records = try ShareGPTReader.records(text, fileName: "pairs.jsonl")
    #expect(
        records == [
            ShareGPTRecord(id: "a_0", prompt: "Hello there", response: "Hi!", promptTokens: 3, responseTokens: 4),
            ShareGPTRecord(id: "b_0", prompt: "日本語", response: nil, promptTokens: 2, responseTokens: 900),
        ]
    )
    let requests = ShareGPTReader.requests(from: records, hint: "sharegpt")
    #expect(requests.map(\.id.rawValue) == [0, 1])
    #expect(requests.map(\.text) == ["Hello there", "日本語"])
    #expect(requests.map(\.outputTokens) == [4, 900])
    #expect(requests.allSatisfy { $0.arrival == 0 && $0.hint == "sharegpt" })
}

@Test func estimatesMissingCountsFromText() throws {
    let text =
        #"{"id": "x", "prompt": "Write a poem about the sea.", "response": "The sea, the sea.", "#
        + #""prompt_tokens_gemma3": null}"#
    let record = try #require(try ShareGPTReader.records(text, fileName: "p.jsonl").first)
    #expect(record.promptTokens == TokenEstimator.estimate("Write a poem about the sea."))
    #expect(record.responseTokens == TokenEstimator.estimate("The sea, the sea."))
}

@Test func clampsEmptyPromptsToOneToken() throws {
    let requests = try ShareGPTReader.parse(
        #"{"id": "x", "prompt": "", "prompt_tokens_gemma3": 0, "response_tokens_gemma3": 0}"#,
        fileName: "p.jsonl",
        hint: nil
    )
    #expect(requests[0].promptTokens == 1)
    #expect(requests[0].outputTokens == 1)
}

@Test func honoursTheRecordLimit() throws {
    let line = #"{"id": "x", "prompt": "p", "prompt_tokens_gemma3": 1, "response_tokens_gemma3": 1}"#
    let text = Array(repeating: line, count: 5).joined(separator: "\n")
    #expect(try ShareGPTReader.records(text, fileName: "p.jsonl", limit: 3).count == 3)
}

@Test func reportsInvalidJSONWithLine() {
    let text = #"{"id": "a", "prompt": "p", "response_tokens_gemma3": 1}"# + "\n{\"id\": oops}\n"
    #expect(shareGPTError(text) == "pairs.jsonl line 2: not a valid JSON object (the line is not valid JSON).")
}

@Test func reportsALineThatIsNotAnObject() {
    #expect(shareGPTError("[1, 2]\n") == "pairs.jsonl line 1: not a valid JSON object (the line is not an object).")
}

@Test func reportsAMissingField() {
    #expect(
        shareGPTError(#"{"id": "a", "response_tokens_gemma3": 1}"#)
            == "pairs.jsonl line 1, field prompt: the field is missing."
    )
}

@Test func reportsAMissingReplyCountWithoutText() {
    #expect(
        shareGPTError(#"{"id": "a", "prompt": "p"}"#)
            == "pairs.jsonl line 1, field response_tokens_gemma3: the field is missing."
    )
}

@Test func reportsAWronglyTypedCount() {
    #expect(
        shareGPTError(#"{"id": "a", "prompt": "p", "prompt_tokens_gemma3": "many", "response_tokens_gemma3": 1}"#)
            == "pairs.jsonl line 1, field prompt_tokens_gemma3: expected a non-negative integer."
    )
}

@Test func reportsANegativeCount() {
    #expect(
        shareGPTError(#"{"id": "a", "prompt": "p", "prompt_tokens_gemma3": 5, "response_tokens_gemma3": -3}"#)
            == "pairs.jsonl line 1, field response_tokens_gemma3: '-3' is not a non-negative integer."
    )
}

@Test func reportsAnEmptyJSONLinesFile() {
    #expect(shareGPTError("") == "pairs.jsonl is empty; expected one JSON object per line.")
    #expect(shareGPTError("\n \n") == "pairs.jsonl is empty; expected one JSON object per line.")
}

@Test(.enabled(if: SharedData.has(SharedData.sharegpt), "full ShareGPT pairs not found under SWITCHYARD_DATA"))
func loadsTheFullShareGPTPairs() throws {
    let records = try ShareGPTReader.loadRecords(path: SharedData.path(SharedData.sharegpt))
    #expect(records.count == 11_128)
    #expect(records.first?.id == "QWJhYvA_0")
    #expect(records.allSatisfy { $0.response != nil })
    let meanResponse = Double(records.map(\.responseTokens).reduce(0, +)) / Double(records.count)
    #expect(abs(meanResponse - 287.4) < 0.1)
}

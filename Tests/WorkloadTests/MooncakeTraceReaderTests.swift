import Foundation
import SwitchyardCore
import Testing

@testable import Workload

@Suite struct MooncakeTraceReaderTests {
    @Test func readsArrivalsSizesAndPrefixHashes() throws {
        let text = """
            {"timestamp": 0, "input_length": 1000, "output_length": 50, "hash_ids": [0, 1]}
            {"timestamp": 1500, "input_length": 600, "output_length": 0, "hash_ids": [0, 2]}

            {"timestamp": 1000, "input_length": 10, "output_length": 3, "hash_ids": [7]}
            """
        let requests = try MooncakeTraceReader.parse(text, fileName: "t.jsonl", hint: "mooncake")
        // Sorted by arrival, ids in that order; output at least 1 token.
        #expect(requests.map(\.arrival) == [0, 1, 1.5])
        #expect(requests.map(\.id.rawValue) == [0, 1, 2])
        #expect(requests.map(\.promptTokens) == [1000, 10, 600])
        #expect(requests.map(\.outputTokens) == [50, 3, 1])
        #expect(requests[0].prefix == PrefixHashes(blockTokens: 512, hashes: [0, 1]))
        // The first two share their first 512-token block, so their first 32 vLLM blocks.
        let a = requests[0].prefix
        let b = requests[2].prefix
        #expect(a?.hash(ofBlock: 31, size: 16, promptTokens: 1000) == b?.hash(ofBlock: 31, size: 16, promptTokens: 600))
        #expect(a?.hash(ofBlock: 32, size: 16, promptTokens: 1000) != b?.hash(ofBlock: 32, size: 16, promptTokens: 600))
    }

    @Test(arguments: [
        (#"{"timestamp": 0, "input_length": 10, "output_length": 1}"#, "line 2, field hash_ids", "missing"),
        (
            #"{"timestamp": "x", "input_length": 10, "output_length": 1, "hash_ids": [1]}"#, "line 2, field timestamp",
            "number"
        ),
        (
            #"{"timestamp": 0, "input_length": 0, "output_length": 1, "hash_ids": [1]}"#, "line 2, field input_length",
            "'0'"
        ),
        (
            #"{"timestamp": 0, "input_length": 10, "output_length": 1, "hash_ids": [-3]}"#, "line 2, field hash_ids",
            "'-3'"
        ),
        (
            #"{"timestamp": 0, "input_length": 1100, "output_length": 1, "hash_ids": [1, 2]}"#,
            "line 2, field hash_ids", "3 block hashes"
        ),
        (
            #"{"timestamp": 0, "input_length": 10, "output_length": 1, "hash_ids": "a"}"#, "line 2, field hash_ids",
            "list"
        ),
        ("not json", "line 2", "not valid JSON"),
    ])
    func aMalformedLineIsNamedWithItsNumberAndField(line: String, place: String, words: String) {
        let text = #"{"timestamp": 0, "input_length": 10, "output_length": 1, "hash_ids": [1]}"# + "\n" + line + "\n"
        #expect {
            _ = try MooncakeTraceReader.parse(text, fileName: "trace.jsonl")
        } throws: { error in
            let message = "\(error)"
            return message.contains("trace.jsonl \(place)") && message.contains(words)
        }
    }

    @Test func theBundledSampleLoadsWithItsTimeline() throws {
        let loaded = try WorkloadLoader.load(
            spec: try WorkloadSpec(parsing: "mooncake"),
            dataDirectory: "/nonexistent",
            seed: 1,
            limit: nil,
            environment: [:]
        )
        #expect(loaded.requests.count == 1000)
        #expect(loaded.hasArrivalTimes)
        #expect(loaded.requests.allSatisfy { $0.prefix != nil })
        #expect(loaded.requests.last?.arrival == 330)
    }
}

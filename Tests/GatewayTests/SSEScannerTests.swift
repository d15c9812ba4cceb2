import Foundation
import Testing

@testable import Gateway

@Suite struct SSEScannerTests {
    static let samples: [(file: String, textChunks: Int, completionTokens: Int?)] = [
        ("vllm_chat_stream.txt", 4, nil),
        ("llamacpp_completions_stream.txt", 8, 8),
        ("llamacpp_chat_stream.txt", 8, 8),
    ]

    @Test(arguments: samples.map(\.file))
    func countsRealEngineStreamsWholeAndInEveryPieceSize(file: String) throws {
        let expected = try #require(Self.samples.first { $0.file == file })
        let bytes = Array(try SampleFiles.fixture(file).utf8)
        for size in [1, 2, 3, 7, 64, 1000, bytes.count] {
            var scanner = SSEScanner()
            var reported = 0
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + size)
                reported += scanner.feed(bytes[start..<end])
                start = end
            }
            #expect(scanner.textChunks == expected.textChunks, "piece size \(size)")
            #expect(reported == expected.textChunks)
            #expect(scanner.done, "piece size \(size)")
            #expect(!scanner.sawError)
            #expect(scanner.completionTokens == expected.completionTokens)
        }
    }

    @Test func roleAndEmptyChunksAreNotTokens() {
        var scanner = SSEScanner()
        scanner.feed(Array(#"data: {"choices":[{"delta":{"role":"assistant","content":""}}]}"#.utf8) + [10, 10])
        scanner.feed(Array(#"data: {"choices":[{"delta":{"content": "hi"}}]}"#.utf8) + [10, 10])
        #expect(scanner.textChunks == 1)
        #expect(!scanner.done)
    }

    @Test func aTruncatedStreamIsNotDone() throws {
        let text = try SampleFiles.fixture("vllm_chat_stream.txt")
        let cut = text.replacingOccurrences(of: "data: [DONE]", with: "")
        var scanner = SSEScanner()
        scanner.feed(Array(cut.utf8))
        #expect(!scanner.done)
        #expect(scanner.textChunks == 4)
    }

    @Test func errorEventsAreNoticed() {
        var scanner = SSEScanner()
        scanner.feed(Array("data: {\"error\": {\"message\": \"boom\"}}\n\n".utf8))
        #expect(scanner.sawError)
        var event = SSEScanner()
        event.feed(Array("event: error\ndata: {}\n\n".utf8))
        #expect(event.sawError)
    }

    @Test func usageWithSpacesAndCRLF() {
        var scanner = SSEScanner()
        scanner.feed(
            Array("data: {\"choices\": [], \"usage\": {\"completion_tokens\": 12, \"prompt_tokens\": 5}}\r\n\r\n".utf8)
        )
        scanner.feed(Array("data: [DONE]\r\n\r\n".utf8))
        #expect(scanner.completionTokens == 12)
        #expect(scanner.promptTokens == 5)
        #expect(scanner.done)
    }

    @Test func garbageAndOverlongLinesAreIgnored() {
        var scanner = SSEScanner()
        scanner.feed(Array(repeating: UInt8(ascii: "x"), count: 3 << 20))
        scanner.feed([10])
        scanner.feed(Array(": comment\nid: 4\ndata: not json \"text\":\"x\n\n".utf8))
        #expect(scanner.textChunks == 1)
        #expect(!scanner.done)
        #expect(scanner.completionTokens == nil)
    }

    @Test func aLastLineWithoutNewlineIsHandledAtFinish() {
        var scanner = SSEScanner()
        scanner.feed(Array("data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: [DONE]".utf8))
        #expect(!scanner.done)
        scanner.finish()
        #expect(scanner.done)
        #expect(scanner.textChunks == 1)
    }

    @Test func reasoningAndToolCallChunksAreTokens() {
        var scanner = SSEScanner()
        scanner.feed(Array(#"data: {"choices":[{"delta":{"reasoning_content":"hmm"}}]}"#.utf8) + [10])
        scanner.feed(
            Array(#"data: {"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{\"x"}}]}}]}"#.utf8) + [10]
        )
        scanner.feed(Array(#"data: {"choices":[{"delta":{"reasoning_content":null,"content":""}}]}"#.utf8) + [10])
        #expect(scanner.textChunks == 2)
    }
}

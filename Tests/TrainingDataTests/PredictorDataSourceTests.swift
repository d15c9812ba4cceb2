import Foundation
import Routing
import Testing
import TrainingData

@Suite struct PredictorDataSourceTests {
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "training-data-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aMissingPathOrAnEmptyDirectoryIsNamed() throws {
        #expect {
            _ = try PredictorDataSource.resolve("/nonexistent/data")
        } throws: { "\($0)".contains("/nonexistent/data") }
        let empty = try scratch()
        #expect {
            _ = try PredictorDataSource.resolve(empty)
        } throws: { "\($0)".contains(empty) && "\($0)".contains("AzureLLMInferenceTrace_") }
    }

    @Test func aDirectoryOfAzureTracesSplitsEachByTimeWithItsService() throws {
        let directory = try scratch()
        for (name, count) in [("code", 10), ("conv", 20)] {
            var csv = "TIMESTAMP,ContextTokens,GeneratedTokens\n"
            for i in 0..<count { csv += "2023-11-16 18:15:\(String(format: "%02d", i)).000000,\(100 + i),\(10 + i)\n" }
            try csv.write(toFile: "\(directory)/AzureLLMInferenceTrace_\(name).csv", atomically: true, encoding: .utf8)
        }
        let source = try PredictorDataSource.resolve(directory)
        guard case .azure(let files) = source else {
            Issue.record("expected Azure traces, got \(source)")
            return
        }
        #expect(files.map(\.hint) == ["code", "conv"])
        #expect(!source.hasText)
        let split = try source.load(testFraction: 0.3, seed: 1)
        #expect(split.train.count == 7 + 14 && split.test.count == 3 + 6)
        // By time: the held-out requests are each trace's last ones.
        #expect(split.test.filter { $0.features.hint == "conv" }.map(\.outputTokens) == [24, 25, 26, 27, 28, 29])
    }

    @Test func shareGPTPartsOfOneConversationShareAGroup() {
        #expect(PredictorDataSource.conversation("abc_0") == "abc")
        #expect(PredictorDataSource.conversation("abc_12") == "abc")
        #expect(PredictorDataSource.conversation("plain") == "plain")
    }

    @Test func aMalformedAlpacaEvalRowNamesItsLine() throws {
        let path = try scratch() + "/alpaca.jsonl"
        let good = #"{"instruction":"Say hi","generator":"m","output_tokens_gemma3":5}"#
        try (good + "\n" + #"{"instruction":"x"}"# + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try AlpacaEvalFile.load(path: path)
        } throws: { "\($0)".contains("line 2") && "\($0)".contains(path) }
        try (good + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let rows = try AlpacaEvalFile.load(path: path)
        #expect(rows.count == 1 && rows[0].generator == "m" && rows[0].example.outputTokens == 5)
    }
}

import Foundation
import SwitchyardCore
import Testing
import Workload

@Test func countsWordsSymbolsAndDigits() {
    #expect(TokenEstimator.estimate("") == 0)
    #expect(TokenEstimator.estimate("   \n") == 0)
    #expect(TokenEstimator.estimate("Hello") == 1)
    #expect(TokenEstimator.estimate("Hello, world!") == 4)
    #expect(TokenEstimator.estimate("don't") == 3)
    #expect(TokenEstimator.estimate("2023") == 4)
    #expect(TokenEstimator.estimate("café") == 2)
}

@Test func countsCJKAtSevenTenthsOfATokenEach() {
    #expect(TokenEstimator.estimate("日本語") == 2)
    #expect(TokenEstimator.estimate("你好世界你好世界你好") == 7)
    #expect(TokenEstimator.estimate("中") == 1)
}

/// The mean absolute percentage error of the estimator over (text, true count) pairs.
private func meanAbsolutePercentageError(_ pairs: [(String, Int)]) -> Double {
    let errors = pairs.filter { $0.1 > 0 }.map { text, count in
        abs(Double(TokenEstimator.estimate(text) - count)) / Double(count)
    }
    return errors.reduce(0, +) / Double(errors.count)
}

@Test func staysWithinItsDocumentedErrorOnTheBundledPrompts() throws {
    let workload = try WorkloadLoader.load(
        spec: WorkloadSpec(parsing: "sharegpt"),
        dataDirectory: "/nonexistent",
        seed: 0,
        limit: nil
    )
    // Prompts of 2,000 characters or more were cut in the sample, so their counts no longer match their text.
    let pairs = workload.requests.compactMap { request in
        request.text.flatMap { $0.count < 2000 ? ($0, request.promptTokens) : nil }
    }
    #expect(pairs.count > 700)
    let error = meanAbsolutePercentageError(pairs)
    print("TokenEstimator mean absolute % error on \(pairs.count) bundled prompts: \(error * 100)")
    #expect(error < 0.08)
}

@Test(.enabled(if: SharedData.has(SharedData.sharegpt), "full ShareGPT pairs not found under SWITCHYARD_DATA"))
func matchesTheMeasuredErrorOnTheFullShareGPTPairs() throws {
    let records = try ShareGPTReader.loadRecords(path: SharedData.path(SharedData.sharegpt))
    let prompts = records.map { ($0.prompt, $0.promptTokens) }
    let responses = records.compactMap { record in record.response.map { ($0, record.responseTokens) } }
    let all = meanAbsolutePercentageError(prompts + responses)
    print(
        "TokenEstimator mean absolute % error: all \(all * 100), prompts "
            + "\(meanAbsolutePercentageError(prompts) * 100), responses \(meanAbsolutePercentageError(responses) * 100)"
    )
    #expect(abs(all - 0.062) < 0.002)
}

import Foundation
import SwitchyardCore
import Testing
import Workload

/// The mean and coefficient of variation of consecutive gaps.
private func gapStatistics(_ times: [Double], start: Double = 0) -> (mean: Double, cv: Double) {
    let gaps = zip([start] + times, times).map { $1 - $0 }
    let mean = gaps.reduce(0, +) / Double(gaps.count)
    let variance = gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count - 1)
    return (mean, variance.squareRoot() / mean)
}

private func requests(_ count: Int) -> [Request] {
    (0..<count).map { Request(id: RequestID($0), arrival: 0, promptTokens: 10 + $0, outputTokens: 5) }
}

@Test func poissonArrivalsHaveTheRequestedMeanRate() {
    var rng = SeededGenerator(seed: 1)
    let times = ArrivalProcess.poisson(rate: 8).arrivalTimes(count: 50_000, using: &rng)
    let stats = gapStatistics(times)
    #expect(abs(1 / stats.mean - 8) / 8 < 0.02)
    #expect(abs(stats.cv - 1) < 0.03)
    #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
}

@Test(arguments: [0.5, 1.0, 2.0, 4.0])
func gammaArrivalsHaveTheRequestedRateAndCV(cv: Double) {
    var rng = SeededGenerator(seed: 3)
    let times = ArrivalProcess.gamma(rate: 5, cv: cv).arrivalTimes(count: 200_000, startingAt: 10, using: &rng)
    let stats = gapStatistics(times, start: 10)
    #expect(abs(1 / stats.mean - 5) / 5 < 0.05, "rate \(1 / stats.mean)")
    #expect(abs(stats.cv - cv) / cv < 0.1, "cv \(stats.cv)")
    #expect(times.allSatisfy { $0 >= 10 })
}

@Test func arrivalsAreDeterministicForASeed() {
    for process in [ArrivalProcess.poisson(rate: 3), .gamma(rate: 3, cv: 2.5)] {
        var a = SeededGenerator(seed: 99)
        var b = SeededGenerator(seed: 99)
        var c = SeededGenerator(seed: 100)
        let first = process.arrivalTimes(count: 100, using: &a)
        #expect(first == process.arrivalTimes(count: 100, using: &b))
        #expect(first != process.arrivalTimes(count: 100, using: &c))
    }
}

@Test func assigningArrivalsKeepsIdsSizesAndOrder() {
    var rng = SeededGenerator(seed: 5)
    let original = requests(20)
    let timed = ArrivalProcess.poisson(rate: 2).assigningArrivals(to: original, startingAt: 100, using: &rng)
    #expect(timed.map(\.id) == original.map(\.id))
    #expect(timed.map(\.promptTokens) == original.map(\.promptTokens))
    #expect(timed.allSatisfy { $0.arrival > 100 })
    #expect(zip(timed, timed.dropFirst()).allSatisfy { $0.arrival <= $1.arrival })
}

@Test func rescalingMultipliesEveryGapAndHitsTheTargetRate() throws {
    var trace = requests(4)
    for (index, arrival) in [2.0, 2.5, 4.0, 8.0].enumerated() { trace[index].arrival = arrival }
    #expect(ArrivalProcess.meanRate(of: trace) == 0.5)
    let faster = ArrivalProcess.rescale(trace, toMeanRate: 2)
    #expect(faster.map(\.arrival) == [2.0, 2.125, 2.5, 3.5])
    #expect(try #require(ArrivalProcess.meanRate(of: faster)) == 2)
    #expect(faster.map(\.id) == trace.map(\.id))
}

@Test func rescalingADegenerateTraceChangesNothing() {
    let single = requests(1)
    #expect(ArrivalProcess.rescale(single, toMeanRate: 3) == single)
    let simultaneous = requests(3)
    #expect(ArrivalProcess.meanRate(of: simultaneous) == nil)
    #expect(ArrivalProcess.rescale(simultaneous, toMeanRate: 3) == simultaneous)
}

@Test func rescalingTheAzureCodeSampleKeepsItsBurstiness() throws {
    let workload = try WorkloadLoader.load(
        spec: WorkloadSpec(parsing: "azure-code"),
        dataDirectory: "/nonexistent",
        seed: 0,
        limit: nil
    )
    let rescaled = ArrivalProcess.rescale(workload.requests, toMeanRate: 10)
    let before = gapStatistics(Array(workload.requests.map(\.arrival).dropFirst()), start: 0)
    let after = gapStatistics(Array(rescaled.map(\.arrival).dropFirst()), start: 0)
    #expect(abs(1 / after.mean - 10) < 1e-6)
    #expect(abs(after.cv - before.cv) < 1e-6)
}

@Test func validationRejectsNonPositiveParameters() {
    #expect(throws: Never.self) { try ArrivalProcess.gamma(rate: 1, cv: 3).validate() }
    #expect(throws: WorkloadError.self) { try ArrivalProcess.poisson(rate: 0).validate() }
    #expect(throws: WorkloadError.self) { try ArrivalProcess.gamma(rate: 1, cv: -1).validate() }
    #expect(throws: WorkloadError.self) { try ArrivalProcess.poisson(rate: .infinity).validate() }
    do {
        try ArrivalProcess.gamma(rate: 2, cv: 0).validate()
    } catch {
        #expect("\(error)" == "Arrival process cv must be a positive, finite number, not 0.0.")
    }
}

import SwitchyardCore
import Testing
import Workload

@Test(arguments: [BurstKind.prefillHeavy, .decodeHeavy, .mixed])
func burstsStayWithinTheirDocumentedShape(kind: BurstKind) {
    var rng = SeededGenerator(seed: 11)
    let burst = BurstShape.requests(kind, startingAt: 30, firstID: 500, rng: &rng)
    #expect(burst.count == 48)
    #expect(burst.map(\.id.rawValue) == Array(500..<548))
    #expect(burst.allSatisfy { $0.arrival >= 30 && $0.arrival < 31 && $0.hint == "burst" && $0.text == nil })
    #expect(zip(burst, burst.dropFirst()).allSatisfy { $0.arrival <= $1.arrival })
    let shapes = BurstShape.shapes(for: kind)
    for (index, request) in burst.enumerated() {
        let shape = shapes[index % shapes.count]
        #expect(shape.promptTokens.contains(request.promptTokens))
        #expect(shape.outputTokens.contains(request.outputTokens))
    }
}

@Test func burstShapesMatchTheirDocumentation() {
    #expect(
        BurstShape.prefillHeavy == BurstShape(count: 48, duration: 1, promptTokens: 2000...6000, outputTokens: 8...64)
    )
    #expect(
        BurstShape.decodeHeavy == BurstShape(count: 48, duration: 1, promptTokens: 50...300, outputTokens: 400...1500)
    )
    #expect(BurstShape.shapes(for: .mixed) == [.prefillHeavy, .decodeHeavy])
}

@Test func mixedBurstsAlternatePrefillAndDecodeHeavyRequests() {
    var rng = SeededGenerator(seed: 4)
    let burst = BurstShape.requests(.mixed, startingAt: 0, firstID: 0, rng: &rng)
    #expect(
        burst.enumerated().allSatisfy { index, request in
            index.isMultiple(of: 2) ? request.promptTokens >= 2000 : request.outputTokens >= 400
        }
    )
}

@Test func burstsAreDeterministicForASeed() {
    var a = SeededGenerator(seed: 8)
    var b = SeededGenerator(seed: 8)
    #expect(
        BurstShape.requests(.prefillHeavy, startingAt: 1, firstID: 0, rng: &a)
            == BurstShape.requests(.prefillHeavy, startingAt: 1, firstID: 0, rng: &b)
    )
}

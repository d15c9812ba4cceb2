import RouterCore
import Testing

@Suite struct RouterQueueTests {
    @Test func firstInFirstOutPerArmWithOnlyTheHeadAskingAgain() {
        var queue = RouterQueue()
        queue.append(.init(id: 1))
        queue.append(.init(id: 2))
        queue.append(.init(id: 3, arm: 1))
        queue.append(.init(id: 4, arm: 1))
        #expect(queue.heads() == [1, 3])
        #expect(queue.waitsBehind(2, arm: 0, eligible: nil))
        #expect(!queue.waitsBehind(1, arm: 0, eligible: nil))
        #expect(queue.waitsBehind(5, arm: 1, eligible: nil), "a new arrival of arm 1 waits behind 3")
        #expect(queue.count(arm: 0) == 2 && queue.count(arm: 1) == 2)
        queue.remove(id: 1)
        #expect(queue.heads() == [2, 3])
        #expect(queue.removeFirst().id == 2)
        #expect(queue.first?.id == 3)
    }

    @Test func requestsForOtherInstancesDoNotWaitBehindAHeldOne() {
        var queue = RouterQueue()
        queue.append(.init(id: 1, eligible: [0]))
        queue.append(.init(id: 2, eligible: [1]))
        queue.append(.init(id: 3, eligible: [0, 1]))
        queue.append(.init(id: 4, eligible: [2]))
        // 2 and 4 want other instances than the requests ahead of them; 3 overlaps both.
        #expect(queue.heads() == [1, 2, 4])
        #expect(!queue.waitsBehind(9, arm: 0, eligible: [3]))
        #expect(queue.waitsBehind(9, arm: 0, eligible: [2]))
        #expect(queue.waitsBehind(9, arm: 0, eligible: nil))
        queue.append(.init(id: 5))
        #expect(queue.heads() == [1, 2, 4], "a request for any instance waits behind all of them")
    }
}

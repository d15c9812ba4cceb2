import SwitchyardCore
import Testing

@testable import Workload

@Suite struct ConversationBurstTests {
    @Test func laterTurnsExtendEarlierOnesAndEveryChatSharesTheSystemPrompt() {
        var rng = SeededGenerator(seed: 3)
        let turns = ConversationBurst.turns(startingAt: 10, words: BundledPrompts.words, rng: &rng)
        #expect(turns.count == ConversationBurst.conversations * ConversationBurst.turns)
        #expect(turns.map(\.arrival) == turns.map(\.arrival).sorted())
        #expect(turns.allSatisfy { $0.arrival >= 10 && $0.messages.first?.role == "system" })
        let requests = turns.enumerated().map { ConversationBurst.request($0.element, id: $0.offset) }
        // A turn's prefix starts with the whole prefix of the same chat's previous turn, except its last block.
        let byChat = Dictionary(grouping: requests.indices) { turns[$0].messages[1].content }
        #expect(byChat.count == ConversationBurst.conversations)
        for indices in byChat.values {
            let ordered = indices.sorted { turns[$0].messages.count < turns[$1].messages.count }
            for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                let a = requests[earlier].prefix?.hashes ?? []
                let b = requests[later].prefix?.hashes ?? []
                #expect(a.count > 2 && b.count > a.count)
                #expect(Array(b.prefix(a.count - 1)) == Array(a.dropLast()))
            }
        }
        // Different chats share the system prompt's blocks and no more.
        let firsts = byChat.values.map { requests[$0.min() ?? 0].prefix?.hashes ?? [] }
        let shared = zip(firsts[0], firsts[1]).prefix { $0 == $1 }.count
        #expect(shared >= ConversationBurst.systemPromptTokens / 16 - 2)
        #expect(shared < firsts[0].count)
    }

    @Test func theBurstKindMakesThem() {
        var rng = SeededGenerator(seed: 1)
        let requests = BurstShape.requests(.conversation, startingAt: 0, firstID: 100, rng: &rng)
        #expect(requests.count == 32)
        #expect(requests.map(\.id.rawValue) == Array(100..<132))
        #expect(requests.allSatisfy { $0.prefix != nil && $0.hint == "burst" })
    }
}

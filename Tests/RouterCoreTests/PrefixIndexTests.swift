import RouterCore
import SwitchyardCore
import Testing

@Suite struct PrefixIndexTests {
    let a = PrefixHashes(blockTokens: 100, hashes: [1, 2, 3, 4])
    let b = PrefixHashes(blockTokens: 100, hashes: [1, 2, 9])

    @Test func matchesTheLeadingRunSentToEachInstance() {
        var index = PrefixIndex(capacityTokens: [10_000, 10_000])
        index.record(a, promptTokens: 400, at: 0, now: 0)
        #expect(index.cachedTokens(of: b, promptTokens: 300, at: 0, now: 1) == 200, "blocks 1 and 2, not 9")
        #expect(index.cachedTokens(of: b, promptTokens: 300, at: 1, now: 1) == 0, "nothing was sent to 1")
        #expect(index.cachedTokens(of: a, promptTokens: 400, at: 0, now: 1) == 399, "the last token is always computed")
        #expect(index.tokens(at: 0) == 400 && index.tokens(at: 1) == 0)
    }

    @Test func isBoundedLeastRecentlyUsedFirstAndAged() {
        var index = PrefixIndex(capacityTokens: [450], maxAge: 60)
        index.record(a, promptTokens: 400, at: 0, now: 0)
        // b's new block 9 makes 500 tokens, over 450: the least recently used block (3) goes, not the refreshed 1, 2.
        index.record(b, promptTokens: 300, at: 0, now: 1)
        #expect(index.tokens(at: 0) == 400)
        #expect(index.cachedTokens(of: a, promptTokens: 400, at: 0, now: 2) == 200)
        #expect(index.cachedTokens(of: b, promptTokens: 300, at: 0, now: 2) == 299)
        // Past the age limit a block counts as gone, before and after a trim.
        #expect(index.cachedTokens(of: b, promptTokens: 300, at: 0, now: 62) == 0)
        index.trim(now: 62)
        #expect(index.tokens(at: 0) == 0)
    }
}

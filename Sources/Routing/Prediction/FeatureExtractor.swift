import Foundation

/// Receives the features of one prompt, one at a time, so that prediction can sum weights without building arrays.
protocol FeatureSink {
    /// An explicit feature: a row of Float32 weights and the feature's value.
    mutating func explicit(_ row: Int, _ value: Float)
    /// One occurrence of a hashed text feature, a row in `0..<config.hashedRows`; its value is 1/√n for the n
    /// occurrences of the prompt, applied by the sink once n is known.
    mutating func text(_ row: Int)
}

/// Turns a prompt into the features of a ``FeatureConfig``; training and prediction share it, so they cannot drift.
///
/// Text is read as UTF-8 bytes with ASCII letters lowercased. A word is a run of ASCII letters and digits and
/// non-ASCII bytes (so accented and non-Latin words stay whole); every other printable ASCII byte is a one-byte
/// word of its own, so `?`, `:` and code punctuation count. Byte n-grams slide over the first ``FeatureConfig/charBytes``
/// bytes with every whitespace byte read as a space.
struct FeatureExtractor: Sendable {
    let config: FeatureConfig

    /// Namespaces keep feature kinds apart in the one hashed table.
    private static let unigramSpace: UInt64 = 0x5157_4F52_4431
    private static let bigramSpace: UInt64 = 0x5157_4F52_4432
    private static let byteGramSpace: UInt64 = 0x5143_4841_5231

    /// Feeds every feature of `features` to `sink`.
    /// - Complexity: O(min(text bytes, max(wordBytes, charBytes))); no allocation for native strings.
    func extract<Sink: FeatureSink>(_ features: PromptFeatures, into sink: inout Sink) {
        let band = lengthBand(features.promptTokens)
        let logTokens = Float(log1p(Double(max(0, features.promptTokens))) / 10)
        sink.explicit(0, 1)
        sink.explicit(1, logTokens)
        sink.explicit(2, logTokens * logTokens)
        sink.explicit(3 + band, 1)
        if config.hintSlots > 0, let hint = features.hint {
            let slot = Int(StableHash.fnv1a(hint.utf8) % UInt64(config.hintSlots))
            let base = 3 + config.lengthBands + slot * (1 + config.lengthBands)
            sink.explicit(base, 1)
            sink.explicit(base + 1 + band, 1)
        }
        guard config.usesText, var text = features.text else { return }
        text.withUTF8 { bytes in
            if config.wordNGrams > 0 { words(bytes.prefix(config.wordBytes), into: &sink) }
            if config.charNGram > 0 { byteGrams(bytes.prefix(config.charBytes), into: &sink) }
        }
    }

    /// The half-octave band of a prompt length: 0 for 0 or 1 token, then one band per factor √2.
    func lengthBand(_ tokens: Int) -> Int {
        guard tokens > 1 else { return 0 }
        return min(config.lengthBands - 1, Int((2 * log2(Double(tokens))).rounded(.down)))
    }

    private func words<Sink: FeatureSink>(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, into sink: inout Sink) {
        let bits = config.hashBits
        let bigrams = config.wordNGrams >= 2
        var word = WordHash()
        var previous: UInt64 = 0
        var hasPrevious = false

        func emit(_ hash: UInt64) {
            sink.text(StableHash.index(hash, namespace: Self.unigramSpace, bits: bits))
            if bigrams, hasPrevious {
                sink.text(StableHash.index(StableHash.combine(previous, hash), namespace: Self.bigramSpace, bits: bits))
            }
            previous = hash
            hasPrevious = true
        }

        for raw in bytes {
            let byte = Self.lowercased(raw)
            if Self.isWordByte(byte) {
                word.append(byte)
                continue
            }
            if !word.isEmpty {
                emit(word.value)
                word = WordHash()
            }
            if byte > 0x20, byte != 0x7F { emit(StableHash.step(StableHash.basis, byte)) }
        }
        if !word.isEmpty { emit(word.value) }
    }

    private func byteGrams<Sink: FeatureSink>(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, into sink: inout Sink) {
        let n = config.charNGram
        let bits = config.hashBits
        let mask: UInt64 = n >= 8 ? ~0 : (1 << UInt64(8 * n)) - 1
        var window: UInt64 = 0
        var filled = 0
        for raw in bytes {
            let lower = Self.lowercased(raw)
            let byte = lower <= 0x20 || lower == 0x7F ? 0x20 : lower
            window = (window << 8) | UInt64(byte)
            filled += 1
            if filled >= n {
                sink.text(StableHash.index(window & mask, namespace: Self.byteGramSpace, bits: bits))
            }
        }
    }

    @inline(__always)
    private static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    @inline(__always)
    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
    }
}

/// A word's hash built 8 bytes at a time: bytes are packed into a 64-bit word and folded FNV-style once per 8,
/// which keeps the per-byte work to a shift and an or (the per-byte multiply of plain FNV-1a was half of `predict`'s
/// cost on long prompts). Stable across processes like ``StableHash``.
private struct WordHash {
    private var hash = StableHash.basis
    private var packed: UInt64 = 0
    private var length: UInt64 = 0

    var isEmpty: Bool { length == 0 }

    /// The hash of the bytes so far, with the length folded in so `a` and `\0a` differ.
    var value: UInt64 { ((hash ^ packed) &* StableHash.prime) ^ length }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        packed = packed << 8 | UInt64(byte)
        length &+= 1
        if length & 7 == 0 {
            hash = (hash ^ packed) &* StableHash.prime
            packed = 0
        }
    }
}

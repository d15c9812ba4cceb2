/// Estimates a text's token count without a tokenizer, for prompts and responses whose real counts are unknown.
///
/// The rule counts:
/// - 1 token per run of ASCII letters (a word or word piece: `don't` is `don`, `'`, `t`);
/// - 1 token per ASCII digit and per ASCII punctuation or symbol character (whitespace is free);
/// - 0.7 token per CJK, kana, Hangul or full-width character;
/// - 1 token per other non-ASCII character (accented letters, Cyrillic, emoji, typographic quotes).
///
/// The sum is rounded; a non-empty text gets at least 1 token, an empty one 0.
///
/// Calibrated against the Gemma 3 tokenizer counts (`prompt_tokens_gemma3`, `response_tokens_gemma3`) of all 11,128
/// ShareGPT V3 first-turn pairs (22,256 texts): the mean absolute percentage error is 6.2% (median 4.1%); 6.4% on
/// prompts and 6.0% on responses; 7.9% on the 2,167 texts with any non-ASCII character and 10% on the 69 texts that
/// are more than 20% CJK. For comparison, the common `characters / 4` rule has a 20.6% mean error on the same texts:
/// Gemma 3's 262k vocabulary holds most English words whole, so words and symbols predict its count better than
/// length does.
public enum TokenEstimator {
    /// The estimated number of tokens in `text`; see ``TokenEstimator`` for the rule and its measured error.
    /// - Complexity: O(n) in the number of Unicode scalars.
    public static func estimate(_ text: String) -> Int {
        var whole = 0
        var cjk = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A) {
                if !inWord {
                    whole += 1
                    inWord = true
                }
                continue
            }
            inWord = false
            if value < 0x80 {
                if value > 0x20, value != 0x7F { whole += 1 }
            } else if isCJK(value) {
                cjk += 1
            } else {
                whole += 1
            }
        }
        guard whole + cjk > 0 else { return 0 }
        let estimate = Double(whole) + 0.7 * Double(cjk)
        return max(1, Int(estimate.rounded()))
    }

    /// CJK radicals and ideographs, kana, Hangul syllables, compatibility ideographs, full- and half-width forms and
    /// the supplementary ideograph planes.
    private static func isCJK(_ value: UInt32) -> Bool {
        (0x2E80...0x9FFF).contains(value) || (0xAC00...0xD7AF).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0xFF00...0xFFEF).contains(value) || (0x20000...0x3FFFF).contains(value)
    }
}

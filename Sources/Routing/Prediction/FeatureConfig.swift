/// Which features a ``HashedNGramPredictor`` reads, and how many weights each kind gets.
///
/// Features come in two kinds. *Explicit* features have their own Float32 weights: a bias, the log of the prompt
/// tokens and its square, a one-hot half-octave band of the prompt tokens, and, when a hint is given, the hint and
/// the hint crossed with the band (so a service can have its own length curve, as the paper's Random Forest on
/// prompt length and application name did for its production trace). *Text* features are word n-grams and
/// byte n-grams of the prompt, hashed into `1 << hashBits` rows of 8-bit weights and scaled by 1/√n so long and
/// short prompts weigh alike.
public struct FeatureConfig: Sendable, Equatable, Codable {
    /// log2 of the number of hashed text rows (2^18 = 262,144 keeps collisions rare for ~10k training prompts).
    public var hashBits: Int
    /// Word n-grams up to this order: 0 none, 1 unigrams, 2 unigrams and bigrams.
    public var wordNGrams: Int
    /// The byte n-gram length (1...8), or 0 for none. Bytes, not characters, so CJK text without spaces still yields
    /// features and the window packs into one 64-bit word.
    public var charNGram: Int
    /// Words are read from the first this many UTF-8 bytes of the prompt. It bounds `predict`'s cost (about 10 µs
    /// for 2,048 bytes), and the prompt length feature still sees the whole prompt; on ShareGPT, reading 1,024 or
    /// 4,096 bytes instead moved held-out accuracy by less than a point.
    public var wordBytes: Int
    /// Byte n-grams are read from the first this many UTF-8 bytes of the prompt.
    public var charBytes: Int
    /// Half-octave bands of prompt tokens (40 reach 2^20 tokens; longer prompts share the last band).
    public var lengthBands: Int
    /// Hash slots for hints; 0 ignores the hint. Hints are few (tasks, services), so 32 slots rarely collide.
    public var hintSlots: Int
    /// Whether the prompt text is read at all; false makes a prompt-length (and hint) model.
    public var usesText: Bool

    public init(
        hashBits: Int = 18,
        wordNGrams: Int = 2,
        charNGram: Int = 4,
        wordBytes: Int = 2048,
        charBytes: Int = 1024,
        lengthBands: Int = 40,
        hintSlots: Int = 32,
        usesText: Bool = true
    ) {
        self.hashBits = hashBits
        self.wordNGrams = wordNGrams
        self.charNGram = charNGram
        self.wordBytes = wordBytes
        self.charBytes = charBytes
        self.lengthBands = lengthBands
        self.hintSlots = hintSlots
        self.usesText = usesText
    }

    /// Text n-grams, prompt length and hint: the ShareGPT model.
    public static let text = FeatureConfig()
    /// Prompt length alone: the "prompt length only" baseline.
    public static let promptLengthOnly = FeatureConfig(hintSlots: 0, usesText: false)
    /// Prompt length and hint, for traces without text (Azure: the hint is the service, `code` or `conv`).
    public static let promptLengthAndHint = FeatureConfig(usesText: false)

    /// The rows with Float32 weights: bias, log tokens, its square, the bands, and per hint slot one hint row plus
    /// one row per band.
    var explicitRows: Int { 3 + lengthBands + hintSlots * (1 + lengthBands) }

    /// The rows with 8-bit hashed weights; none when text is off.
    var hashedRows: Int { usesText ? 1 << hashBits : 0 }

    /// The limits a model file's `features` must respect, checked on load.
    /// - Returns: the name of the first field out of range and why, or nil when all are valid.
    func firstInvalidField() -> (field: String, reason: String)? {
        if !(8...24).contains(hashBits) { return ("hash_bits", "must be in 8...24, got \(hashBits)") }
        if !(0...2).contains(wordNGrams) { return ("word_ngrams", "must be 0, 1 or 2, got \(wordNGrams)") }
        if !(0...8).contains(charNGram) { return ("char_ngram", "must be in 0...8, got \(charNGram)") }
        if wordBytes < 0 { return ("word_bytes", "must not be negative, got \(wordBytes)") }
        if charBytes < 0 { return ("char_bytes", "must not be negative, got \(charBytes)") }
        if !(1...64).contains(lengthBands) { return ("length_bands", "must be in 1...64, got \(lengthBands)") }
        if !(0...1024).contains(hintSlots) { return ("hint_slots", "must be in 0...1024, got \(hintSlots)") }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case hashBits = "hash_bits"
        case wordNGrams = "word_ngrams"
        case charNGram = "char_ngram"
        case wordBytes = "word_bytes"
        case charBytes = "char_bytes"
        case lengthBands = "length_bands"
        case hintSlots = "hint_slots"
        case usesText = "uses_text"
    }
}

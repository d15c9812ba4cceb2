import SwitchyardCore

/// The honest default predictor: the training split's mean output length for the request's prompt-length band.
///
/// Prompt lengths are banded by powers of two (…, 256–511, 512–1023, …). Each band's estimate is the mean output
/// length of the training requests in it; a band with fewer than `minimumCount` requests falls back to the overall
/// mean. The hint (service) is used when present: bands are kept per hint.
public struct PromptBucketMeanPredictor: LengthPredictor {
    public let name = "prompt-band-mean"
    public let buckets: BucketScheme
    /// Mean output per (hint, band); the `nil` hint holds all requests.
    var means: [String: [Double]]
    var overall: Double
    static let bands = 20
    static let minimumCount = 20

    /// Learns the band means from training requests (their true output lengths are the labels).
    public init(training: [Request], buckets: BucketScheme = .paper) {
        self.buckets = buckets
        var sums: [String: [Double]] = [:]
        var counts: [String: [Int]] = [:]
        var total = 0.0
        for request in training {
            let band = Self.band(request.promptTokens)
            var keys = ["*"]
            if let hint = request.hint { keys.append(hint) }
            for key in keys {
                sums[key, default: Array(repeating: 0, count: Self.bands)][band] += Double(request.outputTokens)
                counts[key, default: Array(repeating: 0, count: Self.bands)][band] += 1
            }
            total += Double(request.outputTokens)
        }
        overall = training.isEmpty ? 128 : total / Double(training.count)
        var means: [String: [Double]] = [:]
        for (key, sum) in sums {
            let count = counts[key] ?? []
            means[key] = (0..<Self.bands).map { count[$0] >= Self.minimumCount ? sum[$0] / Double(count[$0]) : -1 }
        }
        self.means = means
    }

    static func band(_ tokens: Int) -> Int {
        var band = 0
        var value = max(1, tokens)
        while value > 1, band < bands - 1 {
            value >>= 1
            band += 1
        }
        return band
    }

    public func predict(_ features: PromptFeatures) -> LengthPrediction {
        let band = Self.band(features.promptTokens)
        var estimate = overall
        if let hint = features.hint, let table = means[hint], table[band] >= 0 {
            estimate = table[band]
        } else if let table = means["*"], table[band] >= 0 {
            estimate = table[band]
        }
        return LengthPrediction(bucket: buckets.bucket(of: Int(estimate)), tokens: estimate)
    }
}

/// Response-length buckets: ascending upper bounds in tokens; the last bucket is open-ended.
///
/// The default follows the paper's DQN buckets: 0–256, 256–2048 and 2048 or more tokens.
public struct BucketScheme: Sendable, Equatable, Codable {
    /// Exclusive upper bounds of every bucket but the last, ascending.
    public var bounds: [Int]

    public init(bounds: [Int]) {
        precondition(!bounds.isEmpty, "a bucket scheme needs at least one bound")
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "bucket bounds must ascend: \(bounds)")
        self.bounds = bounds
    }

    public static let paper = BucketScheme(bounds: [256, 2048])

    public var count: Int { bounds.count + 1 }

    /// The bucket that holds `tokens`.
    public func bucket(of tokens: Int) -> Int {
        var index = 0
        while index < bounds.count, tokens >= bounds[index] { index += 1 }
        return index
    }

    /// The inclusive lower bound of a bucket in tokens.
    public func lowerBound(of bucket: Int) -> Int { bucket == 0 ? 0 : bounds[bucket - 1] }

    /// The upper bound used when a policy needs a finite one (min-min): the bound itself, or for the open last
    /// bucket twice its lower bound.
    public func upperBound(of bucket: Int) -> Int {
        bucket < bounds.count ? bounds[bucket] : 2 * bounds[bounds.count - 1]
    }

    /// A short label such as `<256`, `256-2k` or `2k+`.
    public func label(of bucket: Int) -> String {
        func short(_ v: Int) -> String {
            v >= 1000 && v % 1024 == 0 ? "\(v / 1024)k" : v >= 1000 ? "\(v / 1000)k" : "\(v)"
        }
        if bucket == 0 { return "<\(short(bounds[0]))" }
        if bucket >= bounds.count { return "\(short(bounds[bounds.count - 1]))+" }
        return "\(short(bounds[bucket - 1]))-\(short(bounds[bucket]))"
    }
}

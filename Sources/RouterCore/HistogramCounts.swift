/// A Prometheus histogram as an engine publishes it: cumulative counts per upper bound, summed across series.
///
/// Engines publish cumulative histograms since they started (`x_bucket{le}`, `x_sum`, `x_count`). The difference of
/// two scrapes is the histogram of what happened between them, and its quantiles are read the way Prometheus'
/// `histogram_quantile` reads them: linear interpolation inside the bucket the rank falls in.
public struct HistogramCounts: Sendable, Equatable {
    /// Finite upper bounds (`le`), ascending.
    public private(set) var bounds: [Double]
    /// Cumulative counts at each of `bounds`.
    public private(set) var cumulative: [Double]
    /// Observations in all (the `+Inf` bucket, or `_count`).
    public private(set) var count: Double
    /// Sum of the observed values.
    public private(set) var sum: Double

    /// A histogram from its buckets; nil when they are not a histogram (no bucket, bounds not ascending, counts
    /// decreasing, or a value that is negative or not finite).
    /// - Parameters:
    ///   - buckets: `(le, cumulative count)` pairs in any order; a bound of `+infinity` is the total.
    ///   - count: `_count`, when published; else the `+Inf` bucket.
    ///   - sum: `_sum`, when published; else 0.
    public init?(buckets: [(bound: Double, count: Double)], count: Double? = nil, sum: Double? = nil) {
        let sorted = buckets.sorted { $0.bound < $1.bound }
        var bounds: [Double] = []
        var cumulative: [Double] = []
        var total: Double?
        var previous = 0.0
        for (bound, value) in sorted {
            guard !bound.isNaN, value.isFinite, value >= previous else { return nil }
            previous = value
            if bound == .infinity {
                total = value
            } else {
                if bounds.last == bound { return nil }
                bounds.append(bound)
                cumulative.append(value)
            }
        }
        guard let all = total ?? count ?? cumulative.last else { return nil }
        guard all.isFinite, all >= (cumulative.last ?? 0) else { return nil }
        let sum = sum ?? 0
        guard sum.isFinite else { return nil }
        self.bounds = bounds
        self.cumulative = cumulative
        self.count = all
        self.sum = sum
    }

    /// What was observed after `earlier`: these counts less `earlier`'s; nil when the bounds differ or a count went
    /// down (the engine restarted, so the caller starts over from this scrape).
    public func since(_ earlier: HistogramCounts) -> HistogramCounts? {
        guard bounds == earlier.bounds, count >= earlier.count else { return nil }
        var result = self
        for index in cumulative.indices {
            let delta = cumulative[index] - earlier.cumulative[index]
            guard delta >= 0 else { return nil }
            result.cumulative[index] = delta
        }
        result.count = count - earlier.count
        result.sum = max(0, sum - earlier.sum)
        return result
    }

    /// These counts and `other`'s together (two engines' histograms of the same metric); nil when the bounds differ.
    public func adding(_ other: HistogramCounts) -> HistogramCounts? {
        guard bounds == other.bounds else { return nil }
        var result = self
        for index in cumulative.indices { result.cumulative[index] += other.cumulative[index] }
        result.count += other.count
        result.sum += other.sum
        return result
    }

    /// The `q` quantile (0...1) by Prometheus' rule, or nil with no observation.
    ///
    /// The rank `q × count` is found in the cumulative buckets and interpolated linearly between the bucket's lower
    /// and upper bound (the first bucket's lower bound is 0 when its upper bound is positive). A rank in the `+Inf`
    /// bucket answers the highest finite bound, as Prometheus does.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, q.isFinite else { return nil }
        let q = min(1, max(0, q))
        let rank = q * count
        var lowerBound = 0.0
        var lowerCount = 0.0
        for (index, bound) in bounds.enumerated() {
            let upperCount = cumulative[index]
            if upperCount >= rank, upperCount > lowerCount {
                if index == 0 && bound <= 0 { return bound }
                let fraction = (rank - lowerCount) / (upperCount - lowerCount)
                return lowerBound + (bound - lowerBound) * fraction
            }
            lowerBound = bound
            lowerCount = upperCount
        }
        return bounds.last ?? (sum / count)
    }

    /// The mean observation, or nil with none.
    public var mean: Double? { count > 0 ? sum / count : nil }
}

/// Counts of (true bucket, predicted bucket) pairs, and the classification scores they imply.
public struct ConfusionMatrix: Sendable, Equatable {
    /// `counts[truth][predicted]`.
    public private(set) var counts: [[Int]]

    /// An empty matrix for `classes` buckets.
    public init(classes: Int) {
        precondition(classes >= 1, "a confusion matrix needs at least one class, got \(classes)")
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    /// A matrix from counts, rows being true classes; for tests and reports.
    /// - Precondition: `counts` is square and non-empty, with no negative count.
    public init(counts: [[Int]]) {
        precondition(
            !counts.isEmpty && counts.allSatisfy { $0.count == counts.count },
            "counts must be square: \(counts)"
        )
        precondition(counts.allSatisfy { $0.allSatisfy { $0 >= 0 } }, "counts must not be negative: \(counts)")
        self.counts = counts
    }

    public var classes: Int { counts.count }
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    public mutating func add(truth: Int, predicted: Int) { counts[truth][predicted] += 1 }

    /// The share of examples on the diagonal; 0 for an empty matrix.
    public var accuracy: Double {
        let total = total
        return total == 0 ? 0 : Double((0..<classes).reduce(0) { $0 + counts[$1][$1] }) / Double(total)
    }

    /// Examples whose true class is `k`.
    public func support(_ k: Int) -> Int { counts[k].reduce(0, +) }

    /// Examples predicted as `k`.
    public func predictedCount(_ k: Int) -> Int { counts.reduce(0) { $0 + $1[k] } }

    /// Precision of class `k`; 0 when nothing was predicted as `k`.
    public func precision(_ k: Int) -> Double {
        let predicted = predictedCount(k)
        return predicted == 0 ? 0 : Double(counts[k][k]) / Double(predicted)
    }

    /// Recall of class `k`; 0 when no example is of class `k`.
    public func recall(_ k: Int) -> Double {
        let support = support(k)
        return support == 0 ? 0 : Double(counts[k][k]) / Double(support)
    }

    /// F1 of class `k`, the harmonic mean of precision and recall; 0 when both are 0.
    public func f1(_ k: Int) -> Double {
        let p = precision(k)
        let r = recall(k)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// The unweighted mean F1 over the classes that occur, as truth or as prediction.
    ///
    /// A class that never occurs (ShareGPT has 2 responses of 2,048 tokens or more in 11,128) would add a 0 that says
    /// nothing about the predictor, so it is left out, as scikit-learn does by default.
    public var macroF1: Double {
        let present = (0..<classes).filter { support($0) > 0 || predictedCount($0) > 0 }
        guard !present.isEmpty else { return 0 }
        return present.reduce(0) { $0 + f1($1) } / Double(present.count)
    }
}

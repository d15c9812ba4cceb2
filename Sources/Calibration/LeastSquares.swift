/// Ordinary least squares for the few unknowns of a latency model: the normal equations solved by Gaussian
/// elimination with partial pivoting.
public enum LeastSquares {
    /// The fit of `y ≈ X β`.
    public struct Fit: Sendable, Equatable {
        /// One coefficient per column of X.
        public var coefficients: [Double]
        /// Root mean square of the residuals, in the unit of y.
        public var rms: Double
        /// Share of y's variance the fit explains (1 − SSres / SStot); 1 when y is constant and fitted exactly.
        public var r2: Double
        /// Observations used.
        public var count: Int
    }

    /// Fits `y ≈ X β`.
    /// - Parameters:
    ///   - rows: One row of X per observation, each as long as the others.
    ///   - y: The observations.
    /// - Returns: The fit; nil with fewer observations than unknowns, rows of unequal length, a value that is not
    ///   finite, or columns that do not vary independently (a singular system).
    public static func fit(rows: [[Double]], y: [Double]) -> Fit? {
        guard let width = rows.first?.count, width > 0, rows.count == y.count, rows.count >= width,
            rows.allSatisfy({ $0.count == width && $0.allSatisfy(\.isFinite) }), y.allSatisfy(\.isFinite)
        else { return nil }
        // Columns are scaled to unit size first, so that seconds-per-token and seconds columns pivot alike.
        var scale = Array(repeating: 0.0, count: width)
        for row in rows {
            for j in 0..<width { scale[j] = max(scale[j], abs(row[j])) }
        }
        guard scale.allSatisfy({ $0 > 0 }) else { return nil }
        var a = Array(repeating: Array(repeating: 0.0, count: width + 1), count: width)
        for (row, value) in zip(rows, y) {
            for i in 0..<width {
                let xi = row[i] / scale[i]
                for j in 0..<width { a[i][j] += xi * row[j] / scale[j] }
                a[i][width] += xi * value
            }
        }
        for column in 0..<width {
            guard let pivot = (column..<width).max(by: { abs(a[$0][column]) < abs(a[$1][column]) }),
                abs(a[pivot][column]) > 1e-12 * Double(rows.count)
            else { return nil }
            a.swapAt(column, pivot)
            for row in 0..<width where row != column {
                let factor = a[row][column] / a[column][column]
                if factor == 0 { continue }
                for k in column...width { a[row][k] -= factor * a[column][k] }
            }
        }
        let beta = (0..<width).map { a[$0][width] / a[$0][$0] / scale[$0] }
        guard beta.allSatisfy(\.isFinite) else { return nil }
        var residualSquares = 0.0
        let mean = y.reduce(0, +) / Double(y.count)
        var totalSquares = 0.0
        for (row, value) in zip(rows, y) {
            let predicted = zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 }
            residualSquares += (value - predicted) * (value - predicted)
            totalSquares += (value - mean) * (value - mean)
        }
        let r2 = totalSquares > 0 ? 1 - residualSquares / totalSquares : (residualSquares == 0 ? 1 : 0)
        return Fit(
            coefficients: beta,
            rms: (residualSquares / Double(y.count)).squareRoot(),
            r2: r2,
            count: y.count
        )
    }
}

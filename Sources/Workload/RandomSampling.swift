import Foundation

/// The continuous distributions Workload draws from, written out so that a seed gives the same numbers on every
/// platform and Swift version (the standard library does not promise how `Double.random(in:using:)` uses its bits).
enum RandomSampling {
    /// A uniform value in (0, 1]: 53 random bits, never 0, so its logarithm is finite.
    static func unitOpenBelow(using rng: inout some RandomNumberGenerator) -> Double {
        Double((rng.next() >> 11) + 1) * 0x1p-53
    }

    /// An exponential value with the given rate (mean 1/rate), by inversion.
    static func exponential(rate: Double, using rng: inout some RandomNumberGenerator) -> Double {
        -log(unitOpenBelow(using: &rng)) / rate
    }

    /// A standard normal value (mean 0, variance 1) by the Box–Muller transform; the second value is discarded.
    static func standardNormal(using rng: inout some RandomNumberGenerator) -> Double {
        let radius = (-2 * log(unitOpenBelow(using: &rng))).squareRoot()
        return radius * cos(2 * Double.pi * unitOpenBelow(using: &rng))
    }

    /// A gamma value with the given shape k > 0 and scale 1 (mean k, variance k).
    ///
    /// Marsaglia and Tsang, "A simple method for generating gamma variables", ACM TOMS 26(3), 2000: rejection from
    /// a transformed normal for k ≥ 1 (the squeeze accepts about 98% at once); for k < 1 it draws
    /// Gamma(k + 1) · U^(1/k), computed in log space so that tiny shapes (CV 13 gives k ≈ 0.006) underflow to an
    /// honest 0 rather than to NaN.
    static func gamma(shape: Double, using rng: inout some RandomNumberGenerator) -> Double {
        if shape < 1 {
            let boosted = gamma(shape: shape + 1, using: &rng)
            return exp(log(boosted) + log(unitOpenBelow(using: &rng)) / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal(using: &rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = unitOpenBelow(using: &rng)
            let squared = x * x
            if u < 1 - 0.0331 * squared * squared { return d * v }
            if log(u) < 0.5 * squared + d * (1 - v + log(v)) { return d * v }
        }
    }
}

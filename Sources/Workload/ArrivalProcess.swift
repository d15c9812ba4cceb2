import SwitchyardCore

/// A seeded generator of request arrival times, for traces that have none (ShareGPT, Vidur, synthetic) or to
/// replace a trace's own.
///
/// Both processes are renewal processes: inter-arrival times are independent draws with mean `1 / rate`.
/// - `poisson(rate:)`: exponential gaps, coefficient of variation (CV) 1. The usual open-loop benchmark load.
/// - `gamma(rate:cv:)`: gamma-distributed gaps with shape `1 / cv²` and scale `cv² / rate`, so the mean rate is
///   still `rate` and the gaps' CV is `cv`. CV > 1 is burstier than Poisson (many short gaps, a few long ones);
///   CV < 1 is more regular. For scale: the Azure conv trace's gaps have CV 1.09, the code trace's 13.2.
public enum ArrivalProcess: Sendable, Equatable, CustomStringConvertible {
    /// Poisson arrivals at `rate` requests per second.
    case poisson(rate: Double)
    /// Gamma renewal arrivals at mean `rate` requests per second with inter-arrival CV `cv`.
    case gamma(rate: Double, cv: Double)

    /// The mean arrival rate in requests per second.
    public var rate: Double {
        switch self {
        case .poisson(let rate), .gamma(let rate, _): rate
        }
    }

    public var description: String {
        switch self {
        case .poisson(let rate): "poisson(rate: \(rate)/s)"
        case .gamma(let rate, let cv): "gamma(rate: \(rate)/s, cv: \(cv))"
        }
    }

    /// Checks that the rate (and CV) are positive and finite.
    /// - Throws: ``WorkloadError`` naming the bad value.
    public func validate() throws {
        switch self {
        case .poisson(let rate):
            try Self.check(rate, "rate")
        case .gamma(let rate, let cv):
            try Self.check(rate, "rate")
            try Self.check(cv, "cv")
        }
    }

    private static func check(_ value: Double, _ name: String) throws {
        guard value.isFinite, value > 0 else {
            throw WorkloadError.badArrivalParameter(name, value: value)
        }
    }

    /// Draws one inter-arrival time in seconds.
    /// - Precondition: the process is valid (see ``validate()``).
    public func nextGap(using rng: inout some RandomNumberGenerator) -> Double {
        switch self {
        case .poisson(let rate):
            precondition(rate > 0 && rate.isFinite, "ArrivalProcess rate must be positive and finite, got \(rate)")
            return RandomSampling.exponential(rate: rate, using: &rng)
        case .gamma(let rate, let cv):
            precondition(rate > 0 && rate.isFinite, "ArrivalProcess rate must be positive and finite, got \(rate)")
            precondition(cv > 0 && cv.isFinite, "ArrivalProcess cv must be positive and finite, got \(cv)")
            let shape = 1 / (cv * cv)
            return RandomSampling.gamma(shape: shape, using: &rng) / (shape * rate)
        }
    }

    /// Draws `count` arrival times: `start` plus the running sum of `count` gaps (the first request arrives one gap
    /// after `start`).
    /// - Returns: non-decreasing times in seconds.
    public func arrivalTimes(
        count: Int,
        startingAt start: Double = 0,
        using rng: inout some RandomNumberGenerator
    ) -> [Double] {
        var time = start
        var times: [Double] = []
        times.reserveCapacity(max(0, count))
        for _ in 0..<max(0, count) {
            time += nextGap(using: &rng)
            times.append(time)
        }
        return times
    }

    /// Gives the requests, in their current order, fresh arrival times from this process; ids and sizes are kept.
    /// - Returns: the requests with non-decreasing arrivals starting after `start`.
    public func assigningArrivals(
        to requests: [Request],
        startingAt start: Double = 0,
        using rng: inout some RandomNumberGenerator
    ) -> [Request] {
        let times = arrivalTimes(count: requests.count, startingAt: start, using: &rng)
        return zip(requests, times).map { request, time in
            var request = request
            request.arrival = time
            return request
        }
    }
}

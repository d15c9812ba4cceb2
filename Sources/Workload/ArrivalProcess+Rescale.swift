import SwitchyardCore

extension ArrivalProcess {
    /// The mean arrival rate of a trace: the number of gaps over the time the trace spans, `(n - 1) / span`.
    /// - Returns: requests per second, or nil with fewer than two requests or a zero span.
    public static func meanRate(of requests: [Request]) -> Double? {
        guard requests.count >= 2, let first = requests.first?.arrival, let last = requests.last?.arrival,
            last > first
        else { return nil }
        return Double(requests.count - 1) / (last - first)
    }

    /// Stretches or compresses a trace's timeline so its mean rate (see ``meanRate(of:)``) becomes `rate`.
    ///
    /// Every inter-arrival gap is multiplied by the same factor, so the burstiness (the gaps' CV, the shape of idle
    /// periods) is kept. The first arrival stays where it is. A trace with fewer than two requests or a zero span is
    /// returned unchanged.
    /// - Parameters:
    ///   - requests: requests sorted by arrival.
    ///   - rate: the target mean rate in requests per second.
    /// - Returns: the requests with scaled arrivals; ids, order and sizes are kept.
    /// - Precondition: `rate` is positive and finite.
    public static func rescale(_ requests: [Request], toMeanRate rate: Double) -> [Request] {
        precondition(rate > 0 && rate.isFinite, "target mean rate must be positive and finite, got \(rate)")
        guard let current = meanRate(of: requests), let origin = requests.first?.arrival else { return requests }
        let factor = current / rate
        return requests.map { request in
            var request = request
            request.arrival = origin + (request.arrival - origin) * factor
            return request
        }
    }
}

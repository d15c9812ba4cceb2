/// When a backend that keeps failing requests is taken out of rotation, as Envoy's outlier detection does it.
///
/// After `consecutiveServerErrors` 5xx replies in a row (a success resets the count) the backend is ejected for
/// `baseEjectionTime` times the number of times it has been ejected, at most `maxEjectionTime`; after that it
/// returns once its `/health` passes. The last backend up is never ejected for 5xx: a cluster with one failing
/// backend left does no better with none. Envoy's defaults: 5 consecutive 5xx, 30 s base ejection, 300 s maximum.
public struct OutlierDetection: Sendable, Equatable {
    /// 5xx replies in a row that eject a backend; 0 turns ejection off.
    public var consecutiveServerErrors: Int
    /// Seconds of the first ejection; each further ejection of the same backend lasts that much longer.
    public var baseEjectionTime: Double
    /// Longest ejection, in seconds.
    public var maxEjectionTime: Double

    public init(consecutiveServerErrors: Int = 5, baseEjectionTime: Double = 30, maxEjectionTime: Double = 300) {
        self.consecutiveServerErrors = consecutiveServerErrors
        self.baseEjectionTime = baseEjectionTime
        self.maxEjectionTime = maxEjectionTime
    }

    /// Seconds the `ejections`-th ejection lasts (1 for the first).
    public func ejectionTime(ejections: Int) -> Double {
        min(maxEjectionTime, baseEjectionTime * Double(max(1, ejections)))
    }
}

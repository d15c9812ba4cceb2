import SwitchyardCore

/// The timeline's marks (policy switches, A/B starts, bursts, backends going down), kept for as long as the
/// console's history shows them.
public struct MarkerLog: Sendable {
    /// Seconds of history a mark stays for (the console's sparklines span 60 s).
    public static let defaultHorizon = 60.0

    public let horizon: Double
    public private(set) var markers: [TimelineMarker] = []

    public init(horizon: Double = MarkerLog.defaultHorizon) { self.horizon = horizon }

    /// Adds a mark at `time` and forgets those older than the horizon.
    public mutating func mark(_ kind: TimelineMarker.Kind, _ label: String, at time: Double) {
        markers.append(TimelineMarker(time: time, kind: kind, label: label))
        trim(now: time)
    }

    /// Forgets marks older than the horizon. - Complexity: O(n) when something goes, O(1) otherwise.
    public mutating func trim(now: Double) {
        if let first = markers.first, first.time < now - horizon {
            markers.removeAll { $0.time < now - horizon }
        }
    }

    /// The marks within the horizon of `now`, oldest first.
    public func recent(now: Double) -> [TimelineMarker] { markers.filter { $0.time >= now - horizon } }
}

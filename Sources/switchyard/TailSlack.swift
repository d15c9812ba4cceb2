import ArgumentParser

/// `--tail-slack`: `least-impact`'s tail guard as typed, a non-negative fraction or `off`.
struct TailSlack: ExpressibleByArgument, Sendable {
    /// The slack, or nil when the guard is off.
    var value: Double?

    init(value: Double?) { self.value = value }

    init?(argument: String) {
        if argument == "off" {
            value = nil
            return
        }
        guard let number = Double(argument), number >= 0, number.isFinite else { return nil }
        value = number
    }

    var defaultValueDescription: String { value.map { "\($0)" } ?? "off" }
}

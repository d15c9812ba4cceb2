/// What a cell's colour means; a ``Theme`` maps each role to a terminal colour.
///
/// The raw value is the key a theme file uses for the role.
public enum ColorRole: String, CaseIterable, Sendable, Hashable {
    /// Ordinary text.
    case text
    /// Secondary text: labels, units, empty bar cells, borders.
    case dim
    /// Titles, keys, the focused instance.
    case accent
    case ok
    case warn
    case crit
    /// Requests waiting for or in prefill.
    case prefill
    /// Requests in the decode batch.
    case decode
    /// KV-cache usage below 50%.
    case kvLow = "kv_low"
    /// KV-cache usage from 50% to 80%.
    case kvMid = "kv_mid"
    /// KV-cache usage of 80% or more.
    case kvHigh = "kv_high"

    /// The role that colours a KV-cache usage in 0...1: low below 0.5, mid below 0.8, high from 0.8.
    public static func kv(_ usage: Double) -> ColorRole {
        usage >= 0.8 ? .kvHigh : usage >= 0.5 ? .kvMid : .kvLow
    }
}

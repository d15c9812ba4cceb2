import SwitchyardCore

extension InstanceHealth {
    /// The colour a health state is drawn in: up ok, stale warn, down crit.
    var style: CellStyle {
        switch self {
        case .up: .ok
        case .stale: .warn
        case .down: CellStyle.crit.bold
        }
    }

    /// `● up`, `● stale`, `● down`.
    var badge: StyledText {
        var text = StyledText("●", style)
        text.append(" " + rawValue, style)
        return text
    }
}

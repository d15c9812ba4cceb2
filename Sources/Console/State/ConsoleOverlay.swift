/// What is open over the main view.
public enum ConsoleOverlay: Sendable, Equatable {
    case none
    case help
    case burstMenu
    /// LIVE: how to run the A/B (a predicted twin, or a split of the real traffic).
    case compareMenu
    /// Every policy with its key.
    case policyMenu
    /// The focused instance's detail.
    case detail
}

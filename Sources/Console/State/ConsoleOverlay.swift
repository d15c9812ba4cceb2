/// What is open over the main view.
public enum ConsoleOverlay: Sendable, Equatable {
    case none
    case help
    case burstMenu
    /// Every policy with its key.
    case policyMenu
    /// The focused instance's detail.
    case detail
}

import SwitchyardCore

/// What the console asks of the backend; ``ConsoleApp`` sends these in order.
public enum ConsoleCommand: Sendable, Equatable {
    case setPolicy(String)
    case burst(BurstKind)
    case pause(Bool)
    case speed(Double)
    /// Start an A/B comparison of a kind against a policy, or stop it (nil).
    case compare(String?, kind: ComparisonKind = .twin)
    case quit
}

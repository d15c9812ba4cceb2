/// Which keys mean what: the console's modes, from what is open on screen.
public enum InputMode: Sendable, Equatable {
    case normal
    /// The burst menu is open: `1`/`p`, `2`/`d`, `3`/`m` pick a kind.
    case burstMenu
    /// The A/B menu is open (LIVE): `t` twin, `s` split.
    case compareMenu
    /// The policy picker is open: each policy's key (``KeyMap/policyKey(_:)``) picks it.
    case policyMenu
    case help
    /// An instance detail is open: `enter` closes it, other keys work as usual.
    case detail
}

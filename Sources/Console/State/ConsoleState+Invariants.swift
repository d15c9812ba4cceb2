extension ConsoleState {
    /// Checks the state's invariants; a failure names the bad values.
    public func checkInvariants() {
        if let focus {
            precondition(focus >= 0 && focus < instanceCount, "focus \(focus) outside 0..<\(instanceCount)")
        }
        precondition(overlay != .detail || focus != nil, "detail open without a focused instance")
        precondition(themeNames.indices.contains(themeIndex), "theme index \(themeIndex) of \(themeNames.count)")
        precondition(scroll >= 0 && detailScroll >= 0, "negative scroll \(scroll), detail \(detailScroll)")
        precondition(speed > 0, "speed \(speed) is not positive")
    }
}

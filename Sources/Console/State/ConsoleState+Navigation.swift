extension ConsoleState {
    /// Focus, overlays and scrolling: the actions that change only what is shown.
    mutating func navigate(_ action: ConsoleAction) {
        switch action {
        case .focusNext:
            guard instanceCount > 0 else { return }
            focus = focus.map { ($0 + 1) % instanceCount } ?? 0
            detailScroll = 0
        case .focusPrevious:
            guard instanceCount > 0 else { return }
            focus = focus.map { ($0 + instanceCount - 1) % instanceCount } ?? instanceCount - 1
            detailScroll = 0
        case .openDetail:
            guard instanceCount > 0 else { return }
            if overlay == .detail {
                overlay = .none
            } else {
                focus = focus ?? 0
                overlay = .detail
                detailScroll = 0
            }
        case .dismiss:
            if overlay != .none { overlay = .none } else { focus = nil }
        case .scrollUp: scrollBy(-1)
        case .scrollDown: scrollBy(1)
        case .pageUp: scrollBy(-max(1, pageSize))
        case .pageDown: scrollBy(max(1, pageSize))
        default: return
        }
        if let focus, focus < scroll { scroll = focus }
    }

    /// Takes the scroll positions the renderer settled on (after keeping the focus in view) and its page size.
    public mutating func apply(_ info: RenderInfo) {
        scroll = info.scroll
        detailScroll = info.detailScroll
        pageSize = max(1, info.pageSize)
    }

    private mutating func scrollBy(_ delta: Int) {
        if overlay == .detail {
            detailScroll = max(0, detailScroll + delta)
        } else if let current = focus {
            focus = min(max(0, current + delta), instanceCount - 1)
        } else {
            scroll = min(max(0, scroll + delta), max(0, instanceCount - 1))
        }
    }
}

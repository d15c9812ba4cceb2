import SwitchyardCore

/// Draws one frame: the console state and a cluster snapshot into any ``Screen``. Pure apart from the screen it
/// writes, so tests render into a ``GridScreen`` and read back the text.
public enum ConsoleRenderer {
    /// The smallest terminal the console draws in; below it, a plain message says so.
    public static let minimumWidth = ConsoleLayout.minimumWidth
    public static let minimumHeight = ConsoleLayout.minimumHeight

    /// Clears `screen` and draws the frame.
    /// - Returns: The scroll positions used (clamped, focus kept in view) and the page size, for
    ///   ``ConsoleState/apply(_:)``.
    @discardableResult
    public static func render(state: ConsoleState, snapshot: ClusterSnapshot, into screen: any Screen) -> RenderInfo {
        screen.clear()
        let canvas = Canvas(screen: screen)
        var info = RenderInfo(scroll: state.scroll, detailScroll: state.detailScroll, pageSize: state.pageSize)
        guard !ConsoleLayout.isTooSmall(width: screen.width, height: screen.height) else {
            TooSmallView.draw(minimumWidth: minimumWidth, minimumHeight: minimumHeight, in: canvas)
            return info
        }
        let layout = ConsoleLayout(
            width: screen.width,
            height: screen.height,
            instanceCount: snapshot.instances.count,
            comparing: snapshot.twin != nil,
            predictedTwin: snapshot.twin?.prediction != nil,
            hasCaption: state.caption != nil,
            cardHeight: InstanceCardView.height(for: snapshot)
        )
        HeaderView.draw(snapshot, references: state.referencePolicyNames, in: canvas.sub(layout.header))
        FooterView.draw(status: state.status, in: canvas.sub(layout.footer))
        if let area = layout.caption, let caption = state.caption {
            FooterView.drawCaption(caption, in: canvas.sub(area))
        }

        if state.overlay == .detail, let focus = state.focus, snapshot.instances.indices.contains(focus) {
            let shown = InstanceDetailView.draw(
                snapshot.instances[focus],
                bucketLabels: snapshot.bucketLabels,
                scroll: state.detailScroll,
                in: canvas.sub(layout.body)
            )
            info.detailScroll = shown.scroll
            info.pageSize = shown.pageSize
            return info
        }

        let shown: (scroll: Int, pageSize: Int)
        if let twin = snapshot.twin {
            shown = ABView.draw(
                snapshot,
                twin: twin,
                focus: state.focus,
                scroll: state.scroll,
                in: canvas.sub(layout.instances)
            )
        } else {
            shown = InstanceCardsView.draw(
                snapshot,
                mode: layout.instanceMode,
                focus: state.focus,
                scroll: state.scroll,
                in: canvas.sub(layout.instances)
            )
        }
        info.scroll = shown.scroll
        info.pageSize = shown.pageSize
        LatencyPanel.draw(snapshot, in: canvas.sub(layout.latency))
        DecisionLogView.draw(snapshot, in: canvas.sub(layout.decisions))

        switch state.overlay {
        case .help:
            HelpOverlay.draw(policyNames: state.policyNames, themeName: state.themeName, in: canvas.sub(layout.body))
        case .burstMenu: BurstMenuView.draw(in: canvas.sub(layout.body))
        case .compareMenu: CompareMenuView.draw(in: canvas.sub(layout.body))
        case .policyMenu:
            PolicyMenuView.draw(
                policyNames: state.policyNames,
                references: state.referencePolicyNames,
                current: state.policy,
                in: canvas.sub(layout.body)
            )
        case .none, .detail: break
        }
        return info
    }
}

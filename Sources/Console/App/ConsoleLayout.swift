/// Where each panel goes for a terminal size: pure arithmetic, so tests can check the reflow.
///
/// Top to bottom: the header row; the instances (a card grid, or compact rows when the cards do not fit, or the A/B
/// view); the latency panel and the decision log (side by side from 160 columns, stacked below that); an optional
/// caption row; the footer row.
struct ConsoleLayout: Sendable, Equatable {
    static let minimumWidth = 60
    static let minimumHeight = 16
    /// From this width the latency panel and the decision log sit side by side.
    static let wideWidth = 160
    /// The fewest rows the decision log gets: its borders and three decisions.
    static let minimumLogHeight = 5

    var header: Rect
    var footer: Rect
    var caption: Rect?
    /// Everything between the header and the caption or footer.
    var body: Rect
    var instances: Rect
    var instanceMode: InstanceCardsView.Mode
    var latency: Rect
    var decisions: Rect

    /// Whether a terminal of this size is too small to draw the console in.
    static func isTooSmall(width: Int, height: Int) -> Bool {
        width < minimumWidth || height < minimumHeight
    }

    /// The layout of a terminal `width` × `height` for `instanceCount` instances.
    ///
    /// - Parameters:
    ///   - width: Terminal columns.
    ///   - height: Terminal rows.
    ///   - instanceCount: Instances to lay out.
    ///   - comparing: Whether the A/B view replaces the cards.
    ///   - predictedTwin: Whether its B side is a live twin's prediction (one more line: the twin's error).
    ///   - hasCaption: Whether a caption row sits above the footer.
    ///   - cardHeight: Rows per instance card (``InstanceCardView/height(for:)``).
    init(
        width: Int,
        height: Int,
        instanceCount: Int,
        comparing: Bool,
        predictedTwin: Bool = false,
        hasCaption: Bool,
        cardHeight: Int = InstanceCardView.height
    ) {
        header = Rect(x: 0, y: 0, width: width, height: 1)
        footer = Rect(x: 0, y: height - 1, width: width, height: 1)
        caption = hasCaption ? Rect(x: 0, y: height - 2, width: width, height: 1) : nil
        body = Rect(x: 0, y: 1, width: width, height: height - 2 - (hasCaption ? 1 : 0))

        let wide = width >= Self.wideWidth
        let latencyHeight = LatencyPanel.height
        let bottomMinimum = wide ? latencyHeight : latencyHeight + Self.minimumLogHeight
        let available = body.height - bottomMinimum
        // Never squeeze the bottom below the latency panel plus a one-decision log.
        let ceiling = body.height - (wide ? latencyHeight : latencyHeight + 3)

        var instanceHeight: Int
        if comparing {
            let heights = ABView.heights(instances: instanceCount, width: width, predicted: predictedTwin)
            instanceHeight = min(heights.wanted, max(heights.minimum, available))
            instanceMode = .compact(columns: 1)
        } else {
            let grid = InstanceCardsView.cardGrid(count: instanceCount, width: width)
            if instanceCount > 0, grid.rows * cardHeight <= available {
                instanceMode = .cards(columns: grid.columns, cardWidth: grid.cardWidth)
                instanceHeight = grid.rows * cardHeight
            } else {
                let columns = InstanceCardsView.compactColumns(width: width)
                let rows = (instanceCount + columns - 1) / columns
                instanceMode = .compact(columns: columns)
                instanceHeight = min(rows + 2, max(3, available))
            }
        }
        instanceHeight = max(0, min(instanceHeight, ceiling))
        let split = body.splitTop(instanceHeight)
        instances = split.top
        let bottom = split.rest
        if wide {
            let columns = bottom.splitLeft(width * 9 / 20)
            latency = columns.left
            decisions = columns.rest
        } else {
            let rows = bottom.splitTop(latencyHeight)
            latency = rows.top
            decisions = rows.rest
        }
    }
}

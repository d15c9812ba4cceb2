import SwitchyardCore

/// The instances: a grid of cards that reflows to the width, or, when they do not all fit, a scrolling panel of
/// one-line rows (in as many columns as the width allows).
enum InstanceCardsView {
    /// How the instances are laid out.
    enum Mode: Sendable, Equatable {
        /// Cards of `cardWidth` columns, `columns` to a row.
        case cards(columns: Int, cardWidth: Int)
        /// One-line rows in a panel, `columns` side by side.
        case compact(columns: Int)
    }

    /// Columns of rows at least this wide each.
    static let compactColumnWidth = 96

    /// The card grid for `count` instances in `width` columns: as few rows as the minimum card width allows, with
    /// the cards spread evenly over them (9 cards in 120 columns: 3 rows of 3, not 4 + 4 + 1).
    static func cardGrid(count: Int, width: Int) -> (columns: Int, cardWidth: Int, rows: Int) {
        let maxColumns = max(1, width / InstanceCardView.minWidth)
        let rows = max(1, (count + maxColumns - 1) / maxColumns)
        let columns = max(1, (count + rows - 1) / rows)
        let cardWidth = min(width / columns, InstanceCardView.maxWidth)
        return (columns, cardWidth, rows)
    }

    /// Compact-row columns that fit in a panel `width` wide.
    static func compactColumns(width: Int) -> Int { max(1, (width - 2) / compactColumnWidth) }

    /// Draws the instances in `mode` and returns the scroll position actually used and the rows per page.
    static func draw(
        _ snapshot: ClusterSnapshot,
        mode: Mode,
        focus: Int?,
        scroll: Int,
        in canvas: Canvas
    ) -> (scroll: Int, pageSize: Int) {
        let instances = snapshot.instances
        let scale = CardScale(instances)
        switch mode {
        case .cards(let columns, let cardWidth):
            let cardHeight = InstanceCardView.height(for: snapshot)
            for (index, instance) in instances.enumerated() {
                let rect = Rect(
                    x: (index % columns) * cardWidth,
                    y: (index / columns) * cardHeight,
                    width: cardWidth,
                    height: cardHeight
                )
                guard rect.maxY <= canvas.height else { break }
                InstanceCardView.draw(
                    instance,
                    bucketLabels: snapshot.bucketLabels,
                    scale: scale,
                    focused: focus == index,
                    in: canvas.sub(rect)
                )
            }
            return (0, max(1, instances.count))
        case .compact(let columns):
            return drawCompact(instances, columns: columns, scale: scale, focus: focus, scroll: scroll, in: canvas)
        }
    }

    /// The scroll position that keeps `focus` in a window of `capacity` rows over `count` items.
    static func clampScroll(_ scroll: Int, focus: Int?, count: Int, capacity: Int) -> Int {
        var result = scroll
        if let focus {
            if focus < result { result = focus }
            if focus >= result + capacity { result = focus - capacity + 1 }
        }
        return min(max(0, result), max(0, count - capacity))
    }

    private static func drawCompact(
        _ instances: [InstanceSnapshot],
        columns: Int,
        scale: CardScale,
        focus: Int?,
        scroll: Int,
        in canvas: Canvas
    ) -> (scroll: Int, pageSize: Int) {
        let rowsPerColumn = max(1, canvas.height - 2)
        let capacity = rowsPerColumn * columns
        let first = clampScroll(scroll, focus: focus, count: instances.count, capacity: capacity)
        let last = min(instances.count, first + capacity)
        var title = StyledText("Instances", CellStyle.accent.bold)
        title.append(" · \(instances.count)", .dim)
        if last - first < instances.count {
            title.append(" · \(first + 1)–\(last)", .text)
            if first > 0 { title.append(" ↑", .accent) }
            if last < instances.count { title.append(" ↓", .accent) }
        }
        let inner = Box.draw(in: canvas, title: title)
        let columnWidth = inner.width / columns
        let nameWidth = min(10, max(3, instances.map(\.name.count).max() ?? 3))
        for index in first..<last {
            let slot = index - first
            let column = slot / rowsPerColumn
            let area = inner.sub(
                Rect(x: column * columnWidth + 1, y: 0, width: columnWidth - 2, height: inner.height)
            )
            InstanceRowView.draw(
                instances[index],
                nameWidth: nameWidth,
                scale: scale,
                focused: focus == index,
                y: slot % rowsPerColumn,
                in: area
            )
        }
        return (first, capacity)
    }
}

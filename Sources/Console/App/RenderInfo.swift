/// What a rendered frame settled on, for the state to keep: scroll positions clamped to what fits, and page size.
public struct RenderInfo: Sendable, Equatable {
    /// The first instance row shown.
    public var scroll: Int
    /// The first request row shown in the instance detail.
    public var detailScroll: Int
    /// How many instance (or request) rows fit on one page.
    public var pageSize: Int

    public init(scroll: Int = 0, detailScroll: Int = 0, pageSize: Int = 1) {
        self.scroll = scroll
        self.detailScroll = detailScroll
        self.pageSize = pageSize
    }
}

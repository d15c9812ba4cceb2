/// How one cell looks: a colour role plus attributes. The theme turns the role into a colour when the frame is drawn.
public struct CellStyle: Sendable, Hashable {
    public var role: ColorRole
    public var attributes: TextAttributes

    public init(_ role: ColorRole = .text, _ attributes: TextAttributes = []) {
        self.role = role
        self.attributes = attributes
    }

    public static let text = CellStyle(.text)
    public static let dim = CellStyle(.dim)
    public static let accent = CellStyle(.accent)
    public static let ok = CellStyle(.ok)
    public static let warn = CellStyle(.warn)
    public static let crit = CellStyle(.crit)
    public static let prefill = CellStyle(.prefill)
    public static let decode = CellStyle(.decode)

    /// The same style in bold.
    public var bold: CellStyle { with(.bold) }

    /// The same style with foreground and background swapped.
    public var reversed: CellStyle { with(.reverse) }

    /// The same style with `extra` attributes added.
    public func with(_ extra: TextAttributes) -> CellStyle {
        CellStyle(role, attributes.union(extra))
    }
}

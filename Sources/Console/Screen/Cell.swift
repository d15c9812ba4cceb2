/// One character cell of a screen.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var style: CellStyle

    public init(_ character: Character = " ", style: CellStyle = .text) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell()
}

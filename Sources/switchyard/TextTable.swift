import Foundation

/// A plain-text table with right-aligned numeric columns, for `--format table`.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(header: [String]) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    /// Comma-separated values, quoting cells that need it.
    func csv() -> String {
        func quote(_ cell: String) -> String {
            cell.contains(",") || cell.contains("\"")
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n")
    }
}

extension Double {
    /// Seconds with 3 decimals.
    var s3: String { String(format: "%.3f", self) }
    /// A signed percentage with one decimal.
    var signedPercent: String { String(format: "%+.1f%%", self * 100) }
}

/// One data row of a CSV file, as byte ranges into the file's buffer.
///
/// Columns are addressed by their position in the reader's list of required columns, not by their position in the
/// file, so a file may order its columns freely and carry extra ones.
struct CSVRow {
    /// The 1-based line number in the file.
    let line: Int
    let file: String
    let scanner: LineScanner
    /// Every field of the line, trimmed of spaces and tabs.
    let fields: [Range<Int>]
    /// For each required column, its name and its index in ``fields``.
    let columns: [(name: String, index: Int)]

    /// The raw text of a required column.
    func text(_ column: Int) -> String {
        scanner.text(fields[columns[column].index])
    }

    /// The byte range of a required column.
    func range(_ column: Int) -> Range<Int> {
        fields[columns[column].index]
    }

    /// The value of a required column that must hold a non-negative decimal integer.
    /// - Throws: ``WorkloadError`` naming the file, line and column when the field is empty, signed, not all digits
    ///   or longer than 18 digits.
    func nonNegativeInteger(_ column: Int) throws -> Int {
        let range = range(column)
        var value = 0
        var valid = !range.isEmpty && range.count <= 18
        if valid {
            for index in range {
                let byte = scanner.bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                    valid = false
                    break
                }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
        }
        guard valid else {
            throw WorkloadError.notNonNegativeInteger(
                file,
                line: line,
                field: columns[column].name,
                value: text(column)
            )
        }
        return value
    }
}

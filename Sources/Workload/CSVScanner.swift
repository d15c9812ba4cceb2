/// Reads simple comma-separated files (no quoting) row by row from a UTF-8 buffer.
///
/// The trace files Switchyard reads (Azure, Vidur) hold only numbers and timestamps, so fields never need quotes.
/// The scan touches each byte once and makes no string per line, which keeps a 19,366-row trace well under a
/// second even in a debug build.
enum CSVScanner {
    /// Checks the header, then calls `body` for each data row in file order.
    ///
    /// Blank lines are skipped. The header must name every required column (in any order; extra columns are
    /// allowed), and every data row must have as many fields as the header.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - file: the name used in error messages.
    ///   - required: the columns the caller reads, by header name.
    ///   - limit: stop after this many data rows; nil reads them all.
    ///   - body: receives each row.
    /// - Throws: ``WorkloadError`` for an empty file, a missing column, a row with the wrong number of fields, a
    ///   header with no rows after it, or whatever `body` throws.
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        file: String,
        required: [String],
        limit: Int?,
        _ body: (CSVRow) throws -> Void
    ) throws {
        var lines = LineScanner(bytes)
        var headerRange: Range<Int>?
        while let range = lines.next() {
            if !lines.isBlank(range) {
                headerRange = range
                break
            }
        }
        guard let headerRange else {
            throw WorkloadError.emptyFile(file, expected: "a header line '\(required.joined(separator: ","))'")
        }
        let headerFields = split(headerRange, in: lines)
        let names = headerFields.map { lines.text($0) }
        var columns: [(name: String, index: Int)] = []
        for column in required {
            guard let index = names.firstIndex(of: column) else {
                throw WorkloadError.missingColumn(
                    file,
                    line: lines.lineNumber,
                    column: column,
                    found: names.joined(separator: ",")
                )
            }
            columns.append((column, index))
        }
        var rows = 0
        while let range = lines.next() {
            if let limit, rows >= limit { break }
            if lines.isBlank(range) { continue }
            let fields = split(range, in: lines)
            guard fields.count == names.count else {
                throw WorkloadError.fieldCount(file, line: lines.lineNumber, expected: names.count, found: fields.count)
            }
            try body(CSVRow(line: lines.lineNumber, file: file, scanner: lines, fields: fields, columns: columns))
            rows += 1
        }
        if rows == 0, limit ?? 1 > 0 {
            throw WorkloadError.noDataRows(file)
        }
    }

    /// Splits a line at commas into field ranges trimmed of spaces and tabs.
    private static func split(_ range: Range<Int>, in lines: LineScanner) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = range.lowerBound
        for index in range where lines.bytes[index] == UInt8(ascii: ",") {
            fields.append(trim(start..<index, in: lines))
            start = index + 1
        }
        fields.append(trim(start..<range.upperBound, in: lines))
        return fields
    }

    private static func trim(_ range: Range<Int>, in lines: LineScanner) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isSpace(lines.bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(lines.bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}

import Foundation

/// Walks the lines of a UTF-8 buffer without copying it or splitting it into strings.
///
/// Lines end at `\n`; a `\r` before it is dropped, and a UTF-8 byte-order mark at the start is skipped. Line numbers
/// are 1-based, as an editor shows them.
struct LineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private var position: Int
    /// The number of the line most recently returned by ``next()``; 0 before the first call.
    private(set) var lineNumber = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        position = bytes.starts(with: bom) ? 3 : 0
    }

    /// Returns the byte range of the next line (without its terminator), or nil at the end of the buffer.
    mutating func next() -> Range<Int>? {
        let end = bytes.count
        guard position < end else { return nil }
        let start = position
        var cursor = start
        while cursor < end, bytes[cursor] != UInt8(ascii: "\n") {
            cursor += 1
        }
        position = cursor + 1
        lineNumber += 1
        var stop = cursor
        if stop > start, bytes[stop - 1] == UInt8(ascii: "\r") {
            stop -= 1
        }
        return start..<stop
    }

    /// Whether the range holds only spaces and tabs (or nothing).
    func isBlank(_ range: Range<Int>) -> Bool {
        range.allSatisfy { bytes[$0] == UInt8(ascii: " ") || bytes[$0] == UInt8(ascii: "\t") }
    }

    /// The text of a byte range.
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Calls `body` with the UTF-8 bytes of `data`.
    static func withBytes<Result>(
        of data: Data,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result {
        try data.withUnsafeBytes { raw in try body(raw.bindMemory(to: UInt8.self)) }
    }

    /// Calls `body` with the UTF-8 bytes of `text`.
    static func withBytes<Result>(
        of text: String,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result {
        var text = text
        return try text.withUTF8 { try body($0) }
    }
}

import Foundation

/// Watches an OpenAI-style SSE stream as it passes through, without changing or holding it: counts the chunks that
/// carry generated text, notices `data: [DONE]` and error events, and reads `usage` from the chunk that has it.
///
/// It works on the bytes as they arrive, in pieces of any size, keeping only the unfinished last line. Only a line
/// that holds `"usage":{` is decoded as JSON; every other line is scanned for a few byte patterns.
public struct SSEScanner: Sendable {
    /// Chunks that carried generated text (`"text":"…"` or `"content":"…"` not empty): one token each for vLLM,
    /// SGLang and llama.cpp.
    public private(set) var textChunks = 0
    /// `data: [DONE]` was seen.
    public private(set) var done = false
    /// An `error` event or `{"error": …}` data line was seen.
    public private(set) var sawError = false
    /// `usage.completion_tokens` from the usage chunk, when the stream had one.
    public private(set) var completionTokens: Int?
    public private(set) var promptTokens: Int?

    private var line: [UInt8] = []
    private var overlong = false
    /// Lines longer than this are skipped (a data line is a few hundred bytes).
    private let maxLine = 1 << 20

    public init() {}

    /// Feeds the next piece of the stream.
    /// - Returns: how many text chunks this piece completed.
    @discardableResult
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> Int where Bytes.Element == UInt8 {
        Array(bytes).withUnsafeBytes { feed($0) }
    }

    /// Feeds the next piece of the stream from memory: the proxy's path, which finds line ends with `memchr` and
    /// copies each line's bytes at once instead of one by one.
    /// - Returns: how many text chunks this piece completed.
    @discardableResult
    public mutating func feed(_ buffer: UnsafeRawBufferPointer) -> Int {
        let before = textChunks
        guard let base = buffer.baseAddress else { return 0 }
        var start = 0
        let count = buffer.count
        while start < count {
            let end: Int
            if let found = memchr(base + start, Int32(UInt8(ascii: "\n")), count - start) {
                end = base.distance(to: UnsafeRawPointer(found))
            } else {
                end = count
            }
            if !overlong {
                if line.count + (end - start) <= maxLine {
                    line.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
                } else {
                    overlong = true
                }
            }
            guard end < count else { break }
            if !overlong { handle(line) }
            line.removeAll(keepingCapacity: true)
            overlong = false
            start = end + 1
        }
        return textChunks - before
    }

    /// Handles a last line that came without its newline, at the end of the stream.
    /// - Returns: how many text chunks it completed.
    @discardableResult
    public mutating func finish() -> Int {
        let before = textChunks
        if !overlong, !line.isEmpty { handle(line) }
        line.removeAll()
        overlong = false
        return textChunks - before
    }

    private mutating func handle(_ raw: [UInt8]) {
        var line = raw[...]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if line.starts(with: Self.eventError) {
            sawError = true
            return
        }
        guard line.starts(with: Self.dataPrefix) else { return }
        var payload = line.dropFirst(Self.dataPrefix.count)
        if payload.first == UInt8(ascii: " ") { payload = payload.dropFirst() }
        if payload.elementsEqual(Self.doneMarker) {
            done = true
            return
        }
        if Self.startsWithErrorObject(payload) {
            sawError = true
            return
        }
        if Self.tokenKeys.contains(where: { Self.hasNonEmptyString(payload, key: $0) }) {
            textChunks += 1
        }
        if Self.hasObject(payload, key: Self.usageKey) { readUsage(Data(payload)) }
    }

    private mutating func readUsage(_ data: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let usage = object["usage"] as? [String: Any]
        else { return }
        if let tokens = usage["completion_tokens"] as? NSNumber { completionTokens = tokens.intValue }
        if let tokens = usage["prompt_tokens"] as? NSNumber { promptTokens = tokens.intValue }
    }

    private static func hasNonEmptyString(_ payload: ArraySlice<UInt8>, key: [UInt8]) -> Bool {
        var rest = payload
        while let end = find(key, in: rest) {
            let value = skipSpaces(payload, from: end)
            if value + 1 < payload.endIndex, payload[value] == UInt8(ascii: "\""),
                payload[value + 1] != UInt8(ascii: "\"")
            {
                return true
            }
            rest = payload[end...]
        }
        return false
    }

    private static func startsWithErrorObject(_ payload: ArraySlice<UInt8>) -> Bool {
        guard payload.first == UInt8(ascii: "{") else { return false }
        let key = skipSpaces(payload, from: payload.startIndex + 1)
        return payload[key...].starts(with: Array("\"error\"".utf8))
    }

    private static func hasObject(_ payload: ArraySlice<UInt8>, key: [UInt8]) -> Bool {
        var rest = payload
        while let end = find(key, in: rest) {
            let value = skipSpaces(payload, from: end)
            if value < payload.endIndex, payload[value] == UInt8(ascii: "{") { return true }
            rest = payload[end...]
        }
        return false
    }

    private static func skipSpaces(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }

    /// The index just past the first occurrence of `pattern` in `bytes`.
    private static func find(_ pattern: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var index = bytes.startIndex
        let last = bytes.endIndex - pattern.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                return index + pattern.count
            }
            index += 1
        }
        return nil
    }

    private static let dataPrefix = Array("data:".utf8)
    private static let eventError = Array("event: error".utf8)
    private static let doneMarker = Array("[DONE]".utf8)
    private static let textKey = Array("\"text\":".utf8)
    private static let contentKey = Array("\"content\":".utf8)
    /// Generated text in a chunk: completions `text`, chat `content`, reasoning models' `reasoning_content` (vLLM,
    /// SGLang) or `reasoning`, and tool calls' `arguments`.
    private static let tokenKeys = [
        textKey, contentKey, Array("\"reasoning_content\":".utf8), Array("\"reasoning\":".utf8),
        Array("\"arguments\":".utf8),
    ]
    private static let usageKey = Array("\"usage\":".utf8)
}

import ArgumentParser
import Foundation

/// The command line's comma-separated lists (`--seeds 1,2,3`, `--train-loads 0.7,0.9`, …): every item trimmed and
/// read by `element`; a list with no item, an empty item or an item `element` refuses is an error that names the
/// option, what it expects and what was given.
enum CommaList {
    /// - Parameters:
    ///   - text: The option's value as typed.
    ///   - option: The option's name, `--seeds`.
    ///   - expected: What it takes, to finish "--seeds must be …": `comma-separated non-negative integers`.
    ///   - element: Reads one item; nil refuses it.
    /// - Returns: The items, in order.
    /// - Throws: `ValidationError` naming the option, what it expects and the text given.
    static func parse<Element>(
        _ text: String,
        option: String,
        expected: String,
        _ element: (String) -> Element?
    ) throws -> [Element] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let values = items.compactMap { $0.isEmpty ? nil : element($0) }
        guard !values.isEmpty, values.count == items.count else {
            throw ValidationError("\(option) must be \(expected), got '\(text)'.")
        }
        return values
    }
}

/// A naive wall-clock timestamp as the Azure traces write it: `2023-11-16 18:17:03.9799600`.
///
/// Parsed by hand from bytes (a `DateFormatter` per row would dominate the load time). The time zone is irrelevant:
/// only differences between timestamps of one file are used. Seconds and the fraction are kept apart, so a
/// difference keeps the file's full 100 ns resolution.
struct TraceTimestamp: Comparable {
    /// Whole seconds since 1970-01-01 00:00:00 of the same (unknown) time zone.
    var seconds: Int
    /// The fraction of the second, in nanoseconds (0..<1_000_000_000).
    var nanoseconds: Int

    static func < (lhs: TraceTimestamp, rhs: TraceTimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Seconds from `origin` to `self`.
    func seconds(since origin: TraceTimestamp) -> Double {
        Double(seconds - origin.seconds) + Double(nanoseconds - origin.nanoseconds) * 1e-9
    }

    /// Parses `YYYY-MM-DD HH:MM:SS` with an optional fraction of 1 to 9 digits; a `T` may replace the space.
    /// - Returns: nil when the bytes do not have that form or a part is out of range (month 13, February 30,
    ///   hour 24, ...).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> TraceTimestamp? {
        var cursor = range.lowerBound
        let end = range.upperBound

        func number(digits: Int) -> Int? {
            guard cursor + digits <= end else { return nil }
            var value = 0
            for _ in 0..<digits {
                let byte = bytes[cursor]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                cursor += 1
            }
            return value
        }

        func expect(_ allowed: UInt8, or alternative: UInt8? = nil) -> Bool {
            guard cursor < end, bytes[cursor] == allowed || bytes[cursor] == alternative else { return false }
            cursor += 1
            return true
        }

        guard let year = number(digits: 4), expect(UInt8(ascii: "-")),
            let month = number(digits: 2), expect(UInt8(ascii: "-")),
            let day = number(digits: 2), expect(UInt8(ascii: " "), or: UInt8(ascii: "T")),
            let hour = number(digits: 2), expect(UInt8(ascii: ":")),
            let minute = number(digits: 2), expect(UInt8(ascii: ":")),
            let second = number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }

        var nanoseconds = 0
        if cursor < end {
            guard expect(UInt8(ascii: ".")) else { return nil }
            var scale = 100_000_000
            let fractionStart = cursor
            while cursor < end {
                let byte = bytes[cursor]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), cursor - fractionStart < 9 else {
                    return nil
                }
                nanoseconds += Int(byte - UInt8(ascii: "0")) * scale
                scale /= 10
                cursor += 1
            }
            guard cursor > fractionStart else { return nil }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return TraceTimestamp(seconds: ((days * 24 + hour) * 60 + minute) * 60 + second, nanoseconds: nanoseconds)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant, "chrono-Compatible Low-Level Date
    /// Algorithms", `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

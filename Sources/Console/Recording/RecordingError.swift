/// An error reading or writing a session recording or a walkthrough script.
public struct RecordingError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    static func cannotWrite(_ path: String) -> Self { Self(description: "Cannot write the recording file \(path).") }
    static func cannotRead(_ path: String) -> Self { Self(description: "Cannot read \(path).") }
    static func badRecording(_ path: String, line: Int, _ why: String) -> Self {
        Self(description: line > 0 ? "Recording \(path) line \(line): \(why)." : "Recording \(path): \(why).")
    }
    static func badScript(_ path: String, line: Int, _ why: String) -> Self {
        Self(description: "Script \(path) line \(line): \(why).")
    }
}

import Foundation

/// Reads a whole trace file into memory, turning I/O failures into ``WorkloadError``.
enum TraceFile {
    /// The contents of the file at `path`.
    /// - Throws: ``WorkloadError`` naming the path when it does not exist, is a folder or cannot be read.
    static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WorkloadError.unreadable(path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw WorkloadError.unreadable(path, reason: "it is a folder, not a file")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw WorkloadError.unreadable(path, reason: error.localizedDescription)
        }
    }
}

import Foundation

/// Reads a whole trace file into memory, turning I/O failures into ``WorkloadError``.
enum TraceFile {
    /// The contents of the file at `path`: a regular file, or a pipe or device read to its end.
    /// - Throws: ``WorkloadError`` naming the path when it does not exist, is a folder or cannot be read.
    static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WorkloadError.unreadable(path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw WorkloadError.unreadable(path, reason: "it is a folder, not a file")
        }
        // Through a file handle, read to its end: a pipe (`azure:<(zcat trace.csv.gz)`) or a device has no size
        // to read up to, which `Data(contentsOf:)` needs.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WorkloadError.unreadable(path, reason: "permission denied")
        }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw WorkloadError.unreadable(path, reason: error.localizedDescription)
        }
    }
}

import Foundation

/// An error a command reports in one sentence, without the usage text (which only helps with a wrong flag).
struct CommandError: Error, CustomStringConvertible {
    let description: String
}

/// Checks, before anything is printed or started, that this process can listen on `host:port`.
enum PortCheck {
    /// - Throws: ``CommandError`` "cannot listen on HOST:PORT: address in use" (or the system's reason).
    static func ensureFree(host: String, port: Int) throws {
        guard port > 0 else { return }  // 0: the system picks a free port.
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let lookupHost = host == "localhost" ? "127.0.0.1" : host
        guard getaddrinfo(lookupHost, String(port), &hints, &list) == 0, let info = list else {
            throw CommandError(description: "cannot listen on \(host):\(port): the address does not resolve.")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let reason = errno == EADDRINUSE ? "address in use" : String(cString: strerror(errno))
            throw CommandError(description: "cannot listen on \(host):\(port): \(reason).")
        }
    }
}

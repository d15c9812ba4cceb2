import Foundation

/// Ports on 127.0.0.1, for tests that start servers on ports of their own choosing.
public enum LoopbackPort {
    /// Whether a socket can bind 127.0.0.1:`port` now; the socket is closed at once.
    /// - Parameters:
    ///   - port: The port.
    ///   - reuseAddress: Bind with SO_REUSEADDR, as servers do (NIO and Envoy): a port whose old connections linger
    ///     in TIME_WAIT then counts as free; binding still fails while another socket listens there.
    /// - Returns: true when the bind succeeded.
    public static func isFree(_ port: Int, reuseAddress: Bool = true) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if reuseAddress {
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0
    }
}

import Foundation
import Synchronization

/// A tiny HTTP/1.1 server on a loopback port, on its own thread, that closes the connection of its first
/// completion request without answering (as a server closing a kept-alive connection does) and answers everything
/// else; every reply closes its connection.
final class ClosingServer: Sendable {
    let port: Int
    private let fd: Int32
    private let completions = Mutex(0)

    var completionRequests: Int { completions.withLock { $0 } }

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = self.fd
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            handle(client)
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        // Read the head, then the body by Content-Length.
        while true {
            let count = read(client, &buffer, buffer.count)
            if count <= 0 { return }
            data.append(contentsOf: buffer[0..<count])
            let text = String(decoding: data, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text[end.upperBound...].utf8.count >= length { break }
        }
        let request = String(decoding: data, as: UTF8.self)
        func reply(_ status: String, _ type: String, _ body: String) {
            let text =
                "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            _ = text.withCString { write(client, $0, strlen($0)) }
        }
        if request.hasPrefix("POST /v1/completions") {
            let first = completions.withLock { count in
                count += 1
                return count == 1
            }
            if first { return }  // Close without a byte of reply.
            reply(
                "200 OK",
                "application/json",
                #"{"id":"c","object":"text_completion","model":"m","choices":[{"index":0,"text":"hi","finish_reason":"length"}],"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}"#
            )
        } else if request.hasPrefix("GET /health") {
            reply("200 OK", "text/plain", "ok")
        } else if request.hasPrefix("GET /metrics") {
            reply("200 OK", "text/plain", "vllm:num_requests_running 0\nvllm:num_requests_waiting 0\n")
        } else {
            reply("404 Not Found", "text/plain", "")
        }
    }
}

import Foundation
import Gateway

/// The backends as Envoy names them: `ip:port` (IPv6 as `[addr]:port`), the form of GIE's
/// `x-gateway-destination-endpoint`, its subset hint and the test header `test-epp-endpoint-selection`.
public struct EndpointTable: Sendable, Equatable {
    /// Each backend's `ip:port`, in the router's order.
    public let endpoints: [String]

    /// - Parameters:
    ///   - backends: The backends, in the router's order.
    ///   - resolve: The address of a host name (Envoy's ORIGINAL_DST cluster and its override-host policy take an
    ///     address, not a name); the system's resolver by default, asked once, at start.
    /// - Throws: ``GatewayConfigError`` naming a backend whose URL has no host, or whose host does not resolve.
    public init(
        backends: [BackendDescriptor],
        resolve: (String) -> String? = EndpointTable.systemAddress
    ) throws(GatewayConfigError) {
        endpoints = try backends.map { backend throws(GatewayConfigError) in
            try Self.endpoint(of: backend, resolve: resolve)
        }
    }

    /// `ip:port` of a backend's URL.
    static func endpoint(
        of backend: BackendDescriptor,
        resolve: (String) -> String?
    ) throws(GatewayConfigError) -> String {
        guard let components = URLComponents(string: backend.url), var host = components.host, !host.isEmpty else {
            throw .invalid(field: "--backend", value: backend.url, reason: "the URL has no host")
        }
        let defaultPort = components.scheme == "https" ? 443 : 80
        let port = components.port ?? defaultPort
        if host == "localhost" { host = "127.0.0.1" }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if !Self.isIPv4(host) && !host.contains(":") {
            guard let address = resolve(host) else {
                throw .invalid(
                    field: "--backend",
                    value: backend.url,
                    reason: "'\(host)' does not resolve, and Envoy needs the backend's IP address"
                )
            }
            host = address
        }
        if host.contains(":") { return "[\(host)]:\(port)" }
        return "\(host):\(port)"
    }

    /// The first address the system resolver gives for `host`, IPv4 first; nil when it gives none.
    public static func systemAddress(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var candidates: [(family: Int32, text: String)] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                current.pointee.ai_addr,
                current.pointee.ai_addrlen,
                &buffer,
                socklen_t(buffer.count),
                nil,
                0,
                NI_NUMERICHOST
            ) == 0 {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                candidates.append((current.pointee.ai_family, text))
            }
            entry = current.pointee.ai_next
        }
        return candidates.first { $0.family == AF_INET }?.text ?? candidates.first?.text
    }

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in UInt8(part) != nil && !part.isEmpty }
    }

    /// The backends a list of `ip:port` or bare `ip` entries names (a bare IP names every port on it), as GIE's
    /// subset hint and test header do. Unknown entries are ignored.
    public func matching<Entries: Sequence<String>>(_ entries: Entries) -> Set<Int> {
        var result = Set<Int>()
        for raw in entries {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            for (index, endpoint) in endpoints.enumerated()
            where endpoint == entry || Self.host(of: endpoint) == Self.bareHost(entry) && !Self.hasPort(entry) {
                result.insert(index)
            }
        }
        return result
    }

    /// The host part of an `ip:port` or `[v6]:port` endpoint.
    static func host(of endpoint: String) -> Substring {
        guard let colon = endpoint.lastIndex(of: ":") else { return Substring(endpoint) }
        return bareHost(endpoint[..<colon])
    }

    static func bareHost<Text: StringProtocol>(_ text: Text) -> Substring {
        var host = Substring(text)
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return host
    }

    /// True for `1.2.3.4:80` and `[::1]:80`; false for `1.2.3.4`, `::1` and `[::1]`.
    static func hasPort(_ entry: String) -> Bool {
        if entry.hasPrefix("[") { return entry.contains("]:") }
        return entry.filter { $0 == ":" }.count == 1
    }
}

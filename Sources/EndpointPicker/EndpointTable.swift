import Foundation
import Gateway

/// The backends as Envoy names them: `ip:port` (IPv6 as `[addr]:port`), the form of GIE's
/// `x-gateway-destination-endpoint`, its subset hint and the test header `test-epp-endpoint-selection`.
public struct EndpointTable: Sendable, Equatable {
    /// Each backend's `ip:port`, in the router's order.
    public let endpoints: [String]

    /// - Throws: ``GatewayConfigError`` naming a backend whose URL has no IP address: Envoy's ORIGINAL_DST cluster
    ///   and its override-host policy take an address, not a host name (`localhost` is read as 127.0.0.1).
    public init(backends: [BackendDescriptor]) throws(GatewayConfigError) {
        endpoints = try backends.map { backend throws(GatewayConfigError) in try Self.endpoint(of: backend) }
    }

    /// `ip:port` of a backend's URL.
    static func endpoint(of backend: BackendDescriptor) throws(GatewayConfigError) -> String {
        guard let components = URLComponents(string: backend.url), var host = components.host, !host.isEmpty else {
            throw .invalid(field: "--backend", value: backend.url, reason: "the URL has no host")
        }
        let defaultPort = components.scheme == "https" ? 443 : 80
        let port = components.port ?? defaultPort
        if host == "localhost" { host = "127.0.0.1" }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if Self.isIPv4(host) { return "\(host):\(port)" }
        if host.contains(":") { return "[\(host)]:\(port)" }
        throw .invalid(
            field: "--backend",
            value: backend.url,
            reason: "an endpoint picker names backends to Envoy by IP address; use the server's IP instead of '\(host)'"
        )
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

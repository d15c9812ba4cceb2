import Foundation
import RouterCore

/// One serving engine the gateway routes to, as configured.
public struct BackendDescriptor: Sendable, Equatable {
    /// The base URL without a trailing slash, for example `http://10.0.0.5:8000`. A trailing `/v1` is removed.
    public var url: String
    /// A short name for the console and the metrics labels; the URL's host and port by default.
    public var name: String
    /// The engine, when configured; nil detects it from the first scrape.
    public var kind: EngineKind?

    public init(url: String, name: String? = nil, kind: EngineKind? = nil) {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        self.url = base
        self.kind = kind
        if let name {
            self.name = name
        } else {
            var short = Substring(base)
            if let scheme = short.range(of: "://") { short = short[scheme.upperBound...] }
            self.name = String(short)
        }
    }

    /// Parses `URL`, `NAME=URL` or `NAME=URL#KIND` (kind: vllm, sglang, llamacpp), as typed after `--backend`.
    /// - Throws: ``GatewayConfigError`` naming the value when it is not an http(s) URL or the kind is unknown.
    public static func parse(_ text: String) throws(GatewayConfigError) -> BackendDescriptor {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var name: String? = nil
        var kind: EngineKind? = nil
        if let hash = rest.lastIndex(of: "#") {
            let kindText = String(rest[rest.index(after: hash)...])
            guard let parsed = EngineKind(rawValue: kindText.lowercased()), parsed != .unknown else {
                throw .invalid(
                    field: "--backend",
                    value: text,
                    reason: "unknown engine kind '\(kindText)'; use vllm, sglang or llamacpp"
                )
            }
            kind = parsed
            rest = rest[..<hash]
        }
        if let equals = rest.firstIndex(of: "="), !rest[..<equals].contains(":") {
            name = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
        }
        let url = String(rest)
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > "http://".count else {
            throw .invalid(field: "--backend", value: text, reason: "expected an http:// or https:// URL")
        }
        if let name, name.isEmpty {
            throw .invalid(field: "--backend", value: text, reason: "the name before '=' is empty")
        }
        return BackendDescriptor(url: url, name: name, kind: kind)
    }
}

/// A configuration value the gateway cannot use.
public struct GatewayConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    public static func invalid(field: String, value: String, reason: String) -> Self {
        Self(description: "\(field) '\(value)': \(reason).")
    }

    public init(description: String) { self.description = description }
}

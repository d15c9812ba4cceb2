import Foundation
import Gateway
import SwitchyardCore
import TOMLKit

/// `switchyard serve --config FILE`: the gateway's settings in TOML. Flags given on the command line override the
/// file.
///
/// ```toml
/// listen = "127.0.0.1:8080"
/// policy = "least-impact"
/// tail_slack = 0.25                  # the tail guard of least-impact and rl-guarded (a fraction, or "off")
/// # admin_token = "change-me"        # required when listen is beyond loopback
/// max_body_bytes = 4194304
/// # burst_max_context = 4096         # cap load-generator requests to the backends' context
///
/// [timeouts]                         # seconds
/// connect = 2
/// first_byte = 60
/// idle = 30
/// request = 600
///
/// [scrape]                           # seconds
/// interval = 0.25
/// health_interval = 1
/// staleness = 2
///
/// [outlier]                          # as Envoy's outlier detection
/// consecutive_5xx = 5                # 0 turns ejection off
/// ejection_time = 30                 # seconds, longer after each further ejection
/// max_ejection_time = 300
///
/// [imbalance]                       # when an instance stands out (console, /admin/state)
/// queue = 8                          # waiting requests above the median
/// kv = 0.3                           # KV-cache usage above the median
///
/// [admission]                       # TTFT objectives; requests that cannot meet theirs get 429
/// ttft_slo = 2.0                     # seconds; the default objective (none when left out)
/// priority = 0                       # negative: sheddable, refused first
///
/// [admission.objectives.batch]       # picked by the header x-gateway-inference-objective: batch
/// ttft_slo = 30
/// priority = -1
///
/// [[backend]]
/// url = "http://10.0.0.5:8000"
/// name = "gpu-a"                     # optional
/// engine = "vllm"                    # optional: vllm, sglang, llamacpp; detected when left out
/// ```
public enum GatewayConfigFile {
    /// Reads `path` into a configuration.
    /// - Throws: ``GatewayConfigError`` naming the file, and the line or the key, that is wrong.
    public static func load(path: String) throws(GatewayConfigError) -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw GatewayConfigError(description: "\(path): cannot read the file.") }
        return try parse(text, file: path)
    }

    /// `tail_slack`: a fraction of at least 0, or "off" (no guard).
    static func tailSlack(_ table: TOMLTable, file: String) throws(GatewayConfigError) -> Double? {
        let value = table["tail_slack"]
        if value?.string == "off" { return nil }
        let number = value?.double ?? value?.int.map(Double.init)
        guard let number, number >= 0, number.isFinite else {
            throw GatewayConfigError(description: "\(file): tail_slack must be a number of at least 0, or \"off\".")
        }
        return number
    }

    public static func parse(_ text: String, file: String) throws(GatewayConfigError) -> GatewayConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw GatewayConfigError(
                description: "\(file) line \(error.source.begin.line): \(error.description)"
            )
        } catch {
            throw GatewayConfigError(description: "\(file): \(error)")
        }
        var config = GatewayConfiguration(backends: [])
        let known = [
            "listen", "policy", "admin_token", "max_body_bytes", "burst_max_context", "seed", "timeouts", "scrape",
            "outlier", "backend", "admission", "imbalance", "tail_slack",
        ]
        for key in table.keys where !known.contains(key) {
            throw GatewayConfigError(
                description: "\(file): unknown key '\(key)'. Known: \(known.joined(separator: ", "))."
            )
        }
        if let listen = try string(table, "listen", file: file) {
            (config.host, config.port) = try parseListen(listen, field: "\(file): listen")
        }
        if let policy = try string(table, "policy", file: file) { config.policy = policy }
        if table.contains(key: "tail_slack") { config.tailSlack = try tailSlack(table, file: file) }
        config.adminToken = try string(table, "admin_token", file: file)
        if let bytes = try int(table, "max_body_bytes", file: file) { config.maxBodyBytes = bytes }
        config.burstMaxContext = try int(table, "burst_max_context", file: file)
        if let seed = try int(table, "seed", file: file) { config.seed = UInt64(max(0, seed)) }
        if let timeouts = try subtable(table, "timeouts", file: file) {
            try checkKeys(timeouts, ["connect", "first_byte", "idle", "request"], section: "timeouts", file: file)
            if let v = try number(timeouts, "connect", section: "timeouts", file: file) { config.connectTimeout = v }
            if let v = try number(timeouts, "first_byte", section: "timeouts", file: file) {
                config.firstByteTimeout = v
            }
            if let v = try number(timeouts, "idle", section: "timeouts", file: file) { config.idleTimeout = v }
            if let v = try number(timeouts, "request", section: "timeouts", file: file) { config.requestTimeout = v }
        }
        if let scrape = try subtable(table, "scrape", file: file) {
            try checkKeys(scrape, ["interval", "health_interval", "staleness"], section: "scrape", file: file)
            if let v = try number(scrape, "interval", section: "scrape", file: file) { config.scrapeInterval = v }
            if let v = try number(scrape, "health_interval", section: "scrape", file: file) {
                config.healthInterval = v
            }
            if let v = try number(scrape, "staleness", section: "scrape", file: file) { config.stalenessBound = v }
        }
        if let outlier = try subtable(table, "outlier", file: file) {
            try checkKeys(
                outlier,
                ["consecutive_5xx", "ejection_time", "max_ejection_time"],
                section: "outlier",
                file: file
            )
            if let v = try int(outlier, "consecutive_5xx", file: file) {
                config.outlierDetection.consecutiveServerErrors = v
            }
            if let v = try number(outlier, "ejection_time", section: "outlier", file: file) {
                config.outlierDetection.baseEjectionTime = v
            }
            if let v = try number(outlier, "max_ejection_time", section: "outlier", file: file) {
                config.outlierDetection.maxEjectionTime = v
            }
        }
        if let imbalance = try subtable(table, "imbalance", file: file) {
            try checkKeys(imbalance, ["queue", "kv"], section: "imbalance", file: file)
            if let v = try int(imbalance, "queue", file: file) {
                guard v >= 1 else {
                    throw GatewayConfigError(description: "\(file): imbalance.queue must be at least 1, got \(v).")
                }
                config.imbalance.queue = v
            }
            if let v = try number(imbalance, "kv", section: "imbalance", file: file) {
                guard v > 0, v <= 1 else {
                    throw GatewayConfigError(description: "\(file): imbalance.kv must be in (0, 1], got \(v).")
                }
                config.imbalance.kvUsage = v
            }
        }
        if let admission = try subtable(table, "admission", file: file) {
            try checkKeys(admission, ["ttft_slo", "priority", "objectives"], section: "admission", file: file)
            config.admission.defaultObjective = try objective(admission, section: "admission", file: file)
            if let objectives = try subtable(admission, "objectives", file: file) {
                for name in objectives.keys {
                    let section = "admission.objectives.\(name)"
                    guard let entry = objectives[name]?.table else {
                        throw GatewayConfigError(description: "\(file): '\(section)' must be a table.")
                    }
                    try checkKeys(entry, ["ttft_slo", "priority"], section: section, file: file)
                    config.admission.objectives[name] = try objective(entry, section: section, file: file)
                }
            }
        }
        if let value = table["backend"] {
            guard let list = value.array else {
                throw GatewayConfigError(description: "\(file): 'backend' must be an array of tables ([[backend]]).")
            }
            for (index, item) in list.enumerated() {
                let place = "\(file): backend[\(index)]"
                guard let entry = item.table else {
                    throw GatewayConfigError(description: "\(place) must be a table with a url.")
                }
                try checkKeys(entry, ["url", "name", "engine"], section: "backend[\(index)]", file: file)
                guard let url = entry["url"]?.string else {
                    throw GatewayConfigError(description: "\(place).url is required and must be a string.")
                }
                var spec = url
                if let name = entry["name"]?.string { spec = "\(name)=\(url)" }
                if let engine = entry["engine"]?.string { spec += "#\(engine)" }
                let backend: BackendDescriptor
                do {
                    backend = try BackendDescriptor.parse(spec)
                } catch {
                    throw GatewayConfigError(description: "\(place): \(error.description)")
                }
                if let earlier = config.backends.firstIndex(where: { $0.name == backend.name }) {
                    throw GatewayConfigError(
                        description:
                            "\(place): the name '\(backend.name)' is already backend[\(earlier)]'s; each backend needs its own name (it labels /metrics and x-switchyard-backend)."
                    )
                }
                config.backends.append(backend)
            }
        }
        return config
    }

    /// Parses `HOST:PORT`, `:PORT` or `PORT`.
    public static func parseListen(_ text: String, field: String) throws(GatewayConfigError) -> (String, Int) {
        var host = "127.0.0.1"
        var portText = text
        if let colon = text.lastIndex(of: ":") {
            let head = String(text[..<colon])
            if !head.isEmpty { host = head.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw GatewayConfigError(description: "\(field) '\(text)': expected HOST:PORT with a port in 0...65535.")
        }
        return (host, port)
    }

    /// A `ttft_slo` (seconds, positive) and `priority` (an integer) pair.
    private static func objective(
        _ table: TOMLTable,
        section: String,
        file: String
    ) throws(GatewayConfigError) -> ServiceObjective {
        let ttft = try number(table, "ttft_slo", section: section, file: file)
        if let ttft, ttft <= 0 {
            throw GatewayConfigError(description: "\(file): \(section).ttft_slo must be positive, got \(ttft).")
        }
        let priority = try int(table, "priority", file: file) ?? 0
        return ServiceObjective(ttft: ttft, priority: priority)
    }

    private static func checkKeys(
        _ table: TOMLTable,
        _ known: [String],
        section: String,
        file: String
    )
        throws(GatewayConfigError)
    {
        for key in table.keys where !known.contains(key) {
            throw GatewayConfigError(
                description: "\(file): unknown key '\(section).\(key)'. Known: \(known.joined(separator: ", "))."
            )
        }
    }

    private static func subtable(
        _ table: TOMLTable,
        _ key: String,
        file: String
    ) throws(GatewayConfigError)
        -> TOMLTable?
    {
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw GatewayConfigError(description: "\(file): '\(key)' must be a table.") }
        return sub
    }

    private static func string(_ table: TOMLTable, _ key: String, file: String) throws(GatewayConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            throw GatewayConfigError(description: "\(file): '\(key)' must be a string.")
        }
        return text
    }

    private static func int(_ table: TOMLTable, _ key: String, file: String) throws(GatewayConfigError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else {
            throw GatewayConfigError(description: "\(file): '\(key)' must be an integer.")
        }
        return number
    }

    private static func number(
        _ table: TOMLTable,
        _ key: String,
        section: String,
        file: String
    )
        throws(GatewayConfigError) -> Double?
    {
        guard let value = table[key] else { return nil }
        if let number = value.double { return number }
        if let number = value.int { return Double(number) }
        throw GatewayConfigError(description: "\(file): '\(section).\(key)' must be a number of seconds.")
    }
}

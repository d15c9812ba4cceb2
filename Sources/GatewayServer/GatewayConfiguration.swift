import Engine
import Gateway
import RouterCore
import Routing
import SwitchyardCore

/// Everything `switchyard serve` is told: where to listen, the backends, the policy and the limits.
public struct GatewayConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    public var backends: [BackendDescriptor]
    public var policy: String
    /// Seconds to open a connection to a backend.
    public var connectTimeout: Double
    /// Seconds from sending a request to the backend's response head (streaming requests).
    public var firstByteTimeout: Double
    /// Seconds a stream may go without a byte before the gateway gives up on it.
    public var idleTimeout: Double
    /// Seconds a non-streaming request may take in all.
    public var requestTimeout: Double
    /// Seconds between scrapes of each backend's `/metrics`.
    public var scrapeInterval: Double
    /// Seconds between `/health` probes of a backend that is down.
    public var healthInterval: Double
    /// Seconds after which scraped metrics are stale and not trusted.
    public var stalenessBound: Double
    /// Largest request body accepted, in bytes; larger ones get 413.
    public var maxBodyBytes: Int
    /// Bearer token for `/admin/*`; required when `host` is not a loopback address.
    public var adminToken: String?
    /// Seconds a request may wait in the router's queue when a policy holds it; then it goes to the least-loaded
    /// backend rather than being dropped.
    public var holdLimit: Double
    /// Admission control: TTFT objectives, their priorities, and the named objectives requests may pick.
    public var admission = AdmissionSettings()
    /// When the console and `/admin/state` name an instance whose queue or KV usage stands out.
    public var imbalance = ImbalanceThreshold()
    /// Largest prompt + output tokens the load generator asks for (the backends' context); nil keeps the burst
    /// shapes' sizes.
    public var burstMaxContext: Int?
    /// Seed for the load generator's draws and the random policies.
    public var seed: UInt64
    /// When consecutive 5xx replies take a backend out of rotation.
    public var outlierDetection: OutlierDetection
    /// The latency coefficients the cost-aware policies and admission control score by: the paper's V100 ones,
    /// or a profile's (`--profile`, e.g. one `switchyard calibrate` fitted to these servers).
    public var cost: CostModel = .paperV100
    /// The profile `cost` came from, for the logs; nil for the default.
    public var profileName: String? = nil
    /// The whole profile when one was given: a live twin simulates these servers with it (else the built-in
    /// default), and the policies read its batch limit.
    public var profile: LatencyProfile? = nil
    /// `least-impact`'s tail guard (``LeastImpactPolicy/ttftSlack``); nil turns it off.
    public var tailSlack: Double? = LeastImpactPolicy.defaultSlack

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        backends: [BackendDescriptor],
        policy: String = "least-impact",
        connectTimeout: Double = 2,
        firstByteTimeout: Double = 60,
        idleTimeout: Double = 30,
        requestTimeout: Double = 600,
        scrapeInterval: Double = 0.25,
        healthInterval: Double = 1,
        stalenessBound: Double = MetricsFreshness.defaultStalenessBound,
        maxBodyBytes: Int = 4 << 20,
        adminToken: String? = nil,
        holdLimit: Double = 5,
        burstMaxContext: Int? = nil,
        seed: UInt64 = 42,
        outlierDetection: OutlierDetection = OutlierDetection()
    ) {
        self.outlierDetection = outlierDetection
        self.host = host
        self.port = port
        self.backends = backends
        self.policy = policy
        self.connectTimeout = connectTimeout
        self.firstByteTimeout = firstByteTimeout
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.scrapeInterval = scrapeInterval
        self.healthInterval = healthInterval
        self.stalenessBound = stalenessBound
        self.maxBodyBytes = maxBodyBytes
        self.adminToken = adminToken
        self.holdLimit = holdLimit
        self.burstMaxContext = burstMaxContext
        self.seed = seed
    }

    /// True for 127.0.0.0/8, ::1 and `localhost`.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Checks the values a user can get wrong.
    /// - Throws: ``GatewayConfigError`` naming the option.
    public func validate() throws(GatewayConfigError) {
        if backends.isEmpty {
            throw GatewayConfigError(description: "No backends: pass at least one --backend URL.")
        }
        if !isLoopback, (adminToken ?? "").isEmpty {
            throw GatewayConfigError(
                description:
                    "--listen \(host) is beyond loopback, so /admin/* needs a bearer token: pass --admin-token or set SWITCHYARD_ADMIN_TOKEN."
            )
        }
        let positive: [(String, Double)] = [
            ("--connect-timeout", connectTimeout), ("--first-byte-timeout", firstByteTimeout),
            ("--idle-timeout", idleTimeout), ("--request-timeout", requestTimeout),
            ("--scrape-interval", scrapeInterval), ("--health-interval", healthInterval),
            ("--staleness", stalenessBound),
        ]
        for (name, value) in positive where !(value > 0 && value.isFinite) {
            throw GatewayConfigError(description: "\(name) must be a positive number of seconds, got \(value).")
        }
        var seen: [String: String] = [:]
        for backend in backends {
            if let earlier = seen[backend.name] {
                throw GatewayConfigError(
                    description:
                        "Two backends are named '\(backend.name)' (\(earlier) and \(backend.url)): names label the /metrics series and the x-switchyard-backend header, so each must be unique. Name them NAME=URL."
                )
            }
            seen[backend.name] = backend.url
        }
        if outlierDetection.consecutiveServerErrors < 0 {
            throw GatewayConfigError(
                description:
                    "--eject-after-5xx must be 0 (off) or a count of replies, got \(outlierDetection.consecutiveServerErrors)."
            )
        }
        if !(outlierDetection.baseEjectionTime > 0 && outlierDetection.baseEjectionTime.isFinite) {
            throw GatewayConfigError(
                description:
                    "--ejection-time must be a positive number of seconds, got \(outlierDetection.baseEjectionTime)."
            )
        }
        if maxBodyBytes < 1024 {
            throw GatewayConfigError(description: "--max-body-bytes must be at least 1024, got \(maxBodyBytes).")
        }
        if !(0...65535).contains(port) {
            throw GatewayConfigError(description: "--listen port must be in 0...65535, got \(port).")
        }
    }
}

/// Seconds since the gateway started, the clock `LiveRouter` runs on.
public struct GatewayClock: Sendable {
    private let start = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        (ContinuousClock.now - start).inSeconds
    }
}

import ArgumentParser
import EndpointPicker
import Foundation
import Gateway
import GatewayServer

/// `switchyard epp`: the router as an endpoint picker behind Envoy (Gateway API Inference Extension).
struct EppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epp",
        abstract: "Pick endpoints for Envoy: the Gateway API Inference Extension's endpoint picker over ext_proc gRPC.",
        discussion: """
            Serves envoy.service.ext_proc.v3.ExternalProcessor/Process (FULL_DUPLEX_STREAMED bodies) and \
            grpc.health.v1.Health on --listen (plaintext HTTP/2). Each request is routed by the same router and \
            policies as `serve`; the answer sets x-gateway-destination-endpoint (header and envoy.lb metadata) to \
            the backend's ip:port, for Envoy's ORIGINAL_DST cluster or override_host policy. Responses are followed \
            to keep the ledger true. /metrics, /health and /admin/* are served over HTTP on --metrics-listen. \
            See the README, Behind Envoy, and deploy/.
            """
    )

    @OptionGroup var gateway: GatewayOptions

    @Option(
        help: ArgumentHelp(
            "HTTP address for /metrics, /health and /admin/* (default: with --config, the file's listen, 127.0.0.1:8080 if it has none; else 127.0.0.1:9090).",
            valueName: "host:port"
        )
    )
    var metricsListen: String?

    @Option(help: "Routing policy (default least-impact; see `switchyard policies`).")
    var policy: String?

    @Option(help: "Latency profile whose coefficients the cost-aware policies score by (a name or a .json file).")
    var profile: String?

    @Option(
        help:
            "The tail guard of least-impact and rl-guarded: the slack on a request's expected first-token wait (default 0.25), or off."
    )
    var tailSlack: TailSlack?

    @OptionGroup var output: ConsoleFlags

    func run() async throws {
        let grpcListen = gateway.listen ?? "127.0.0.1:9002"
        let (host, port): (String, Int)
        do { (host, port) = try GatewayConfigFile.parseListen(grpcListen, field: "--listen") } catch {
            throw CommandError(description: error.description)
        }
        try PortCheck.ensureFree(host: host, port: port)
        let http = (text: metricsListen ?? (gateway.config == nil ? "127.0.0.1:9090" : nil), field: "--metrics-listen")
        // Here --listen is the gRPC address: the HTTP side never falls back to it (it takes the settings file's
        // listen when there is a file and no --metrics-listen).
        var options = gateway
        options.listen = nil
        let server = try options.makeGateway(
            policy: policy,
            logFile: output.logFile,
            quiet: output.console,
            httpListen: http.text.map { ($0, http.field) },
            profile: profile,
            tailSlack: tailSlack
        )
        let config = server.configuration
        let picker: EndpointPickerServer
        do {
            picker = try EndpointPickerServer(gateway: server, host: host, port: port) { bound in
                let banner =
                    "Switchyard endpoint picker on \(host):\(bound) (ext_proc gRPC, policy \(config.policy)), \(config.backends.count) backend(s); /metrics on http://\(config.host):\(config.port). Ctrl-C stops.\n"
                if !output.console { FileHandle.standardError.write(Data(banner.utf8)) }
            }
        } catch {
            throw CommandError(description: "\(error)")
        }
        if output.console {
            // The header names the picker's gRPC address, where Envoy connects, not its metrics port.
            let label: @Sendable () -> String = { [host] in
                "picker \(host)\(picker.port.map { ":\($0)" } ?? "")"
            }
            try await runWithConsole(server, theme: output.theme, services: [picker], label: label)
        } else {
            try await server.run(services: [picker])
        }
    }
}

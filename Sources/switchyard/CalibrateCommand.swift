import ArgumentParser
import AsyncHTTPClient
import Calibration
import Calibrator
import Engine
import Foundation
import Gateway
import RouterCore
import SwitchyardCore

/// `switchyard calibrate`: a latency profile fitted to the user's own servers.
struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a latency profile to real servers: prefill sweeps, decode batches, the engine's limits.",
        discussion: """
            Sends controlled requests to each --backend in turn (streamed /v1/completions with ignore_eos): lone \
            prompts of growing length with one output token, then groups of streams decoding together with short \
            and long prompts. Fits the engine model's coefficients (fixed, per prefill token, per decoding \
            sequence, per context token) to the measured TTFTs and gaps between tokens, reads the context length, \
            slots and KV capacity from the server (vLLM /v1/models and cache_config_info, SGLang \
            max_total_num_tokens, llama.cpp /slots), and writes a profile JSON with its provenance and the fit's \
            residuals. Use it with bench/console --profile FILE, serve --profile FILE. A server that is busy is \
            refused (its load would bias the fit) unless --force.
            """
    )

    @Option(
        name: .customLong("backend"),
        help: ArgumentHelp("A server's base URL (NAME=URL works too). Repeat for each; one profile fits them all.")
    )
    var backends: [String] = []

    @Option(help: "Write the profile here (default: print it).")
    var out: String?

    @Option(help: "The profile's name (default: calibrated-MODEL).")
    var name: String?

    @Flag(help: "About a third of the requests: a first look, or a test.")
    var quick = false

    @Flag(help: "Calibrate even if the server is running or queueing requests.")
    var force = false

    @Option(help: "Requests the server runs at once, when it does not say (vLLM's max_num_seqs; default 256).")
    var maxBatchSize = 256

    @Option(help: "Seconds one request may take (default 600).")
    var requestTimeout = 600

    func validate() throws {
        guard !backends.isEmpty else { throw ValidationError("Name at least one --backend URL to calibrate.") }
        guard maxBatchSize > 0 else { throw ValidationError("--max-batch-size must be positive, got \(maxBatchSize).") }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive.") }
    }

    func run() async throws {
        let client = Calibrator.makeClient()
        do {
            let profile = try await calibrate(client: client)
            try await client.shutdown()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(profile)
            if let out {
                do { try data.write(to: URL(fileURLWithPath: out)) } catch {
                    throw CommandError(description: "--out: cannot write \(out): \(error.localizedDescription)")
                }
                note("wrote \(out)")
            } else {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        } catch {
            try? await client.shutdown()
            if let error = error as? CalibrationError { throw CommandError(description: error.description) }
            throw error
        }
    }

    func calibrate(client: HTTPClient) async throws -> LatencyProfile {
        var prefill: [PrefillObservation] = []
        var decode: [DecodeRun] = []
        var servers: [Calibrator.ServerFacts] = []
        var urls: [String] = []
        var requests = 0
        for backend in backends {
            let descriptor: BackendDescriptor
            do { descriptor = try BackendDescriptor.parse(backend) } catch {
                throw CommandError(description: error.description)
            }
            let calibrator = Calibrator(url: descriptor.url, client: client, timeout: Int64(requestTimeout)) { line in
                note("  \(line)")
            }
            let facts = try await calibrator.facts()
            note(
                "\(calibrator.url): \(facts.kind.rawValue), model \(facts.model), context \(facts.maxContext.map(String.init) ?? "?"), "
                    + "slots \(facts.slots.map(String.init) ?? "?"), KV \(facts.kvCapacityTokens.map(String.init) ?? "?") tokens"
            )
            if facts.running + facts.waiting > 0 && !force {
                throw CommandError(
                    description:
                        "\(calibrator.url) is busy (\(facts.running) running, \(facts.waiting) waiting): its load would bias the fit. Calibrate an idle server, or pass --force."
                )
            }
            if let first = servers.first, first.model != facts.model || first.kind != facts.kind {
                throw CommandError(
                    description:
                        "\(calibrator.url) serves \(facts.model) on \(facts.kind.rawValue), \(urls[0]) \(first.model) on \(first.kind.rawValue): one profile fits one engine and model; calibrate them apart."
                )
            }
            let plan = CalibrationPlan.make(
                maxContext: facts.maxContext ?? 4096,
                maxParallel: facts.slots ?? maxBatchSize,
                quick: quick
            )
            note("  \(plan.requests) requests")
            let measured = try await calibrator.run(plan, model: facts.model)
            prefill += measured.prefill
            decode += measured.decode
            requests += plan.requests + 1
            servers.append(facts)
            urls.append(calibrator.url)
        }
        guard let fit = CostFit.fit(prefill: prefill, decode: decode), let first = servers.first else {
            throw CommandError(
                description:
                    "The measurements do not determine the coefficients (too few distinct prompt lengths or batches); run without --quick."
            )
        }
        let server = CalibratedProfile.Server(
            engine: first.kind.rawValue,
            model: first.model,
            backends: urls,
            maxContext: servers.compactMap(\.maxContext).min() ?? 4096,
            maxBatchSize: servers.compactMap(\.slots).min() ?? maxBatchSize,
            kvCapacityTokens: servers.compactMap(\.kvCapacityTokens).min()
                ?? (servers.compactMap(\.maxContext).min() ?? 4096),
            blockSize: first.blockSize ?? 16
        )
        let date = ISO8601DateFormatter().string(from: Date())
        let profile = CalibratedProfile.make(
            name: name ?? "calibrated-" + Self.slug(first.model),
            fit: fit,
            server: server,
            requests: requests,
            date: date
        )
        let cost = profile.cost
        note(
            String(
                format:
                    "fit: fixed %.4g s, per prefill token %.4g s, per decoding sequence %.4g s, per context token %.4g s; overhead %.4g s",
                cost.fixed,
                cost.perPrefillToken,
                cost.perDecodeSequence,
                cost.perContextToken,
                fit.overhead
            )
        )
        note(
            String(
                format: "residuals: prefill RMS %.4g s (R² %.3f, %d requests), decode RMS %.4g s (R² %.3f, %d gaps)",
                fit.prefill.rms,
                fit.prefill.r2,
                fit.prefill.count,
                fit.decode.rms,
                fit.decode.r2,
                fit.decode.count
            )
        )
        return profile
    }

    static func slug(_ model: String) -> String {
        let last = model.split(separator: "/").last.map(String.init) ?? model
        return String(last.lowercased().map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "-" })
    }
}

/// A progress line on stderr.
func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

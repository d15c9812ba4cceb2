import Foundation

/// A workload named on the command line (`--workload SPEC`), parsed but not yet loaded.
///
/// The forms (design.md, "Workload specs"):
/// - `azure-conv`, `azure-code`: the Azure 2023 traces; the bundled 3,000-row samples, or the full files when the
///   data directory holds them (see ``WorkloadLoader``).
/// - `sharegpt`, `vidur`: the bundled ShareGPT (1,000 first turns) and Vidur arXiv (1,000 rows) samples, or the full
///   files from the data directory.
/// - `mooncake`: the Mooncake FAST'25 conversation trace (prefix block hashes, real arrivals): the bundled first
///   1,000 requests, or the full file from the data directory.
/// - `azure:PATH`, `sharegpt:PATH`, `vidur:PATH`, `mooncake:PATH`: a trace file of that format.
/// - `synthetic` or `synthetic:prompt=A-B,output=C-D,count=N`: see ``SyntheticWorkload``.
/// - `mix:A+B` or `mix:A+B@R`: two of the above (not mixes), each request drawn from A with probability R (default
///   0.5, 0 < R < 1), else from B. The first `+` separates A from B and an `@` after it starts the ratio, so paths
///   inside a mix cannot contain `+` or `@`. See ``WorkloadLoader`` for how arrivals are handled.
public struct WorkloadSpec: Sendable, Equatable, CustomStringConvertible {
    /// What a spec refers to.
    public indirect enum Kind: Sendable, Equatable {
        case azureConv
        case azureCode
        /// An Azure-format CSV file.
        case azure(path: String)
        /// A ShareGPT JSONL file, or nil for the bundled sample (or the data directory's full file).
        case sharegpt(path: String?)
        /// A Vidur CSV file, or nil for the bundled sample (or the data directory's full file).
        case vidur(path: String?)
        /// A Mooncake JSONL trace, or nil for the bundled sample (or the data directory's full file).
        case mooncake(path: String?)
        case synthetic(SyntheticWorkload)
        /// Requests drawn from the first workload with probability `ratio`, else from the second.
        case mix(WorkloadSpec, WorkloadSpec, ratio: Double)
    }

    /// The spec as typed (trimmed of surrounding whitespace).
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// Parses a spec.
    /// - Throws: ``WorkloadError`` naming the spec and what is wrong with it.
    public init(parsing text: String) throws {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self.init(name: name, kind: try Self.kind(of: name, whole: name, allowMix: true))
    }

    public var description: String { name }

    /// The forms a spec may take, for error messages.
    static let forms =
        "expected azure-conv, azure-code, sharegpt, vidur, mooncake, azure:PATH, sharegpt:PATH, vidur:PATH, "
        + "mooncake:PATH, "
        + "synthetic[:prompt=A-B,output=C-D,count=N] or mix:A+B[@RATIO]"

    private static func kind(of text: String, whole: String, allowMix: Bool) throws -> Kind {
        switch text {
        case "": throw WorkloadError.badSpec(whole, "the spec is empty; \(forms)")
        case "azure-conv": return .azureConv
        case "azure-code": return .azureCode
        case "sharegpt": return .sharegpt(path: nil)
        case "vidur": return .vidur(path: nil)
        case "mooncake": return .mooncake(path: nil)
        case "synthetic": return .synthetic(SyntheticWorkload())
        default: break
        }
        guard let colon = text.firstIndex(of: ":") else {
            throw WorkloadError.badSpec(whole, "unknown workload '\(text)'; \(forms)")
        }
        let prefix = String(text[..<colon])
        let rest = String(text[text.index(after: colon)...])
        switch prefix {
        case "azure", "sharegpt", "vidur", "mooncake":
            guard !rest.isEmpty else {
                throw WorkloadError.badSpec(whole, "'\(prefix):' needs a file path after the colon")
            }
            switch prefix {
            case "azure": return .azure(path: rest)
            case "sharegpt": return .sharegpt(path: rest)
            case "mooncake": return .mooncake(path: rest)
            default: return .vidur(path: rest)
            }
        case "synthetic":
            return .synthetic(try SyntheticWorkload.parse(rest, spec: whole))
        case "mix":
            guard allowMix else {
                throw WorkloadError.badSpec(whole, "a mix cannot contain another mix")
            }
            return try mix(rest, whole: whole)
        default:
            throw WorkloadError.badSpec(whole, "unknown workload '\(text)'; \(forms)")
        }
    }

    private static func mix(_ body: String, whole: String) throws -> Kind {
        guard let plus = body.firstIndex(of: "+") else {
            throw WorkloadError.badSpec(
                whole,
                "a mix needs two workloads joined by '+', as in mix:azure-conv+azure-code@0.3"
            )
        }
        let first = String(body[..<plus])
        var second = String(body[body.index(after: plus)...])
        var ratio = 0.5
        if let at = second.lastIndex(of: "@") {
            let text = String(second[second.index(after: at)...])
            guard let value = Double(text), value > 0, value < 1 else {
                throw WorkloadError.badSpec(whole, "the mix ratio '\(text)' is not a number strictly between 0 and 1")
            }
            ratio = value
            second = String(second[..<at])
        }
        let parts = [first, second].map { $0.trimmingCharacters(in: .whitespaces) }
        let a = WorkloadSpec(name: parts[0], kind: try kind(of: parts[0], whole: whole, allowMix: false))
        let b = WorkloadSpec(name: parts[1], kind: try kind(of: parts[1], whole: whole, allowMix: false))
        return .mix(a, b, ratio: ratio)
    }
}

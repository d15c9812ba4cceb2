import ArgumentParser
import Engine
import Foundation
import Routing
import Workload

struct PoliciesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policies", abstract: "List the routing policies.")

    func run() throws {
        let width = PolicyCatalog.entries.map(\.name.count).max() ?? 0
        for entry in PolicyCatalog.entries {
            print(entry.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + entry.summary)
        }
    }
}

struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profiles", abstract: "List the latency profiles.")

    @Flag(help: "Show each profile's source and derivation.")
    var verbose = false

    func run() throws {
        let profiles = try ProfileCatalog.bundled()
        let width = profiles.map(\.name.count).max() ?? 0
        for profile in profiles {
            print(profile.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + profile.summary)
            if verbose {
                print("    source: \(profile.source)")
                for step in profile.derivation { print("    - \(step)") }
            }
        }
    }
}

struct WorkloadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workloads", abstract: "List the workload specs.")

    func run() throws {
        let entries = WorkloadCatalog.descriptions
        let width = entries.map(\.name.count).max() ?? 0
        for entry in entries {
            print(entry.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + entry.summary)
        }
    }
}

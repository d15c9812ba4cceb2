import Routing
import SwitchyardCore

/// The policies an operator may switch between, and how each is built: the one check that a name is on the menu,
/// for the simulator's console cluster and the live router alike.
public struct PolicyMenu: Sendable {
    /// Builds a policy by name (`PolicyCatalog.make` in the product).
    public typealias Factory = @Sendable (String) throws -> any RoutingPolicy

    /// The names, in menu order.
    public let names: [String]
    private let factory: Factory

    public init(names: [String], factory: @escaping Factory) {
        self.names = names
        self.factory = factory
    }

    /// Builds the policy called `name`.
    /// - Throws: ``ClusterBackendError/unknownPolicy(_:known:)`` when it is not on the menu, or what building it
    ///   throws.
    public func make(_ name: String) throws -> any RoutingPolicy {
        guard names.contains(name) else { throw ClusterBackendError.unknownPolicy(name, known: names) }
        return try factory(name)
    }
}

import RouterCore
import Testing

@testable import Gateway

@Suite struct BackendDescriptorTests {
    @Test func parsesURLNameAndKind() throws {
        let plain = try BackendDescriptor.parse("http://10.0.0.5:8000/v1/")
        #expect(plain.url == "http://10.0.0.5:8000")
        #expect(plain.name == "10.0.0.5:8000")
        #expect(plain.kind == nil)
        let named = try BackendDescriptor.parse("gpu-a=http://h:30000#sglang")
        #expect(named.name == "gpu-a")
        #expect(named.url == "http://h:30000")
        #expect(named.kind == .sglang)
    }

    @Test func rejectsNonHTTPAndUnknownKinds() {
        #expect(throws: GatewayConfigError.self) { _ = try BackendDescriptor.parse("10.0.0.5:8000") }
        #expect(throws: GatewayConfigError.self) { _ = try BackendDescriptor.parse("http://h:1#tgi") }
        #expect(throws: GatewayConfigError.self) { _ = try BackendDescriptor.parse("=http://h:1") }
    }
}

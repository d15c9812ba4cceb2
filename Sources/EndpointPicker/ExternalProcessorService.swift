import ExtProcAPI
import GRPCCore
import Gateway
import Logging

/// `envoy.service.ext_proc.v3.ExternalProcessor/Process`: one stream per HTTP request, handed to a
/// ``PickerExchange`` message by message.
struct ExternalProcessorService: Envoy_Service_ExtProc_V3_ExternalProcessor.SimpleServiceProtocol {
    let context: PickerContext

    func process(
        request: RPCAsyncSequence<Envoy_Service_ExtProc_V3_ProcessingRequest, any Error>,
        response: RPCWriter<Envoy_Service_ExtProc_V3_ProcessingResponse>,
        context serverContext: ServerContext
    ) async throws {
        let exchange = PickerExchange(context: context)
        defer { exchange.close() }
        for try await message in request {
            let replies = await exchange.handle(message)
            if !replies.isEmpty { try await response.write(contentsOf: replies) }
            if exchange.finished || Task.isCancelled { return }
        }
    }
}

/// `grpc.health.v1.Health`, as GIE's protocol asks of an endpoint picker: the ext_proc service name (which Envoy's
/// health check of the picker's cluster names) and `liveness` serve while the picker runs; `readiness` serves while
/// at least one backend is up. The empty name is the server as a whole. Any other name is NOT_FOUND.
struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    static let extProcService = "envoy.service.ext_proc.v3.ExternalProcessor"
    let context: PickerContext
    let draining: @Sendable () -> Bool

    func status(of service: String) throws(RPCError) -> Grpc_Health_V1_HealthCheckResponse.ServingStatus {
        switch service {
        case "", Self.extProcService, "liveness":
            return draining() ? .notServing : .serving
        case "readiness":
            let router = context.router
            let anyUp = router.descriptors.indices.contains { router.isUp($0) }
            return anyUp && !draining() ? .serving : .notServing
        default:
            throw RPCError(code: .notFound, message: "unknown service '\(service)'")
        }
    }

    func check(
        request: Grpc_Health_V1_HealthCheckRequest,
        context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        var reply = Grpc_Health_V1_HealthCheckResponse()
        reply.status = try status(of: request.service)
        return reply
    }

    /// Sends the status, then each change (checked every 500 ms), until the client leaves.
    func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        var last: Grpc_Health_V1_HealthCheckResponse.ServingStatus? = nil
        while !Task.isCancelled {
            let current = (try? status(of: request.service)) ?? .serviceUnknown
            if current != last {
                var reply = Grpc_Health_V1_HealthCheckResponse()
                reply.status = current
                try await response.write(reply)
                last = current
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}

import Hummingbird
import OpenAIWire

/// Builds the HTTP routes of one emulated instance, the same as a vLLM OpenAI-compatible server's:
/// `POST /v1/completions`, `POST /v1/chat/completions`, `GET /v1/models`, `GET /health`, `GET /metrics`, and the
/// fault-injection endpoints `GET`/`POST`/`DELETE /admin/faults`.
public enum EmulatorRouter {
    /// The router for `instance`.
    /// - Parameter instance: the instance that serves the requests.
    /// - Returns: a router to pass to an `Application` or to `app.test(.router)`.
    public static func make(instance: EmulatedInstance) -> Router<BasicRequestContext> {
        let router = Router()
        let handler = EmulatorHandler(instance: instance)
        router.post("/v1/completions") { request, _ in await handler.complete(request, endpoint: .completions) }
        router.post("/v1/chat/completions") { request, _ in await handler.complete(request, endpoint: .chat) }
        router.get("/v1/models") { _, _ in await handler.models() }
        router.get("/health") { _, _ in await handler.health() }
        router.get("/metrics") { _, _ in await handler.metrics() }
        router.get("/admin/faults") { _, _ in await handler.faults() }
        router.post("/admin/faults") { request, _ in await handler.updateFaults(request) }
        router.delete("/admin/faults") { _, _ in await handler.clearFaults() }
        return router
    }
}

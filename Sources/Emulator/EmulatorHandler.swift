import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenAIWire
import SwitchyardCore
import Workload

/// The route handlers; each returns a response rather than throwing, so every error has an OpenAI-style body.
struct EmulatorHandler: Sendable {
    let instance: EmulatedInstance

    var modelName: String { instance.configuration.modelName }

    func complete(_ request: Request, endpoint: CompletionEndpoint) async -> Response {
        let faults = await instance.faults
        if faults.unavailable { return Self.error(.refusing) }
        let parsed: CompletionRequest
        do {
            let data = try await Self.body(of: request, limit: instance.configuration.maxBodyBytes)
            parsed = try CompletionRequest.parse(data, endpoint: endpoint, estimateTokens: TokenEstimator.estimate)
        } catch let error as OpenAIRequestError {
            return Self.error(EmulatorError(error))
        } catch let error as EmulatorError {
            return Self.error(error)
        } catch {
            return Self.error(.invalidJSON("\(error)"))
        }
        // vLLM serves its only model when the request names none.
        if let model = parsed.model, !model.isEmpty, model != modelName {
            return Self.error(.unknownModel(model, served: modelName))
        }
        if faults.stallSeconds > 0 {
            try? await Task.sleep(for: .seconds(faults.stallSeconds))
        }
        if await instance.drawError() { return Self.error(.injectedError) }
        let generation: Generation
        do {
            generation = try await instance.submit(
                promptTokens: parsed.promptTokens,
                maxTokens: parsed.maxTokens,
                prefix: parsed.prefix
            )
        } catch let error as EmulatorError {
            return Self.error(error)
        } catch {
            return Self.error(.invalidJSON("\(error)"))
        }
        let id = (endpoint == .completions ? "cmpl-" : "chatcmpl-") + "\(generation.id.rawValue)"
        if parsed.stream {
            return stream(generation, id: id, endpoint: endpoint, includeUsage: parsed.includeUsage)
        }
        for await _ in generation.tokens {}
        let body = CompletionResponse.whole(endpoint: endpoint, id: id, model: modelName, generation: generation)
        return Self.json(body)
    }

    /// A `text/event-stream` response that writes one chunk per token as the engine produces it.
    private func stream(
        _ generation: Generation,
        id: String,
        endpoint: CompletionEndpoint,
        includeUsage: Bool
    ) -> Response {
        let instance = self.instance
        let model = modelName
        let body = ResponseBody { writer in
            var sent = 0
            for await index in generation.tokens {
                let faults = await instance.faults
                if faults.dieMidStream, sent >= faults.dieAfterTokens {
                    // Die: end the body without the usage chunk or [DONE].
                    try await writer.finish(nil)
                    return
                }
                let chunk = CompletionResponse.chunk(
                    endpoint: endpoint,
                    id: id,
                    model: model,
                    generation: generation,
                    index: index
                )
                do {
                    try await writer.write(Self.event(chunk))
                } catch {
                    // The client went away: free the engine, as vLLM does.
                    await instance.abort(generation.id)
                    throw error
                }
                sent += 1
            }
            if includeUsage {
                let usage = CompletionResponse.usageChunk(
                    endpoint: endpoint,
                    id: id,
                    model: model,
                    generation: generation,
                    completionTokens: sent
                )
                try await writer.write(Self.event(usage))
            }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: body)
    }

    func models() async -> Response {
        if await instance.faults.unavailable { return Self.error(.refusing) }
        let card = ModelList.Card(
            id: modelName,
            created: Int(Date().timeIntervalSince1970),
            root: modelName,
            maxModelLen: instance.maxModelLen
        )
        return Self.json(ModelList(data: [card]))
    }

    func health() async -> Response {
        if await instance.faults.unavailable { return Self.error(.refusing) }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
    }

    func metrics() async -> Response {
        if await instance.faults.unavailable { return Self.error(.refusing) }
        let text = await instance.stats().prometheusText(
            modelName: modelName,
            version: instance.configuration.vllmVersion
        )
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    func faults() async -> Response {
        Self.json(await instance.faults)
    }

    func updateFaults(_ request: Request) async -> Response {
        do {
            let data = try await Self.body(of: request, limit: instance.configuration.maxBodyBytes)
            let update = try FaultUpdate.parse(data)
            try update.validate()
            let settings = update.applied(to: await instance.faults)
            await instance.setFaults(settings)
            return Self.json(settings)
        } catch let error as EmulatorError {
            return Self.error(error)
        } catch {
            return Self.error(.invalidJSON("\(error)"))
        }
    }

    func clearFaults() async -> Response {
        await instance.setFaults(FaultSettings())
        return Self.json(FaultSettings())
    }

    // MARK: - Helpers

    /// The request body, at most `limit` bytes.
    private static func body(of request: Request, limit: Int) async throws -> Data {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw EmulatorError.bodyTooLarge(limit: limit)
        }
        return Data(buffer.readableBytesView)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder.emulator.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: EmulatorError) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: error.status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: error.jsonBody()))
        )
    }

    /// One server-sent event: `data: <json>` and a blank line.
    static func event(_ value: some Encodable) -> ByteBuffer {
        let data = (try? JSONEncoder.emulator.encode(value)) ?? Data("{}".utf8)
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}

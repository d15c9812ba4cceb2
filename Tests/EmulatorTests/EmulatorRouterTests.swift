import Emulator
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct EmulatorRouterTests {
    @Test func nonStreamingCompletionReportsMaxTokensAsCompletionTokens() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let body = #"{"model":"switchyard-emulated","prompt":"Say hello to the world","max_tokens":12}"#
            let response = try await client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(body)
            )
            #expect(response.status == .ok)
            let object = try Fixture.object(response.body)
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 12)
            let prompt = try #require(usage["prompt_tokens"] as? Int)
            #expect(prompt > 0)
            #expect(usage["total_tokens"] as? Int == prompt + 12)
            let choices = try #require(object["choices"] as? [[String: Any]])
            #expect(choices.first?["text"] as? String == String(repeating: " tok", count: 12))
            #expect(choices.first?["finish_reason"] as? String == "length")
        }
    }

    @Test func chatCompletionAnswersWithAnAssistantMessage() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let body = #"{"model":"switchyard-emulated","messages":[{"role":"user","content":"Hi"}],"max_tokens":3}"#
            let response = try await client.execute(
                uri: "/v1/chat/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(body)
            )
            #expect(response.status == .ok)
            let object = try Fixture.object(response.body)
            #expect(object["object"] as? String == "chat.completion")
            let choices = try #require(object["choices"] as? [[String: Any]])
            let message = try #require(choices.first?["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect(message["content"] as? String == " tok tok tok")
        }
    }

    @Test func streamingYieldsOneChunkPerTokenThenUsageThenDone() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let body = #"""
                {"model":"switchyard-emulated","prompt":"Count","max_tokens":7,"stream":true,
                 "stream_options":{"include_usage":true}}
                """#
            let response = try await client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(body)
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = Fixture.events(response.body)
            try #require(events.count == 7 + 2)
            for event in events.prefix(7) {
                let chunk = try Fixture.object(ByteBuffer(string: event))
                let choices = try #require(chunk["choices"] as? [[String: Any]])
                #expect(choices.count == 1)
                #expect(choices.first?["text"] as? String == " tok")
            }
            let last = try Fixture.object(ByteBuffer(string: events[6]))
            #expect((last["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "length")
            let usageChunk = try Fixture.object(ByteBuffer(string: events[7]))
            #expect((usageChunk["choices"] as? [Any])?.isEmpty == true)
            #expect((usageChunk["usage"] as? [String: Any])?["completion_tokens"] as? Int == 7)
            #expect(events[8] == "[DONE]")
        }
    }

    @Test func streamingChatWithoutUsageEndsWithDone() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.live) { client in
            let body = #"""
                {"model":"switchyard-emulated","messages":[{"role":"user","content":"Hi"}],"max_tokens":4,
                 "stream":true}
                """#
            let response = try await client.execute(
                uri: "/v1/chat/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(body)
            )
            let events = Fixture.events(response.body)
            try #require(events.count == 4 + 1)
            let first = try Fixture.object(ByteBuffer(string: events[0]))
            #expect(first["object"] as? String == "chat.completion.chunk")
            let delta = (first["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
            #expect(delta?["role"] as? String == "assistant")
            #expect(delta?["content"] as? String == " tok")
            #expect(events.last == "[DONE]")
        }
    }

    @Test func malformedJSONIsRejectedWith400() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"model": "switchyard-emulated", "prompt": "#)
            )
            #expect(response.status == .badRequest)
            let error = try #require(try Fixture.object(response.body)["error"] as? [String: Any])
            let message = try #require(error["message"] as? String)
            #expect(message.contains("not valid JSON"))
        }
    }

    @Test(arguments: [
        ("/v1/completions", #"{"model":"switchyard-emulated"}"#, "prompt"),
        ("/v1/chat/completions", #"{"model":"switchyard-emulated","prompt":"x"}"#, "messages"),
        ("/v1/completions", #"{"model":7,"prompt":"x"}"#, "model"),
        ("/v1/completions", #"{"model":"switchyard-emulated","prompt":"x","max_tokens":"many"}"#, "max_tokens"),
        ("/v1/completions", #"{"model":"switchyard-emulated","prompt":"x","max_tokens":0}"#, "max_tokens"),
    ])
    func missingOrMalformedFieldIsNamedInA400(uri: String, body: String, field: String) async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: uri,
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(body)
            )
            #expect(response.status == .badRequest)
            let error = try #require(try Fixture.object(response.body)["error"] as? [String: Any])
            #expect(error["param"] as? String == field)
            #expect((error["message"] as? String)?.contains("'\(field)'") == true)
        }
    }

    @Test func unknownModelGets404() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"model":"gpt-7","prompt":"x"}"#)
            )
            #expect(response.status == .notFound)
            let error = try #require(try Fixture.object(response.body)["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains("gpt-7") == true)
        }
    }

    @Test func modelsHealthAndFaultsRoutesAnswer() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let models = try await client.execute(uri: "/v1/models", method: .get)
            let data = try #require(try Fixture.object(models.body)["data"] as? [[String: Any]])
            #expect(data.first?["id"] as? String == Fixture.model)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(String(buffer: health.body) == "ok")
            let faults = try await client.execute(uri: "/admin/faults", method: .get)
            #expect(try Fixture.object(faults.body)["error_rate"] as? Double == 0)
        }
    }

    @Test func errorRateOneAnswers500() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let set = try await client.execute(
                uri: "/admin/faults",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"error_rate":1}"#)
            )
            #expect(set.status == .ok)
            #expect(try Fixture.object(set.body)["error_rate"] as? Double == 1)
            let response = try await client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"model":"switchyard-emulated","prompt":"x"}"#)
            )
            #expect(response.status == .internalServerError)
        }
    }

    @Test func aPromptOfTokenIDsIsAcceptedAndCountedAsVLLMDoes() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let ids = (1...50).map(String.init).joined(separator: ",")
            for prompt in ["[\(ids)]", "[[\(ids)],[1,2]]"] {
                let response = try await client.execute(
                    uri: "/v1/completions",
                    method: .post,
                    headers: Fixture.jsonHeaders,
                    body: Fixture.json(#"{"model":"switchyard-emulated","prompt":\#(prompt),"max_tokens":2}"#)
                )
                #expect(response.status == .ok)
                let usage = try #require(try Fixture.object(response.body)["usage"] as? [String: Any])
                #expect(usage["prompt_tokens"] as? Int == (prompt.hasPrefix("[[") ? 52 : 50))
            }
        }
    }

    @Test func unavailableAnswers503UntilTurnedOff() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            _ = try await client.execute(
                uri: "/admin/faults",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"unavailable":true}"#)
            )
            let refused = try await client.execute(uri: "/health", method: .get)
            #expect(refused.status == .serviceUnavailable)
            _ = try await client.execute(
                uri: "/admin/faults",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"unavailable":false}"#)
            )
            let healthy = try await client.execute(uri: "/health", method: .get)
            #expect(healthy.status == .ok)
        }
    }

    @Test func anEmptyBodyOrDeleteClearsEveryFault() async throws {
        let instance = try Fixture.instance()
        let app = Fixture.application(instance)
        try await app.test(.router) { client in
            for clear in [HTTPRequest.Method.post, .delete] {
                _ = try await client.execute(
                    uri: "/admin/faults",
                    method: .post,
                    headers: Fixture.jsonHeaders,
                    body: Fixture.json(#"{"unavailable":true,"error_rate":0.5,"stall_seconds":2}"#)
                )
                #expect(await instance.faults.isEmpty == false)
                let response = try await client.execute(
                    uri: "/admin/faults",
                    method: clear,
                    headers: Fixture.jsonHeaders,
                    body: clear == .post ? Fixture.json("{}") : ByteBuffer()
                )
                #expect(response.status == .ok)
                #expect(await instance.faults == FaultSettings(), "\(clear) clears every fault")
            }
        }
    }

    @Test func unknownFaultKeysAreRefusedByName() async throws {
        let instance = try Fixture.instance()
        let app = Fixture.application(instance)
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/admin/faults",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"error_rate":0.5,"stall":3,"refused":true}"#)
            )
            #expect(response.status == .badRequest)
            let error = try #require(try Fixture.object(response.body)["error"] as? [String: Any])
            let message = error["message"] as? String ?? ""
            #expect(message.contains("refused") && message.contains("stall"))
            #expect(await instance.faults.isEmpty, "nothing of a refused update is applied")
        }
    }

    @Test func faultOutOfRangeIsRejected() async throws {
        let app = Fixture.application(try Fixture.instance())
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/admin/faults",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"error_rate":2}"#)
            )
            #expect(response.status == .badRequest)
            let error = try #require(try Fixture.object(response.body)["error"] as? [String: Any])
            #expect(error["param"] as? String == "error_rate")
        }
    }

    @Test func dieMidStreamEndsTheStreamWithoutDone() async throws {
        let faults = FaultSettings(dieMidStream: true, dieAfterTokens: 3)
        let app = Fixture.application(try Fixture.instance(faults: faults))
        try await app.test(.live) { client in
            let body = #"""
                {"model":"switchyard-emulated","prompt":"x","max_tokens":20,"stream":true,
                 "stream_options":{"include_usage":true}}
                """#
            let response = try await client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(body)
            )
            let events = Fixture.events(response.body)
            #expect(events.count == 3)
            #expect(!events.contains("[DONE]"))
        }
    }

    @Test func stallDelaysTheResponse() async throws {
        let app = Fixture.application(try Fixture.instance(faults: FaultSettings(stallSeconds: 0.2)))
        try await app.test(.router) { client in
            let start = ContinuousClock.now
            let response = try await client.execute(
                uri: "/v1/completions",
                method: .post,
                headers: Fixture.jsonHeaders,
                body: Fixture.json(#"{"model":"switchyard-emulated","prompt":"x","max_tokens":1}"#)
            )
            #expect(response.status == .ok)
            #expect(ContinuousClock.now - start >= .milliseconds(200))
        }
    }
}

import Foundation
import OpenAIWire
import Testing

@Suite struct CompletionRequestTests {
    func parse(
        _ json: String,
        _ endpoint: CompletionEndpoint = .completions
    ) throws(OpenAIRequestError)
        -> CompletionRequest
    {
        try CompletionRequest.parse(Data(json.utf8), endpoint: endpoint) { $0.split(separator: " ").count }
    }

    @Test func readsACompletionRequest() throws {
        let body = try parse(
            #"{"model":"m","prompt":"one two three","max_tokens":7,"stream":true,"stream_options":{"include_usage":true},"temperature":0.2}"#
        )
        #expect(body.model == "m")
        #expect(body.stream)
        #expect(body.includeUsage)
        #expect(body.maxTokens == 7)
        #expect(body.promptText == "one two three")
        #expect(body.promptTokens == 3)
    }

    @Test func readsChatMessagesPartsAndNullContent() throws {
        let chat = try parse(
            #"{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi there"}]},{"role":"assistant","content":null}],"max_completion_tokens":3,"max_tokens":9}"#,
            .chat
        )
        #expect(chat.model == nil)
        #expect(!chat.stream)
        #expect(chat.maxTokens == 3, "max_completion_tokens wins over max_tokens, as in vLLM")
        #expect(chat.promptText == "be brief\nhi there")
        #expect(chat.promptTokens == 3 + CompletionRequest.chatTokensPerMessage * 3)
    }

    @Test(arguments: [
        (#"{"prompt":[1,2,3,4,5]}"#, 5, ""),
        (#"{"prompt":[[1,2],[3,4,5]]}"#, 5, ""),
        (#"{"prompt":["a b","c"]}"#, 2, "a b\nc"),
        (#"{"prompt":""}"#, 1, ""),
    ])
    func readsEveryPromptFormVLLMAccepts(json: String, tokens: Int, text: String) throws {
        let body = try parse(json)
        #expect(body.promptTokens == tokens)
        #expect(body.promptText == text)
    }

    @Test(arguments: [
        (#"{bad"#, nil as String?, "not valid JSON"),
        (#"[1,2]"#, nil, "JSON object"),
        (#"{"model":"m"}"#, "prompt", "required"),
        (#"{"prompt":5}"#, "prompt", "token ids"),
        (#"{"prompt":"x","stream":"yes"}"#, "stream", "true or false"),
        (#"{"prompt":"x","max_tokens":1.5}"#, "max_tokens", "integer"),
        (#"{"prompt":"x","max_tokens":"many"}"#, "max_tokens", "integer"),
        (#"{"prompt":"x","max_tokens":0}"#, "max_tokens", "at least 1"),
        (#"{"prompt":"x","max_completion_tokens":-1}"#, "max_completion_tokens", "at least 1"),
        (#"{"prompt":"x","model":3}"#, "model", "string"),
        (#"{"prompt":"x","stream_options":1}"#, "stream_options", "object"),
        (#"{"prompt":"x","stream_options":{"include_usage":1}}"#, "stream_options.include_usage", "true or false"),
    ])
    func rejectsBadBodiesNamingTheField(json: String, field: String?, words: String) {
        #expect {
            _ = try parse(json)
        } throws: { error in
            guard let error = error as? OpenAIRequestError else { return false }
            return error.field == field && error.message.contains(words)
        }
    }

    @Test(arguments: [
        (#"{"messages":[]}"#, "messages", "at least one"),
        (#"{"messages":["x"]}"#, "messages[0]", "object"),
        (#"{"messages":{"role":"user"}}"#, "messages", "list"),
        (#"{"messages":[{"role":"user","content":5}]}"#, "messages[0].content", "a string or a list of parts"),
        (#"{"prompt":"x"}"#, "messages", "required"),
    ])
    func rejectsBadChatMessagesNamingTheField(json: String, field: String, words: String) {
        #expect {
            _ = try parse(json, .chat)
        } throws: { error in
            guard let error = error as? OpenAIRequestError else { return false }
            return error.field == field && error.message.contains(words)
        }
    }

    @Test func repliesAndErrorsRoundTripInOpenAIsShape() throws {
        let reply = CompletionReply(
            id: "cmpl-1",
            object: CompletionEndpoint.completions.object,
            created: 0,
            model: "m",
            choices: [.init(text: " tok", finishReason: "length")],
            usage: .init(prompt: 3, completion: 1)
        )
        let data = try JSONEncoder().encode(reply)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""logprobs":null"#) && text.contains(#""completion_tokens":1"#))
        #expect(try JSONDecoder().decode(CompletionReply.self, from: data) == reply)
        #expect(try JSONDecoder().decode(CompletionReplyUsage.self, from: data).usage?.completionTokens == 1)
        let error = String(
            decoding: OpenAIErrorBody(message: "m", type: "BadRequestError", code: 400).encoded(),
            as: UTF8.self
        )
        #expect(error == #"{"error":{"code":400,"message":"m","param":null,"type":"BadRequestError"}}"#)
    }
}

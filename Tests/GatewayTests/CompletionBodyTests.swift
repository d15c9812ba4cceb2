import Foundation
import Testing

@testable import Gateway

@Suite struct CompletionBodyTests {
    func parse(
        _ json: String,
        _ endpoint: CompletionBody.Endpoint = .completions
    ) throws(CompletionBodyError)
        -> CompletionBody
    {
        try CompletionBody.parse(Data(json.utf8), endpoint: endpoint) { $0.split(separator: " ").count }
    }

    @Test func readsACompletionRequest() throws {
        let body = try parse(
            #"{"model":"m","prompt":"one two three","max_tokens":7,"stream":true,"stream_options":{"include_usage":true}}"#
        )
        #expect(body.model == "m")
        #expect(body.stream)
        #expect(body.includeUsage)
        #expect(body.maxTokens == 7)
        #expect(body.promptText == "one two three")
        #expect(body.promptTokens == 3)
    }

    @Test func readsChatMessagesAndPartsAndTokenIDPrompts() throws {
        let chat = try parse(
            #"{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi there"}]}],"max_completion_tokens":3}"#,
            .chat
        )
        #expect(chat.model == nil)
        #expect(!chat.stream)
        #expect(chat.maxTokens == 3)
        #expect(chat.promptText == "be brief\nhi there")
        #expect(chat.promptTokens == 3 + 4 * 2)
        let ids = try parse(#"{"prompt":[1,2,3,4,5]}"#)
        #expect(ids.promptTokens == 5)
    }

    @Test(arguments: [
        (#"{bad"#, nil as String?, "not valid JSON"),
        (#"[1,2]"#, nil, "JSON object"),
        (#"{"model":"m"}"#, "prompt", "required"),
        (#"{"prompt":5}"#, "prompt", "must be"),
        (#"{"prompt":"x","stream":"yes"}"#, "stream", "true or false"),
        (#"{"prompt":"x","max_tokens":1.5}"#, "max_tokens", "integer"),
        (#"{"prompt":"x","max_tokens":-1}"#, "max_tokens", "negative"),
        (#"{"prompt":"x","model":3}"#, "model", "string"),
        (#"{"prompt":"x","stream_options":1}"#, "stream_options", "object"),
    ])
    func rejectsBadBodiesNamingTheField(json: String, field: String?, words: String) {
        #expect {
            _ = try parse(json)
        } throws: { error in
            guard let error = error as? CompletionBodyError else { return false }
            return error.field == field && error.message.contains(words)
        }
    }

    @Test func rejectsBadChatMessages() {
        #expect(throws: CompletionBodyError.self) { _ = try parse(#"{"messages":[]}"#, .chat) }
        #expect(throws: CompletionBodyError.self) { _ = try parse(#"{"messages":["x"]}"#, .chat) }
        #expect(throws: CompletionBodyError.self) { _ = try parse(#"{"prompt":"x"}"#, .chat) }
    }
}

/// The `GET /v1/models` body.
struct ModelList: Encodable {
    struct Card: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var ownedBy = "vllm"
        var root: String
        var maxModelLen: Int

        init(id: String, created: Int, root: String, maxModelLen: Int) {
            self.id = id
            self.created = created
            self.root = root
            self.maxModelLen = maxModelLen
        }

        enum CodingKeys: String, CodingKey {
            case id, object, created, root
            case ownedBy = "owned_by"
            case maxModelLen = "max_model_len"
        }
    }
    var object = "list"
    var data: [Card]
}

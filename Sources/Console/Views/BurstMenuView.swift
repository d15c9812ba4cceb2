import SwitchyardCore

/// The burst menu that `b` opens: the kinds of burst and their keys.
enum BurstMenuView {
    static let notes: [BurstKind: String] = [
        .prefillHeavy: "long prompts, short answers",
        .decodeHeavy: "short prompts, long answers",
        .mixed: "both, alternating",
        .conversation: "8 chats x 4 turns, one system prompt",
    ]

    /// Draws the menu centred on `canvas`.
    static func draw(in canvas: Canvas) {
        let choices = KeyMap.burstChoices.map { choice in
            ChoiceMenu.Choice(
                keys: choice.keys,
                title: choice.kind.title,
                titleWidth: 15,
                style: .prefill,
                note: notes[choice.kind] ?? ""
            )
        }
        ChoiceMenu.draw(choices, title: "Inject a burst", in: canvas)
    }
}

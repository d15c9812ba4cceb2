/// The A/B menu that `a` opens on a live cluster: a predicted twin, or a split of the real traffic.
enum CompareMenuView {
    static let choices = [
        ChoiceMenu.Choice(
            keys: "1 t",
            title: "twin",
            titleWidth: 7,
            style: .decode,
            note: "B predicted by a simulated copy of this cluster; real routing untouched"
        ),
        ChoiceMenu.Choice(
            keys: "2 s",
            title: "split",
            titleWidth: 7,
            style: .decode,
            note: "every other real request routed by B; both sides measured"
        ),
    ]

    /// Draws the menu centred on `canvas`.
    static func draw(in canvas: Canvas) { ChoiceMenu.draw(choices, title: "A/B comparison", in: canvas) }
}

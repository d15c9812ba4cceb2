/// The four bundled themes as Swift strings, so the console works when run from any directory.
///
/// Each string is byte for byte the file of the same name in `Themes/` (a test checks it).
enum BuiltinThemes {
    /// Built-in theme names, in the order `t` cycles through them.
    static let names = ["default", "light", "high-contrast", "mono"]

    /// The TOML text of the built-in theme `name`, or nil.
    static func source(named name: String) -> String? {
        switch name {
        case "default": dark
        case "light": light
        case "high-contrast": highContrast
        case "mono": mono
        default: nil
        }
    }

    static let dark = """
        # Switchyard console theme "default": calm colours for dark terminals.
        #
        # Each key is a role; its value is a colour name (black, red, green, yellow, blue, magenta, cyan,
        # white, bright-black ... bright-white, or default for the terminal's own colour) or a 256-colour
        # index from 0 to 255.
        # Roles left out take the default theme's colour.
        name = "default"
        description = "dark terminals, 256 colours"
        background = "default"
        text = 252
        dim = 243
        accent = 75
        ok = 114
        warn = 221
        crit = 203
        prefill = 215
        decode = 141
        kv_low = 114
        kv_mid = 221
        kv_high = 203

        """

    static let light = """
        # Switchyard console theme "light": darker inks for light terminal backgrounds.
        #
        # Each key is a role; its value is a colour name (black, red, green, yellow, blue, magenta, cyan,
        # white, bright-black ... bright-white, or default for the terminal's own colour) or a 256-colour
        # index from 0 to 255.
        name = "light"
        description = "light terminals, 256 colours"
        background = "default"
        text = 235
        dim = 245
        accent = 25
        ok = 28
        warn = 130
        crit = 160
        prefill = 166
        decode = 91
        kv_low = 28
        kv_mid = 136
        kv_high = 160

        """

    static let highContrast = """
        # Switchyard console theme "high-contrast": bright named colours on black; fine on 16-colour
        # terminals.
        #
        # Each key is a role; its value is a colour name (black, red, green, yellow, blue, magenta, cyan,
        # white, bright-black ... bright-white, or default for the terminal's own colour) or a 256-colour
        # index from 0 to 255.
        name = "high-contrast"
        description = "bright colours on black, 16 colours"
        background = "black"
        text = "bright-white"
        dim = "white"
        accent = "bright-cyan"
        ok = "bright-green"
        warn = "bright-yellow"
        crit = "bright-red"
        prefill = "bright-magenta"
        decode = "bright-blue"
        kv_low = "bright-green"
        kv_mid = "bright-yellow"
        kv_high = "bright-red"

        """

    static let mono = """
        # Switchyard console theme "mono": no colour at all; emphasis by bold, dim and reverse only.
        #
        # The console uses it when NO_COLOR is set or the terminal has no colours.
        name = "mono"
        description = "no colour (NO_COLOR)"
        background = "default"
        text = "default"
        dim = "default"
        accent = "default"
        ok = "default"
        warn = "default"
        crit = "default"
        prefill = "default"
        decode = "default"
        kv_low = "default"
        kv_mid = "default"
        kv_high = "default"

        """
}

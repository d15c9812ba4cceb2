import CNCurses

extension Key {
    /// Decodes what `wget_wch` returned: a character code, or a curses key code when `isFunctionKey`.
    ///
    /// Returns nil for codes that are not valid Unicode scalars.
    init?(cursesCode code: Int32, isFunctionKey: Bool) {
        if isFunctionKey {
            switch code {
            case sy_key_resize(): self = .resize
            case sy_key_enter(): self = .enter
            case sy_key_up(): self = .up
            case sy_key_down(): self = .down
            case sy_key_left(): self = .left
            case sy_key_right(): self = .right
            case sy_key_btab(): self = .backTab
            case sy_key_npage(): self = .pageDown
            case sy_key_ppage(): self = .pageUp
            case sy_key_home(): self = .home
            case sy_key_end(): self = .end
            case sy_key_backspace(): self = .backspace
            default: self = .other(code)
            }
            return
        }
        switch code {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        default:
            guard code >= 0, let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
            self = .character(Character(scalar))
        }
    }
}

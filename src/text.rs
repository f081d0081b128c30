//! Safe display of user text: control bytes never reach a terminal.
//!
//! Pure; used by the CLI's text output, its errors (clap's too) and the TUI. JSON output
//! goes through [`escape_json_controls`], which writes what serde_json leaves raw.

use std::borrow::Cow;

/// True for characters that must not be sent to a terminal as they are: C0 controls
/// (including ESC, BEL, NUL, newline and tab), DEL, C1 controls, and the bidirectional
/// overrides and isolates that can reorder what a line appears to say.
fn is_unsafe(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || is_invisible(c)
}

/// Characters that take no room on screen and would shift or hide what follows them:
/// zero-width spaces and joiners, the word joiner and invisible operators, the byte
/// order mark, the soft hyphen. Shown as `⟨U+XXXX⟩` too.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// JSON text with DEL, the C1 controls, the bidi controls and the invisible characters
/// written as `\uXXXX` escapes (serde_json escapes only C0): the same document, safe to
/// print on a terminal. They can only stand inside strings, where an escape is exact.
pub fn escape_json_controls(json: String) -> String {
    if !json.chars().any(|c| (c as u32) >= 0x7f && is_unsafe(c)) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if (c as u32) >= 0x7f && is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Returns `s` with every unsafe character replaced by a visible placeholder:
/// C0 controls by their Unicode "control picture" (ESC → `␛`, BEL → `␇`, newline → `␊`),
/// DEL by `␡`, and C1 or bidi controls by `⟨U+XXXX⟩`. Borrowed when nothing changes.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            // U+2400.. are the control pictures for U+0000..U+001F.
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'));
        } else if c == '\u{7f}' {
            out.push('\u{2421}');
        } else {
            out.push_str(&format!("⟨U+{:04X}⟩", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Like [`sanitize`], but keeps newlines (for multi-line notes printed on their own lines).
pub fn sanitize_multiline(s: &str) -> String {
    s.split('\n')
        .map(|line| sanitize(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_become_visible() {
        let s = sanitize("\x1b[31mEvil\x07");
        assert_eq!(s, "␛[31mEvil␇");
        assert!(!s.contains('\x1b') && !s.contains('\x07'));
        assert_eq!(sanitize("a\u{202e}b"), "a⟨U+202E⟩b");
        assert_eq!(sanitize("nul\0"), "nul␀");
        assert_eq!(sanitize("c1\u{9b}"), "c1⟨U+009B⟩");
        assert!(matches!(sanitize("Dana Hart ✓ é"), Cow::Borrowed(_)));
        assert_eq!(sanitize_multiline("a\nb\x1b"), "a\nb␛");
        assert_eq!(
            sanitize("zero\u{200b}width\u{feff}"),
            "zero⟨U+200B⟩width⟨U+FEFF⟩"
        );
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw() {
        let raw = serde_json::to_string(&"del\u{7f} c1\u{9b} rtl\u{202e} zw\u{200b} é").unwrap();
        let safe = escape_json_controls(raw);
        assert_eq!(safe, r#""del\u007f c1\u009b rtl\u202e zw\u200b é""#);
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "del\u{7f} c1\u{9b} rtl\u{202e} zw\u{200b} é");
    }
}

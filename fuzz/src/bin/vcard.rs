//! vCard import as `ties import FILE --format vcard` reads a file: decode, then parse.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = ties::interop::detect(data);
        if let Ok(text) = ties::interop::decode_text(data) {
            let parsed = ties::interop::vcard::parse(&text);
            // What was read is either a contact or a reported skip, never lost.
            assert!(parsed.contacts.len() + parsed.skipped.len() <= text.len() + 1);
        }
    });
}

//! ties JSON import as `ties import FILE --format json` reads a file: UTF-8, parse, then
//! the field-by-field checks.
fn main() {
    // A fixed day, so a run is repeatable.
    let today = ties::domain::date::parse_date("2026-11-24").expect("a valid date");
    afl::fuzz!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            if let Ok(doc) = ties::interop::json::Document::parse(text) {
                let _ = doc.validate(today);
            }
        }
    });
}

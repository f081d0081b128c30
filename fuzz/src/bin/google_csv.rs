//! Google Contacts CSV import as `ties import FILE --format google-csv` reads a file.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = ties::interop::detect(data);
        let _ = ties::interop::google_csv::parse(data);
    });
}

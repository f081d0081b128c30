//! LinkedIn `Connections.csv` import as `ties import FILE --format linkedin-csv` reads it.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = ties::interop::detect(data);
        let _ = ties::interop::linkedin_csv::parse(data);
    });
}

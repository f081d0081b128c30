//! Email import as `ties import FILE --format email` reads a file: split an mbox, read
//! each message's headers, apply the introduction rules.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        let _ = ties::interop::detect(data);
        let _ = ties::interop::email::looks_like_mail(data);
        let (mails, skipped) = ties::interop::email::parse(data);
        assert!(skipped.iter().all(|s| !s.reason.is_empty()));
        let me = ties::interop::email::Me::new(&["me@example.com".to_string()]);
        let _ = ties::interop::email::plan(mails, &me);
    });
}

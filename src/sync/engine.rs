//! The CRDT engine behind `ties sync`, and the only file that names it: Automerge
//! (BENCHMARKS.md, "Choosing the sync engine"). Swapping engines means rewriting this
//! file alone.
//!
//! The document is one flat map. A row of a table merged column by column (contacts,
//! referrals) is one register per column, `c/UID.name`, plus `c/UID._gone` (the uid it
//! was merged into, or empty; null while it is there). A row merged whole (fields,
//! interactions, status events, tags, snoozes, let-gos) is one register, `i/UID`,
//! holding the row as a JSON array, or null once it is gone. Nested maps are avoided on
//! purpose: two machines creating the same map would each make their own, and one would
//! hide the other.
//!
//! The engine is not trusted never to panic on a hostile file: every call that reads
//! bytes from outside or merges them is contained, and a panic becomes an error.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::{
    AutoCommit, ChangeHash, ObjId, ROOT, ReadDoc, ScalarValue, transaction::Transactable,
};

use super::layout::{column_key, json_row, parse_key, row_json, whole_key};
use crate::domain::replica::{Change, Row, Table, Value};

/// The version of the document's layout this build writes and reads.
pub const FORMAT: i64 = 1;
const FORMAT_KEY: &str = "ties_sync_format";
const GONE: &str = "_gone";

/// Why a file cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not a document the engine can read (garbage, truncated, damaged).
    Damaged(String),
    /// A document, but not one ties wrote.
    NotTies,
    /// Written by a newer ties, in a layout this one does not know.
    Newer(i64),
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Damaged(why) => write!(f, "damaged or incomplete ({why})"),
            Unreadable::NotTies => f.write_str("not a ties sync file"),
            Unreadable::Newer(v) => write!(
                f,
                "written by a newer ties (sync format {v}, this one reads {FORMAT}); upgrade ties on this machine"
            ),
        }
    }
}

/// A point in the document's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heads(Vec<ChangeHash>);

/// A row as the merged document has it.
#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    Live(Vec<Value>),
    /// Gone: merged into another row (`Some`), or deleted. `last` is what it held.
    Gone {
        merged_into: Option<String>,
        last: Vec<Value>,
    },
}

/// The book as the engine keeps it.
pub struct Document {
    doc: AutoCommit,
    /// Where the document stood when it was read (nothing, for a new one).
    loaded: Vec<ChangeHash>,
    /// Made here and not yet committed: holds only what this side wrote since, each
    /// row once, so writing needs no comparison.
    fresh: bool,
}

fn contained<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let detail = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no detail".into());
        format!("the sync engine failed while {what} ({detail})")
    })
}

fn to_scalar(v: &Value) -> ScalarValue {
    match v {
        Value::Null => ScalarValue::Null,
        Value::Int(n) => ScalarValue::Int(*n),
        Value::Real(x) => ScalarValue::F64(*x),
        Value::Text(s) => ScalarValue::Str(s.as_str().into()),
    }
}

fn from_scalar(s: &ScalarValue) -> Value {
    match s {
        ScalarValue::Str(t) => Value::Text(t.to_string()),
        ScalarValue::Int(n) => Value::Int(*n),
        ScalarValue::Uint(n) => i64::try_from(*n).map_or(Value::Null, Value::Int),
        ScalarValue::F64(x) => Value::Real(*x),
        ScalarValue::Boolean(b) => Value::Int(i64::from(*b)),
        _ => Value::Null,
    }
}

fn from_value(v: &automerge::Value<'_>) -> Value {
    match v {
        automerge::Value::Scalar(s) => from_scalar(s),
        automerge::Value::Object(_) => Value::Null,
    }
}

impl Document {
    /// An empty document, written by a new actor.
    pub fn new() -> Document {
        let mut doc = AutoCommit::new();
        // Every machine puts the same value: never a conflict worth reporting.
        let _ = doc.put(ROOT, FORMAT_KEY, FORMAT);
        Document {
            doc,
            loaded: Vec::new(),
            fresh: true,
        }
    }

    /// Reads a document; what cannot be read is said, never a panic.
    pub fn load(bytes: &[u8]) -> Result<Document, Unreadable> {
        let loaded = contained("reading a file", || {
            AutoCommit::load_with_options(bytes, automerge::LoadOptions::new())
        })
        .map_err(Unreadable::Damaged)?;
        let mut doc = loaded.map_err(|e| Unreadable::Damaged(e.to_string()))?;
        // Our own changes go under a fresh actor: two copies of one database (restored
        // from one backup) must never write changes as the same actor.
        doc.set_actor(automerge::ActorId::random());
        let format = match doc.get(ROOT, FORMAT_KEY) {
            Ok(Some((automerge::Value::Scalar(s), _))) => match s.as_ref() {
                ScalarValue::Int(n) => Some(*n),
                ScalarValue::Uint(n) => i64::try_from(*n).ok(),
                _ => None,
            },
            _ => None,
        };
        match format {
            None if doc.is_empty() => Err(Unreadable::Damaged("the file is empty".into())),
            None => Err(Unreadable::NotTies),
            Some(v) if v > FORMAT => Err(Unreadable::Newer(v)),
            Some(_) => {
                let loaded = doc.get_heads();
                Ok(Document {
                    doc,
                    loaded,
                    fresh: false,
                })
            }
        }
    }

    /// Whether anything was added since the document was read (or made).
    pub fn changed(&mut self) -> bool {
        self.doc.get_heads() != self.loaded
    }

    /// Only what was added since the document was read: appended to the bytes it was
    /// read from, they read back as the whole document.
    pub fn save_added(&mut self) -> Result<Vec<u8>, String> {
        let since = self.loaded.clone();
        contained("saving", || self.doc.save_after(&since))
    }

    /// Takes in more of another document: the bytes another machine's file gained
    /// since it was last merged (changes whose history this document already has).
    /// Refused unless the bytes are whole chunks and every change they hold can be
    /// applied (a tail cut short, or changes after ones this document lacks, would be
    /// taken in part and quietly held back): the caller then reads the file whole.
    pub fn load_more(&mut self, bytes: &[u8]) -> Result<(), String> {
        if !whole_chunks(bytes) {
            return Err("the new bytes are not whole chunks".into());
        }
        self.fresh = false;
        contained("reading a file", || self.doc.load_incremental(bytes))?
            .map_err(|e| e.to_string())?;
        if self.doc.get_missing_deps(&[]).is_empty() {
            Ok(())
        } else {
            Err("changes that depend on changes this document lacks".into())
        }
    }

    /// The document's bytes (compressed, self-contained).
    pub fn save(&mut self) -> Result<Vec<u8>, String> {
        contained("saving", || self.doc.save())
    }

    pub fn heads(&mut self) -> Heads {
        Heads(self.doc.get_heads())
    }

    /// Takes in every change `other` has that this one lacks.
    pub fn merge(&mut self, other: &mut Document) -> Result<(), String> {
        self.fresh = false;
        contained("merging", || self.doc.merge(&mut other.doc))?
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn get(&self, key: &str) -> Option<Value> {
        match self.doc.get(ROOT, key) {
            Ok(Some((v, _))) => Some(from_value(&v)),
            _ => None,
        }
    }

    /// Whether two machines set `key` apart (more than one value stands).
    fn conflicted(&self, key: &str) -> bool {
        self.doc.get_all(ROOT, key).is_ok_and(|all| all.len() > 1)
    }

    fn put(&mut self, key: &str, value: &Value) -> Result<(), String> {
        self.doc
            .put(ROOT, key, to_scalar(value))
            .map_err(|e| e.to_string())
    }

    /// Records a row as this side has it, writing only what differs from the document;
    /// true when anything was written.
    pub fn write(&mut self, table: Table, change: &Change) -> Result<bool, String> {
        if self.fresh {
            return self.write_new(table, change);
        }
        let mut wrote = false;
        if table.by_column() {
            let key = change.key().to_string();
            let gone_key = column_key(table, &key, GONE);
            let gone_now = self.get(&gone_key).filter(|v| *v != Value::Null);
            match change {
                Change::Put(Row { values, .. }) => {
                    for (col, v) in table.columns().iter().zip(values) {
                        let k = column_key(table, &key, col.name());
                        // A value this side holds is written again over a conflict: the
                        // row was edited here after the conflict, which settles it.
                        if self.get(&k).unwrap_or(Value::Null) != *v || self.conflicted(&k) {
                            self.put(&k, v)?;
                            wrote = true;
                        }
                    }
                    if gone_now.is_some() {
                        self.put(&gone_key, &Value::Null)?;
                        wrote = true;
                    }
                }
                Change::Gone { merged_into, .. } => {
                    let mark = Value::Text(merged_into.clone().unwrap_or_default());
                    if gone_now.as_ref() != Some(&mark) {
                        self.put(&gone_key, &mark)?;
                        wrote = true;
                    }
                }
            }
        } else {
            let k = whole_key(table, change.key());
            let value = match change {
                Change::Put(row) => Value::Text(row_json(&row.values)),
                Change::Gone { .. } => Value::Null,
            };
            let now = self.get(&k);
            // A row never seen here needs no tombstone.
            if now.as_ref() != Some(&value) && !(now.is_none() && value == Value::Null) {
                self.put(&k, &value)?;
                wrote = true;
            }
        }
        Ok(wrote)
    }

    /// [`Document::write`] into a fresh document (the first sync of a large book writes
    /// every row, once): nothing to compare with.
    fn write_new(&mut self, table: Table, change: &Change) -> Result<bool, String> {
        match change {
            Change::Put(Row { key, values }) if table.by_column() => {
                for (col, v) in table.columns().iter().zip(values) {
                    if *v != Value::Null {
                        self.put(&column_key(table, key, col.name()), v)?;
                    }
                }
            }
            Change::Put(row) => {
                self.put(
                    &whole_key(table, &row.key),
                    &Value::Text(row_json(&row.values)),
                )?;
            }
            // A row never seen here needs no tombstone.
            Change::Gone { .. } => return Ok(false),
        }
        Ok(true)
    }

    /// Seals what was written since the last commit as one change.
    pub fn commit(&mut self, message: &str) {
        self.fresh = false;
        self.doc.commit_with(
            automerge::transaction::CommitOptions::default().with_message(message.to_string()),
        );
    }

    /// A row as the document has it; `None` when it never held it, or holds it in a
    /// form this build cannot read.
    pub fn read(&self, table: Table, key: &str) -> Option<RowState> {
        let columns = table.columns();
        if table.by_column() {
            let mut any = false;
            let values: Vec<Value> = columns
                .iter()
                .map(|c| {
                    let v = self.get(&column_key(table, key, c.name()));
                    any |= v.is_some();
                    v.unwrap_or(Value::Null)
                })
                .collect();
            if !any {
                return None;
            }
            match self.get(&column_key(table, key, GONE)) {
                Some(Value::Text(into)) => Some(RowState::Gone {
                    merged_into: (!into.is_empty()).then_some(into),
                    last: values,
                }),
                _ => Some(RowState::Live(values)),
            }
        } else {
            match self.get(&whole_key(table, key))? {
                Value::Text(json) => json_row(&json, columns.len()).map(RowState::Live),
                Value::Null => Some(RowState::Gone {
                    merged_into: None,
                    last: Vec::new(),
                }),
                _ => None,
            }
        }
    }

    /// Every row the document holds, as (table, key).
    pub fn all_rows(&self) -> BTreeSet<(Table, String)> {
        self.doc.keys(ROOT).filter_map(|k| parse_key(&k)).collect()
    }

    /// The rows whose value changed between `before` and now (a merge brought them).
    pub fn touched_since(&mut self, before: &Heads) -> Result<BTreeSet<(Table, String)>, String> {
        let after = self.doc.get_heads();
        if after == before.0 {
            return Ok(BTreeSet::new());
        }
        let patches = contained("comparing", || self.doc.diff(&before.0, &after))?;
        Ok(patches
            .into_iter()
            .filter(|p| p.obj == ObjId::Root)
            .filter_map(|p| match p.action {
                automerge::PatchAction::PutMap { key, .. }
                | automerge::PatchAction::DeleteMap { key } => parse_key(&key),
                automerge::PatchAction::Conflict {
                    prop: automerge::Prop::Map(key),
                } => parse_key(&key),
                _ => None,
            })
            .collect())
    }

    /// The columns of a row that two machines set apart before they synced: the column,
    /// the value every machine keeps, and each other value (equal values are no conflict).
    pub fn conflicts(&self, table: Table, key: &str) -> Vec<(String, Value, Value)> {
        if !table.by_column() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for c in table.columns() {
            let k = column_key(table, key, c.name());
            let Ok(Some((kept, kept_id))) = self.doc.get(ROOT, k.as_str()) else {
                continue;
            };
            let kept = from_value(&kept);
            let Ok(all) = self.doc.get_all(ROOT, k.as_str()) else {
                continue;
            };
            for (v, id) in all {
                let v = from_value(&v);
                if id != kept_id && v != kept && !out.iter().any(|(_, _, o)| *o == v) {
                    out.push((c.name().to_string(), kept.clone(), v));
                }
            }
        }
        out
    }
}

/// Whether `bytes` are a run of whole Automerge chunks, end to end: each the magic
/// bytes, a checksum, a type byte, its length (LEB128) and that many bytes.
fn whole_chunks(bytes: &[u8]) -> bool {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    let mut at = 0usize;
    if bytes.is_empty() {
        return false;
    }
    while at < bytes.len() {
        if bytes.get(at..at + 4) != Some(&MAGIC[..]) {
            return false;
        }
        at += 9;
        let mut len: u64 = 0;
        let mut shift = 0u32;
        loop {
            let Some(&b) = bytes.get(at) else {
                return false;
            };
            at += 1;
            if shift > 63 {
                return false;
            }
            len |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        match usize::try_from(len).ok().and_then(|n| at.checked_add(n)) {
            Some(end) if end <= bytes.len() => at = end,
            _ => return false,
        }
    }
    true
}

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(uid: &str, name: &str, company: Option<&str>) -> Change {
        let mut values = vec![Value::Null; Table::Contacts.columns().len()];
        values[0] = Value::Text(name.into());
        values[1] = company.map_or(Value::Null, |c| Value::Text(c.into()));
        values[3] = Value::Text("other".into());
        values[7] = Value::Int(0);
        values[10] = Value::Text("2026-01-01".into());
        Change::Put(Row {
            key: uid.into(),
            values,
        })
    }

    fn reload(d: &mut Document) -> Document {
        Document::load(&d.save().unwrap()).unwrap()
    }

    #[test]
    fn a_field_edited_on_two_machines_settles_on_one_value_and_reports_the_other() {
        let mut a = Document::new();
        a.write(Table::Contacts, &contact("u1", "Dana", None))
            .unwrap();
        a.commit("a");
        let mut b = reload(&mut a);
        a.write(Table::Contacts, &contact("u1", "Dana", Some("Acme")))
            .unwrap();
        a.commit("a");
        b.write(Table::Contacts, &contact("u1", "Dana", Some("Beta")))
            .unwrap();
        b.commit("b");
        let before = a.heads();
        let mut b2 = reload(&mut b);
        a.merge(&mut b2).unwrap();
        let mut a2 = reload(&mut a);
        b.merge(&mut a2).unwrap();
        assert_eq!(a.read(Table::Contacts, "u1"), b.read(Table::Contacts, "u1"));
        let conflicts = a.conflicts(Table::Contacts, "u1");
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].0, "company");
        assert_eq!(
            a.conflicts(Table::Contacts, "u1"),
            b.conflicts(Table::Contacts, "u1")
        );
        let touched = a.touched_since(&before).unwrap();
        assert!(touched.contains(&(Table::Contacts, "u1".to_string())));
    }

    #[test]
    fn garbage_truncated_and_foreign_files_are_refused_with_a_reason() {
        assert!(matches!(
            Document::load(b"not a document at all"),
            Err(Unreadable::Damaged(_))
        ));
        let mut a = Document::new();
        a.write(Table::Contacts, &contact("u1", "Dana", None))
            .unwrap();
        a.commit("a");
        let bytes = a.save().unwrap();
        assert!(Document::load(&bytes[..bytes.len() / 2]).is_err());
        let mut foreign = AutoCommit::new();
        foreign.put(ROOT, "title", "a shopping list").unwrap();
        assert_eq!(
            Document::load(&foreign.save()).err(),
            Some(Unreadable::NotTies)
        );
        let mut newer = AutoCommit::new();
        newer.put(ROOT, FORMAT_KEY, FORMAT + 1).unwrap();
        assert_eq!(
            Document::load(&newer.save()).err(),
            Some(Unreadable::Newer(FORMAT + 1))
        );
    }

    #[test]
    fn only_whole_chunks_are_taken_in_from_a_grown_file() {
        let mut a = Document::new();
        a.write(Table::Contacts, &contact("u1", "Dana", None))
            .unwrap();
        a.commit("a");
        let base = a.save().unwrap();
        let mut a = Document::load(&base).unwrap();
        a.write(Table::Contacts, &contact("u1", "Dana", Some("Acme")))
            .unwrap();
        a.commit("a");
        let added = a.save_added().unwrap();
        assert!(whole_chunks(&base) && whole_chunks(&added));
        assert!(!whole_chunks(&added[..added.len() - 1]));
        assert!(!whole_chunks(b"garbage bytes"));
        let mut b = Document::load(&base).unwrap();
        assert!(b.load_more(&added[..added.len() - 3]).is_err());
        b.load_more(&added).unwrap();
        assert_eq!(b.read(Table::Contacts, "u1"), a.read(Table::Contacts, "u1"));
    }

    #[test]
    fn whole_rows_round_trip_and_gone_rows_read_as_gone() {
        let mut a = Document::new();
        let row = Row {
            key: "i1".into(),
            values: vec![
                Value::Text("u1".into()),
                Value::Text("2026-01-02".into()),
                Value::Text("call".into()),
                Value::Null,
                Value::Text("a \"quoted\" label\n".into()),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Real(12.5),
            ],
        };
        assert!(
            a.write(Table::Interactions, &Change::Put(row.clone()))
                .unwrap()
        );
        a.commit("first");
        assert!(
            !a.write(Table::Interactions, &Change::Put(row.clone()))
                .unwrap()
        );
        assert_eq!(
            a.read(Table::Interactions, "i1"),
            Some(RowState::Live(row.values.clone()))
        );
        let gone = Change::Gone {
            key: "i1".into(),
            merged_into: None,
        };
        assert!(a.write(Table::Interactions, &gone).unwrap());
        assert!(matches!(
            a.read(Table::Interactions, "i1"),
            Some(RowState::Gone { .. })
        ));
        // A tombstone for a row the document never had is not written.
        let never = Change::Gone {
            key: "i2".into(),
            merged_into: None,
        };
        assert!(!a.write(Table::Interactions, &never).unwrap());
    }
}

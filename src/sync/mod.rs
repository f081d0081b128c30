//! Two machines, one book (DESIGN.md §9): the book's rows in a CRDT document, merged
//! with the documents other machines wrote, and the merged rows to write back.
//!
//! Pure: no I/O and no clock. The command (`cli::sync`) reads the files, the store
//! reads and writes the rows; this module decides what goes into the document and what
//! comes out of it. May import `domain`, `serde_json`, the engine's crate (in
//! [`engine`] only) and `std::panic` (to contain it).

pub mod engine;
mod layout;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::domain::replica::{Change, Column, Conflict, Row, Table, Value};
use engine::{Document, RowState};

/// Writes this book's changed rows into the document as one change; returns the rows
/// it wrote (they are looked at for conflicts after the merge).
pub fn export(
    doc: &mut Document,
    changes: &[(Table, Change)],
    device: &str,
) -> Result<BTreeSet<(Table, String)>, String> {
    let mut wrote = BTreeSet::new();
    for (table, change) in changes {
        if doc.write(*table, change)? {
            wrote.insert((*table, change.key().to_string()));
        }
    }
    if !wrote.is_empty() {
        doc.commit(&format!("ties sync from {device}"));
    }
    Ok(wrote)
}

/// Where a contact named by a row lives now.
#[derive(Clone)]
enum Lives {
    /// Itself, or the contact it was merged into (merges of merges followed).
    At(String),
    /// Gone in the document, but kept: two machines merged contacts into each other
    /// (a circle of merges), and every machine keeps the same one of them, the one with
    /// the smallest uid.
    Revived(String),
    /// Deleted (not merged) on some machine.
    Deleted(String),
}

/// [`lives`], asked once per contact.
struct Whereabouts<'d> {
    doc: &'d Document,
    known: HashMap<String, Lives>,
    gone_referrals: HashMap<String, bool>,
}

impl Whereabouts<'_> {
    fn contact(&mut self, uid: &str) -> Lives {
        if let Some(l) = self.known.get(uid) {
            return l.clone();
        }
        let l = lives(self.doc, uid);
        self.known.insert(uid.to_string(), l.clone());
        l
    }

    /// A referral that is gone, or that merges made someone referring themselves.
    fn referral_void(&mut self, uid: &str) -> bool {
        if let Some(g) = self.gone_referrals.get(uid) {
            return *g;
        }
        let g = match self.doc.read(Table::Referrals, uid) {
            Some(RowState::Gone { .. }) => true,
            Some(RowState::Live(values)) => self.refers_to_self(&values),
            None => false,
        };
        self.gone_referrals.insert(uid.to_string(), g);
        g
    }

    /// Whether a referral's person, after merges, is its own referrer or recipient.
    /// Every machine drops such a referral, as `merge --drop-referrals` does.
    fn refers_to_self(&mut self, values: &[Value]) -> bool {
        let mut who = |i: usize| match values.get(i) {
            Some(Value::Text(uid)) => match self.contact(uid) {
                Lives::At(t) | Lives::Revived(t) | Lives::Deleted(t) => Some(t),
            },
            _ => None,
        };
        let (referrer, person, recipient) = (who(0), who(1), who(2));
        person.is_some() && (person == referrer || person == recipient)
    }
}

fn lives(doc: &Document, uid: &str) -> Lives {
    let mut path: Vec<String> = vec![uid.to_string()];
    while path.len() <= 64 {
        let at = &path[path.len() - 1];
        match doc.read(Table::Contacts, at) {
            Some(RowState::Gone {
                merged_into: Some(next),
                ..
            }) => {
                if let Some(i) = path.iter().position(|p| *p == next) {
                    let circle = &path[i..];
                    let keep = circle.iter().min().cloned().unwrap_or(next);
                    return Lives::Revived(keep);
                }
                path.push(next);
            }
            Some(RowState::Gone { .. }) => return Lives::Deleted(at.clone()),
            _ => return Lives::At(at.clone()),
        }
    }
    // Sixty-four merges in a row: keep where the chain was followed to.
    Lives::Revived(path.pop().unwrap_or_default())
}

/// The rows to write back for the rows a merge touched, as the merged document has
/// them, in the order they can be written: a contact before what names it, and what is
/// gone after what named it. References follow merges: a touch another machine logged
/// on a contact merged here lands on the contact it was merged into, and a touch or a
/// referral on a contact deleted elsewhere brings the contact back (every touch is kept).
pub fn incoming(doc: &Document, touched: &BTreeSet<(Table, String)>) -> Vec<(Table, Change)> {
    let mut puts: BTreeMap<Table, Vec<Change>> = BTreeMap::new();
    let mut gones: BTreeMap<Table, Vec<Change>> = BTreeMap::new();
    let mut revive: BTreeSet<String> = BTreeSet::new();
    let mut at = Whereabouts {
        doc,
        known: HashMap::new(),
        gone_referrals: HashMap::new(),
    };
    for (table, key) in touched {
        let table = *table;
        match doc.read(table, key) {
            None => {}
            Some(RowState::Gone { .. }) if table == Table::Contacts => {
                let merged_into = match at.contact(key) {
                    Lives::At(t) => Some(t),
                    Lives::Revived(t) if t == *key => {
                        // The one every machine keeps of a circle of merges.
                        revive.insert(t);
                        continue;
                    }
                    Lives::Revived(t) => {
                        revive.insert(t.clone());
                        Some(t)
                    }
                    Lives::Deleted(_) => None,
                };
                gones.entry(table).or_default().push(Change::Gone {
                    key: key.clone(),
                    merged_into: merged_into.filter(|t| t != key),
                });
            }
            Some(RowState::Gone { .. }) => {
                gones.entry(table).or_default().push(Change::Gone {
                    key: key.clone(),
                    merged_into: None,
                });
            }
            Some(RowState::Live(_)) if table == Table::Referrals && at.referral_void(key) => {
                gones.entry(table).or_default().push(Change::Gone {
                    key: key.clone(),
                    merged_into: None,
                });
            }
            Some(RowState::Live(mut values)) => {
                let mut keep = true;
                let mut needs: Vec<String> = Vec::new();
                for (col, v) in table.columns().iter().zip(values.iter_mut()) {
                    let Value::Text(uid) = v else { continue };
                    match col {
                        Column::Plain(_) => {}
                        Column::Contact(_) => match at.contact(uid) {
                            Lives::At(t) => *v = Value::Text(t),
                            Lives::Revived(t) => {
                                needs.push(t.clone());
                                *v = Value::Text(t);
                            }
                            Lives::Deleted(t) => {
                                if matches!(table, Table::Interactions | Table::Referrals) {
                                    needs.push(t.clone());
                                }
                                *v = Value::Text(t);
                            }
                        },
                        Column::Referral(_) => {
                            if at.referral_void(uid) {
                                if table == Table::Events {
                                    keep = false;
                                } else {
                                    *v = Value::Null;
                                }
                            }
                        }
                    }
                }
                if keep {
                    revive.extend(needs);
                    puts.entry(table).or_default().push(Change::Put(Row {
                        key: key.clone(),
                        values,
                    }));
                }
            }
        }
    }
    let mut out = Vec::new();
    for uid in revive {
        if let Some(RowState::Gone { last, .. }) = doc.read(Table::Contacts, &uid) {
            out.push((
                Table::Contacts,
                Change::Put(Row {
                    key: uid,
                    values: last,
                }),
            ));
        }
    }
    for table in Table::ALL {
        for c in puts.remove(&table).unwrap_or_default() {
            out.push((table, c));
        }
    }
    for table in Table::ALL.into_iter().rev() {
        for c in gones.remove(&table).unwrap_or_default() {
            out.push((table, c));
        }
    }
    out
}

/// The conflicts among the given rows' fields (contacts and referrals: the fields a
/// person edits), as the merged document has them.
pub fn conflicts(doc: &Document, rows: &BTreeSet<(Table, String)>) -> Vec<Conflict> {
    rows.iter()
        .filter(|(t, _)| matches!(t, Table::Contacts | Table::Referrals))
        .flat_map(|(table, key)| {
            doc.conflicts(*table, key)
                .into_iter()
                .map(|(field, kept, other)| Conflict {
                    table: *table,
                    key: key.clone(),
                    field,
                    kept: kept.display(),
                    other: other.display(),
                })
        })
        .collect()
}

/// The rows whose conflicts a sync re-examines: those it wrote or received.
pub fn looked_at(
    wrote: &BTreeSet<(Table, String)>,
    touched: &BTreeSet<(Table, String)>,
) -> BTreeSet<(Table, String)> {
    wrote
        .iter()
        .chain(touched)
        .filter(|(t, _)| matches!(t, Table::Contacts | Table::Referrals))
        .cloned()
        .collect()
}

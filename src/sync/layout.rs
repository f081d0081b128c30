//! The document's layout, which every machine must read alike: one flat root map whose
//! keys name a table and a row (`c/UID`, and `c/UID.column` for the tables kept column
//! by column), and whole rows kept as JSON arrays. No engine type appears here.

use crate::domain::replica::{Table, Value};

pub(super) fn prefix(table: Table) -> &'static str {
    match table {
        Table::Contacts => "c",
        Table::Fields => "f",
        Table::Tags => "t",
        Table::Referrals => "r",
        Table::Events => "e",
        Table::Interactions => "i",
        Table::Snoozes => "s",
        Table::LetGo => "l",
    }
}

pub(super) fn table_of(prefix: &str) -> Option<Table> {
    Table::ALL.into_iter().find(|t| self::prefix(*t) == prefix)
}

pub(super) fn whole_key(table: Table, key: &str) -> String {
    format!("{}/{key}", prefix(table))
}

pub(super) fn column_key(table: Table, key: &str, column: &str) -> String {
    format!("{}/{key}.{column}", prefix(table))
}

/// The table and row key of a document key.
pub(super) fn parse_key(doc_key: &str) -> Option<(Table, String)> {
    let (p, rest) = doc_key.split_once('/')?;
    let table = table_of(p)?;
    if table.by_column() {
        let (key, _column) = rest.rsplit_once('.')?;
        Some((table, key.to_string()))
    } else {
        Some((table, rest.to_string()))
    }
}

pub(super) fn row_json(values: &[Value]) -> String {
    let array: Vec<serde_json::Value> = values
        .iter()
        .map(|v| match v {
            Value::Null => serde_json::Value::Null,
            Value::Int(n) => serde_json::Value::from(*n),
            Value::Real(x) => serde_json::Number::from_f64(*x)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Text(s) => serde_json::Value::from(s.as_str()),
        })
        .collect();
    serde_json::Value::Array(array).to_string()
}

pub(super) fn json_row(text: &str, width: usize) -> Option<Vec<Value>> {
    let serde_json::Value::Array(items) = serde_json::from_str(text).ok()? else {
        return None;
    };
    if items.len() != width {
        return None;
    }
    items
        .into_iter()
        .map(|v| match v {
            serde_json::Value::Null => Some(Value::Null),
            serde_json::Value::String(s) => Some(Value::Text(s)),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(Value::Int)
                .or_else(|| n.as_f64().map(Value::Real)),
            _ => None,
        })
        .collect()
}

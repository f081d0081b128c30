//! The lossless, versioned JSON document: every row of every table, so that exporting,
//! importing into an empty database and exporting again gives identical bytes.
//!
//! Parsing and printing of the [`Document`] (a domain type); the store reads and writes it.

pub use crate::domain::document::{
    DocContact, DocInteraction, DocReferral, DocSnooze, Document, FORMAT, VERSION,
};

/// Why a document cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    #[error(
        "the file is not a ties JSON export ({0}); export one with `ties export --format json`"
    )]
    Invalid(String),
    #[error(
        "the file is a ties JSON export of version {0}, newer than this ties reads ({VERSION}); upgrade ties"
    )]
    Newer(u32),
    #[error("the ties JSON export is inconsistent: {0}; export it again")]
    Inconsistent(String),
}

impl Document {
    /// Serializes with stable key order and a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }

    /// Parses and checks a document: format, version, and that every reference points
    /// at a record in the document.
    pub fn parse(text: &str) -> Result<Document, JsonError> {
        let probe: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| JsonError::Invalid(format!("not valid JSON: {e}")))?;
        if probe.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(JsonError::Invalid("it lacks \"format\": \"ties\"".into()));
        }
        if let Some(v) = probe.get("version").and_then(|v| v.as_u64())
            && v > u64::from(VERSION)
        {
            return Err(JsonError::Newer(u32::try_from(v).unwrap_or(u32::MAX)));
        }
        let doc: Document =
            serde_json::from_value(probe).map_err(|e| JsonError::Invalid(e.to_string()))?;
        doc.check()?;
        Ok(doc)
    }

    fn check(&self) -> Result<(), JsonError> {
        use std::collections::HashSet;
        let bad = |m: String| Err(JsonError::Inconsistent(m));
        let mut contacts = HashSet::new();
        let mut uids = HashSet::new();
        for c in &self.contacts {
            if !contacts.insert(c.id) {
                return bad(format!("contact id {} appears twice", c.id));
            }
            if !uids.insert(c.uid.as_str()) {
                return bad(format!("contact uid {} appears twice", c.uid));
            }
            if c.name.trim().is_empty() {
                return bad(format!("contact {} has a blank name", c.id));
            }
        }
        let mut referrals = HashSet::new();
        for r in &self.referrals {
            if !referrals.insert(r.id) {
                return bad(format!("referral id {} appears twice", r.id));
            }
            let known = |id: Option<i64>| id.is_none_or(|i| contacts.contains(&i));
            if !contacts.contains(&r.person_id) || !known(r.referrer_id) || !known(r.recipient_id) {
                return bad(format!(
                    "referral {} names a contact that is not in the file",
                    r.id
                ));
            }
            if r.referrer_id.is_some() == r.recipient_id.is_some() {
                return bad(format!(
                    "referral {} must have exactly one of referrer_id and recipient_id",
                    r.id
                ));
            }
            if Some(r.person_id) == r.referrer_id || Some(r.person_id) == r.recipient_id {
                return bad(format!("referral {} refers a person to themselves", r.id));
            }
        }
        let mut interactions = HashSet::new();
        for i in &self.interactions {
            if !interactions.insert(i.id) {
                return bad(format!("interaction id {} appears twice", i.id));
            }
            if !contacts.contains(&i.contact_id)
                || i.referral_id.is_some_and(|r| !referrals.contains(&r))
            {
                return bad(format!(
                    "interaction {} names a contact or referral that is not in the file",
                    i.id
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::interaction::InteractionKind;
    use chrono::NaiveDate;

    #[test]
    fn refuses_what_is_not_ours() {
        assert!(matches!(Document::parse("[]"), Err(JsonError::Invalid(_))));
        assert!(matches!(
            Document::parse("{\"format\": \"other\"}"),
            Err(JsonError::Invalid(_))
        ));
        assert!(matches!(
            Document::parse("{\"format\": \"ties\", \"version\": 99}"),
            Err(JsonError::Newer(99))
        ));
        assert!(matches!(
            Document::parse("not json"),
            Err(JsonError::Invalid(_))
        ));
        let mut d = Document::new();
        d.interactions.push(DocInteraction {
            id: 1,
            contact_id: 5,
            occurred_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            kind: InteractionKind::Call,
            direction: None,
            label: None,
            note: None,
            referral_id: None,
            channel: None,
            reward: None,
            amount: None,
        });
        assert!(matches!(
            Document::parse(&d.to_json()),
            Err(JsonError::Inconsistent(_))
        ));
        assert_eq!(
            Document::parse(&Document::new().to_json()).unwrap(),
            Document::new()
        );
    }
}

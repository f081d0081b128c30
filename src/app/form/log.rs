//! The form that logs an interaction with a contact.

use chrono::NaiveDate;

use super::{Data, Form, FormKind, Invalid, Write, choice, invalid, text, words};
use crate::domain::contact::optional_text;
use crate::domain::date::parse_past_date;
use crate::domain::interaction::{InteractionKind, NewInteraction};

slots! {
    /// The log form's fields.
    LogField {
        Kind,
        Date,
        Label,
        Note,
    }
}

impl Form {
    pub fn log(contact_id: i64, name: &str, today: NaiveDate) -> Form {
        // A call is what people log most.
        let call = InteractionKind::ALL
            .iter()
            .position(|k| *k == InteractionKind::Call)
            .unwrap_or(0);
        Form {
            kind: FormKind::Log(contact_id),
            title: format!("Log an interaction with {name}"),
            fields: LogField::ALL
                .iter()
                .map(|f| match f {
                    LogField::Kind => choice("kind", words(InteractionKind::ALL), call),
                    LogField::Date => text("date", today.format("%Y-%m-%d").to_string()),
                    LogField::Label => text("label", ""),
                    LogField::Note => text("note", ""),
                })
                .collect(),
            focus: 0,
            existing: Vec::new(),
            original: None,
        }
    }

    pub(super) fn check_log(
        &self,
        id: i64,
        data: &Data,
        today: NaiveDate,
    ) -> Result<(Write, String), Invalid> {
        let kind = InteractionKind::ALL
            .get(self.choice_of(LogField::Kind))
            .copied()
            .unwrap_or(InteractionKind::Call);
        let on = parse_past_date(self.text_of(LogField::Date), today)
            .map_err(|e| invalid(LogField::Date, e.to_string()))?;
        let mut i = NewInteraction::new(id, on, kind);
        i.label = optional_text(self.text_of(LogField::Label));
        i.note = optional_text(self.text_of(LogField::Note));
        let i = i
            .validated(today)
            .map_err(|e| invalid(LogField::Kind, e.to_string()))?;
        let done = format!("Logged a {kind} with {} on {on}.", data.name(id));
        Ok((Write::Interaction(i), done))
    }
}

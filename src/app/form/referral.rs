//! The referral forms: record a referral (the person, new or existing; the direction; who
//! referred them or whom you referred them to; quality, date, note), and the value or
//! reason a referral's win or loss needs.

use chrono::NaiveDate;

use super::{
    Data, Form, FormField, FormKind, Input, Invalid, Pick, Picked, Write, choice, invalid, text,
    words,
};
use crate::app::effect::PersonRef;
use crate::domain::contact::{Circle, NewContact, optional_text, validate_name};
use crate::domain::date::parse_past_date;
use crate::domain::interaction::validate_amount;
use crate::domain::referral::{
    NewReferral, Quality, Referral, Side, Status, StatusChange, validate_change,
};

slots! {
    /// The referral form's fields.
    ReferralField {
        Person,
        Direction,
        Counterpart,
        Quality,
        Date,
        Note,
    }
}

slots! {
    /// The status form's one field: the value a win was worth, or why it was lost.
    StatusField {
        Answer,
    }
}

/// The direction choice's options, in [`ReferralField::Direction`]: received first.
const RECEIVED: usize = 0;

impl Form {
    pub fn referral(data: &Data, counterpart: Option<i64>, today: NaiveDate) -> Form {
        let pick = |label, allow_new, initial| FormField {
            label,
            input: Input::Person(Pick::new(allow_new, data, initial)),
            error: None,
            touched: false,
        };
        Form {
            kind: FormKind::Referral,
            title: "Record a referral".into(),
            fields: ReferralField::ALL
                .iter()
                .map(|f| match f {
                    ReferralField::Person => pick("person", true, None),
                    ReferralField::Direction => choice(
                        "direction",
                        vec!["referred to me by".into(), "referred by me to".into()],
                        RECEIVED,
                    ),
                    ReferralField::Counterpart => pick("by / to", false, counterpart),
                    ReferralField::Quality => choice("quality", words(Quality::ALL), 0),
                    ReferralField::Date => text("date", today.format("%Y-%m-%d").to_string()),
                    ReferralField::Note => text("note", ""),
                })
                .collect(),
            focus: 0,
            existing: Vec::new(),
            original: None,
        }
    }

    pub fn status(r: &Referral, to: Status, describe: &str) -> Form {
        let (title, label) = if to == Status::Won {
            (format!("Won: {describe}"), "value")
        } else {
            (format!("Lost: {describe}"), "reason")
        };
        // Winning again offers what it was won for before it was reopened.
        let offered = match to {
            Status::Won => r
                .won_value
                .map(|v| {
                    if v.fract() == 0.0 {
                        format!("{v:.0}")
                    } else {
                        format!("{v}")
                    }
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        Form {
            kind: FormKind::Status {
                referral_id: r.id,
                to,
            },
            title,
            fields: StatusField::ALL
                .iter()
                .map(|f| match f {
                    StatusField::Answer => text(label, offered.clone()),
                })
                .collect(),
            focus: 0,
            existing: Vec::new(),
            original: None,
        }
    }

    pub(super) fn check_referral(&self, today: NaiveDate) -> Result<(Write, String), Invalid> {
        use ReferralField as F;
        let person = self
            .picked(F::Person)
            .ok_or_else(|| invalid(F::Person, "type the referred person's name"))?;
        let Some(Picked::Existing(other, other_name)) = self.picked(F::Counterpart) else {
            return Err(invalid(
                F::Counterpart,
                "pick the contact who referred them, or whom you referred them to",
            ));
        };
        let received = self.choice_of(F::Direction) == RECEIVED;
        let side = if received {
            Side::ReceivedFrom(other)
        } else {
            Side::GivenTo(other)
        };
        let quality = Quality::ALL
            .get(self.choice_of(F::Quality))
            .copied()
            .unwrap_or(Quality::NameOnly);
        let on = parse_past_date(self.text_of(F::Date), today)
            .map_err(|e| invalid(F::Date, e.to_string()))?;
        let (person, person_name) = match person {
            Picked::Existing(id, n) => (PersonRef::Existing(id), n),
            Picked::New(n) => {
                let name = validate_name(&n).map_err(|e| invalid(F::Person, e.to_string()))?;
                let circle = if received {
                    Circle::Prospect
                } else {
                    Circle::Other
                };
                (
                    PersonRef::New(Box::new(NewContact {
                        name: name.clone(),
                        circle: Some(circle),
                        ..NewContact::default()
                    })),
                    name,
                )
            }
        };
        let referral = NewReferral {
            side,
            person_id: match person {
                PersonRef::Existing(id) => id,
                PersonRef::New(_) => 0,
            },
            quality,
            referred_on: on,
            note: optional_text(self.text_of(F::Note)),
        }
        .validated(today)
        .map_err(|e| invalid(F::Person, e.to_string()))?;
        let done = if received {
            format!("Recorded: {person_name} referred by {other_name}. Thank them (Referrals, t).")
        } else {
            format!("Recorded: {person_name} referred to {other_name}.")
        };
        Ok((Write::Referral { person, referral }, done))
    }

    pub(super) fn check_status(
        &self,
        id: i64,
        to: Status,
        data: &Data,
        today: NaiveDate,
    ) -> Result<(Write, String), Invalid> {
        use StatusField as F;
        let Some(r) = data.referral(id) else {
            return Err(invalid(F::Answer, "this referral no longer exists"));
        };
        let raw = self.text_of(F::Answer);
        let (value, reason) = if to == Status::Won {
            let v: f64 = raw.replace([',', '$'], "").parse().map_err(|_| {
                invalid(
                    F::Answer,
                    "give the value as a number, e.g. 12500 (0 if none)",
                )
            })?;
            (
                Some(validate_amount(v).map_err(|e| invalid(F::Answer, e.to_string()))?),
                None,
            )
        } else {
            if raw.is_empty() {
                return Err(invalid(
                    F::Answer,
                    "say why it ended, e.g. \"went with a cheaper quote\"",
                ));
            }
            (None, Some(raw.to_string()))
        };
        let change = StatusChange {
            to,
            on: today,
            value,
            reason,
            reopen: r.status.is_closed(),
        };
        validate_change(r, &change, today).map_err(|e| invalid(F::Answer, e.to_string()))?;
        let done = format!("#{id} {} is now {}.", data.describe(r), to.phrase());
        Ok((Write::ChangeStatus(id, change), done))
    }
}

//! Contact commands: add, edit, list, show, archive, merge, log.

use anyhow::Result;
use serde_json::json;

use super::args::{AddArgs, ContactFlags, EditArgs, ListArgs, LogArgs};
use super::output::{self, print_json};
use super::{Ctx, scores};
use crate::domain::contact::{
    ContactPatch, Field, FieldKind, NewContact, normalize_tag, optional_text, validate_birthday,
    validate_cadence, validate_closeness, validate_email, validate_name, validate_phone,
};
use crate::domain::interaction::NewInteraction;
use crate::error::UsageError;
use crate::store::ContactFilter;
use crate::text::sanitize;

/// Validated multi-valued fields from the flags.
fn fields_from(flags: &ContactFlags) -> Result<Vec<Field>> {
    let mut fields = Vec::new();
    for e in &flags.email {
        fields.push(Field {
            kind: FieldKind::Email,
            label: None,
            value: validate_email(e).map_err(UsageError::from)?,
        });
    }
    for p in &flags.phone {
        fields.push(Field {
            kind: FieldKind::Phone,
            label: None,
            value: validate_phone(p).map_err(UsageError::from)?,
        });
    }
    for (kind, values) in [
        (FieldKind::Url, &flags.url),
        (FieldKind::Address, &flags.address),
    ] {
        for v in values {
            let value = optional_text(v).ok_or_else(|| {
                UsageError::new(format!(
                    "a blank --{kind} is not allowed; leave the flag out"
                ))
            })?;
            fields.push(Field {
                kind,
                label: None,
                value,
            });
        }
    }
    if let Some(b) = flags.birthday.as_deref().filter(|b| !is_none(b)) {
        fields.push(Field {
            kind: FieldKind::Birthday,
            label: None,
            value: validate_birthday(b).map_err(UsageError::from)?,
        });
    }
    Ok(fields)
}

/// `--birthday none` (edit) removes the birthday.
fn is_none(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("none")
}

fn tags_from(tags: &[String]) -> Result<Vec<String>> {
    Ok(tags
        .iter()
        .map(|t| normalize_tag(t))
        .collect::<Result<_, _>>()
        .map_err(UsageError::from)?)
}

pub fn add(ctx: &mut Ctx, a: AddArgs) -> Result<()> {
    let f = &a.flags;
    if f.birthday.as_deref().is_some_and(is_none) {
        return Err(
            UsageError::new("--birthday none only applies to edit; leave the flag out").into(),
        );
    }
    let new = NewContact {
        uid: None,
        name: validate_name(&a.name).map_err(UsageError::from)?,
        company: f.company.as_deref().and_then(optional_text),
        title: f.title.as_deref().and_then(optional_text),
        circle: f.circle,
        tags: tags_from(&f.tag)?,
        fields: fields_from(f)?,
        how_met: f.how_met.as_deref().and_then(optional_text),
        notes: f.note.as_deref().and_then(optional_text),
        cadence_days: f
            .cadence
            .map(validate_cadence)
            .transpose()
            .map_err(UsageError::from)?,
        do_not_ask: f.do_not_ask,
        closeness: f
            .closeness
            .map(validate_closeness)
            .transpose()
            .map_err(UsageError::from)?,
        ..NewContact::default()
    };
    let twin = likely_duplicate(ctx, &new)?;
    let id = ctx.store.insert_contact(&new, ctx.today)?;
    if ctx.json {
        return print_json(&output::contact_json(ctx, id)?);
    }
    outln!("Added #{id} {}.", sanitize(&new.name));
    if let Some((other, name, why)) = twin {
        // A note, not an error: scripts that add on purpose still work.
        let note = format!(
            "note: #{other} {} has {why}; if they are one person, `ties merge #{other} #{id}` joins them",
            sanitize(&name)
        );
        if super::sink::capturing() {
            outln!("{note}");
        } else {
            eprintln!("{note}");
        }
    }
    Ok(())
}

/// A contact already in the book that `new` likely duplicates: the same name (case
/// ignored), or one of its emails or phones. Returns its id, name and why, in words.
fn likely_duplicate(ctx: &Ctx, new: &NewContact) -> Result<Option<(i64, String, String)>> {
    let name = new.name.trim().to_lowercase();
    if let Some(e) = ctx
        .store
        .name_entries()?
        .into_iter()
        .find(|e| e.name.trim().to_lowercase() == name)
    {
        return Ok(Some((e.id, e.name, "the same name".into())));
    }
    for f in &new.fields {
        if let Some((id, name)) = ctx.store.contact_with_field(f.kind, &f.value)? {
            return Ok(Some((
                id,
                name,
                format!("the same {} {}", f.kind.as_str(), f.value),
            )));
        }
    }
    Ok(None)
}

pub fn edit(ctx: &mut Ctx, a: EditArgs) -> Result<()> {
    let id = ctx.resolve(&a.contact)?;
    let f = &a.flags;
    let text = |v: &Option<String>| v.as_deref().map(optional_text);
    let patch = ContactPatch {
        name: a
            .name
            .as_deref()
            .map(validate_name)
            .transpose()
            .map_err(UsageError::from)?,
        company: text(&f.company),
        title: text(&f.title),
        circle: f.circle,
        how_met: text(&f.how_met),
        notes: text(&f.note),
        cadence_days: match f.cadence {
            None => None,
            Some(0) => Some(None),
            Some(d) => Some(Some(validate_cadence(d).map_err(UsageError::from)?)),
        },
        do_not_ask: if f.do_not_ask {
            Some(true)
        } else if a.allow_ask {
            Some(false)
        } else {
            None
        },
        closeness: match f.closeness {
            None => None,
            Some(0) => Some(None),
            Some(c) => Some(Some(validate_closeness(c).map_err(UsageError::from)?)),
        },
        add_tags: tags_from(&f.tag)?,
        remove_tags: tags_from(&a.remove_tag)?,
        add_fields: fields_from(f)?,
        remove_fields: a
            .remove_field
            .iter()
            .map(|v| v.trim().to_string())
            .collect(),
        replace_fields: Vec::new(),
    };
    let mut patch = patch;
    if f.birthday.is_some() {
        // A new birthday replaces the old one.
        let old = ctx.store.contact(id)?.map(|c| c.fields).unwrap_or_default();
        patch.remove_fields.extend(
            old.into_iter()
                .filter(|x| x.kind == FieldKind::Birthday)
                .map(|x| x.value),
        );
    }
    if patch == ContactPatch::default() {
        return Err(UsageError::new("nothing to change; give at least one flag, e.g. --company or --tag (see `ties edit --help`)").into());
    }
    ctx.store.update_contact(id, &patch)?;
    if ctx.json {
        return print_json(&output::contact_json(ctx, id)?);
    }
    let name = ctx.store.contact(id)?.map(|c| c.name).unwrap_or_default();
    outln!("Updated #{id} {}.", sanitize(&name));
    Ok(())
}

pub fn list(ctx: &mut Ctx, a: ListArgs) -> Result<()> {
    let filter = ContactFilter {
        tag: a
            .tag
            .as_deref()
            .map(normalize_tag)
            .transpose()
            .map_err(UsageError::from)?,
        circle: a.circle,
        search: a.search,
        archived: a.archived,
    };
    let contacts = ctx.store.contacts(&filter)?;
    let summary = scores::summaries(ctx, &contacts)?;
    let rows: Vec<serde_json::Value> = contacts
        .iter()
        .map(|c| {
            let s = summary.get(&c.id);
            json!({
                "id": c.id,
                "name": c.name,
                "company": c.company,
                "circle": c.circle,
                "tags": c.tags,
                "strength": s.map_or(0, |s| s.strength),
                "band": s.map_or("no_history", |s| s.band.as_str()),
                "last_touch": s.and_then(|s| s.last_touch),
            })
        })
        .collect();
    if ctx.json {
        return print_json(&rows);
    }
    if contacts.is_empty() {
        outln!("No contacts match. Add one with `ties add NAME`.");
        return Ok(());
    }
    for (c, row) in contacts.iter().zip(&rows) {
        let last = row["last_touch"]
            .as_str()
            .map_or_else(|| "never".to_string(), |d| d.to_string());
        let company = c
            .company
            .as_deref()
            .map(|s| format!(" · {}", sanitize(s)))
            .unwrap_or_default();
        let tags = if c.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", sanitize(&c.tags.join(", ")))
        };
        outln!(
            "#{:<5} {}{}  ({}, {} {}, last touch {}){}",
            c.id,
            sanitize(&c.name),
            company,
            c.circle,
            row["band"].as_str().unwrap_or(""),
            row["strength"],
            last,
            tags
        );
    }
    Ok(())
}

pub fn show(ctx: &mut Ctx, contact: &str) -> Result<()> {
    let id = ctx.resolve(contact)?;
    let names = output::names(ctx)?;
    let doc = output::contact_doc(ctx, id, &names)?;
    if ctx.json {
        return print_json(&doc);
    }
    output::print_contact(ctx, &doc, &names)
}

pub fn archive(ctx: &mut Ctx, contact: &str, archive: bool) -> Result<()> {
    let id = ctx.resolve(contact)?;
    let c = ctx
        .store
        .contact(id)?
        .ok_or_else(|| UsageError::new(format!("contact #{id} vanished; try again")))?;
    let name = sanitize(&c.name).into_owned();
    match (archive, c.archived_on.is_some()) {
        (true, true) if !ctx.json => outln!("#{id} {name} is already archived."),
        (false, false) if !ctx.json => outln!("#{id} {name} is not archived."),
        (true, true) | (false, false) => {}
        (true, false) => {
            ctx.store.set_archived(id, Some(ctx.today))?;
            if !ctx.json {
                outln!("Archived #{id} {name}. Bring them back with `ties unarchive #{id}`.");
            }
        }
        (false, true) => {
            ctx.store.set_archived(id, None)?;
            if !ctx.json {
                outln!("Unarchived #{id} {name}.");
            }
        }
    }
    if ctx.json {
        return print_json(&output::contact_json(ctx, id)?);
    }
    Ok(())
}

pub fn merge(ctx: &mut Ctx, keep: &str, other: &str, drop_referrals: bool) -> Result<()> {
    let keep_id = ctx.resolve(keep)?;
    let other_id = ctx.resolve(other)?;
    let other_name = ctx
        .store
        .contact(other_id)?
        .map(|c| c.name)
        .unwrap_or_default();
    ctx.store
        .merge_contacts(keep_id, other_id, drop_referrals)?;
    if ctx.json {
        return print_json(&output::contact_json(ctx, keep_id)?);
    }
    let keep_name = ctx
        .store
        .contact(keep_id)?
        .map(|c| c.name)
        .unwrap_or_default();
    outln!(
        "Merged #{other_id} {} into #{keep_id} {}: its interactions, referrals, fields and tags are now theirs.",
        sanitize(&other_name),
        sanitize(&keep_name)
    );
    Ok(())
}

pub fn log(ctx: &mut Ctx, a: LogArgs) -> Result<()> {
    let contact_id = ctx.resolve(&a.contact)?;
    let on = ctx.past_date(a.on.as_deref())?;
    if let Some(rid) = a.referral {
        let r = ctx.store.referral(rid)?.ok_or_else(|| {
            UsageError::new(format!(
                "referral #{rid} does not exist; see `ties referral list`"
            ))
        })?;
        if ![r.referrer_id, Some(r.person_id), r.recipient_id].contains(&Some(contact_id)) {
            return Err(UsageError::new(format!(
                "referral #{rid} does not involve contact #{contact_id}; log it on the referrer, the person referred, or the recipient"
            ))
            .into());
        }
    }
    let mut i = NewInteraction::new(contact_id, on, a.kind);
    i.direction = a.dir;
    i.label = a.label.as_deref().and_then(optional_text);
    i.note = a.note.as_deref().and_then(optional_text);
    i.referral_id = a.referral;
    i.channel = a.channel;
    i.reward = a.reward;
    i.amount = a.amount;
    let i = i.validated(ctx.today).map_err(UsageError::from)?;
    let id = ctx.store.insert_interaction(&i)?;
    if ctx.json {
        let stored = ctx.store.interaction(id)?;
        return print_json(&stored);
    }
    let name = ctx
        .store
        .contact(contact_id)?
        .map(|c| c.name)
        .unwrap_or_default();
    let label = i
        .label
        .as_deref()
        .map(|l| format!(" ({})", sanitize(l)))
        .unwrap_or_default();
    outln!(
        "Logged {}{} with {} on {}.",
        i.kind,
        label,
        sanitize(&name),
        on
    );
    Ok(())
}

//! Opportunities: what the pages and server functions exchange about the deals a workspace hopes
//! to win, the stages of its pipeline, and what a valid amount of money is.

use serde::{Deserialize, Serialize};

use crate::ids::{CompanyId, LeadId, OpportunityId, PersonId, StageId};
use crate::records::{
    EditableRecord, FieldInput, ListQuery, ListSort, MemberOption, NewRecordFields, RecordField,
    TimelineEntry,
};
use crate::storage::OPPORTUNITY_DRAFT_KEY;
use crate::text::NAME_MAX_CHARS;
use crate::time::CalendarDate;

/// The currencies an amount can be in: (ISO 4217 code, label). Each has two decimal places but
/// the yen, which has none.
pub const CURRENCIES: &[(&str, &str)] = &[
    ("EUR", "Euro (EUR)"),
    ("USD", "US dollar (USD)"),
    ("GBP", "Pound sterling (GBP)"),
    ("CHF", "Swiss franc (CHF)"),
    ("SEK", "Swedish krona (SEK)"),
    ("NOK", "Norwegian krone (NOK)"),
    ("DKK", "Danish krone (DKK)"),
    ("PLN", "Polish złoty (PLN)"),
    ("CAD", "Canadian dollar (CAD)"),
    ("AUD", "Australian dollar (AUD)"),
    ("JPY", "Japanese yen (JPY)"),
];

/// The currency a new opportunity is in unless another is chosen.
pub const DEFAULT_CURRENCY: &str = "EUR";

/// The largest amount, in major units (a trillion), so that sums per stage stay far from
/// overflowing.
pub const AMOUNT_MAX_MAJOR: i64 = 1_000_000_000_000;

/// The longest stage name.
pub const STAGE_NAME_MAX_CHARS: usize = 40;

/// An amount of money: minor units (cents) of an ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

impl Money {
    /// How many decimal places the currency has.
    pub fn exponent(currency: &str) -> u32 {
        if currency == "JPY" { 0 } else { 2 }
    }

    /// The currency's code if it is one of [`CURRENCIES`].
    pub fn currency(raw: &str) -> Option<&'static str> {
        let raw = raw.trim();
        CURRENCIES
            .iter()
            .map(|(code, _)| *code)
            .find(|code| code.eq_ignore_ascii_case(raw))
    }

    /// Reads an amount as typed ("12,500", "12 500.50", "0") in `currency`: digits with
    /// thousands separators and at most the currency's decimal places.
    pub fn parse(raw: &str, currency: &str) -> Result<Self, String> {
        let exponent = Self::exponent(currency);
        let text: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | ',' | '_' | '\''))
            .collect();
        if text.is_empty() {
            return Err(
                "Enter the amount, for example 12,500 (or 0 while it is not known).".to_owned(),
            );
        }
        if text.starts_with('-') {
            return Err("Enter an amount of zero or more.".to_owned());
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) {
            return Err(
                "Enter the amount in figures only, like 12,500.50, without a currency sign."
                    .to_owned(),
            );
        }
        if fraction.len() > exponent as usize {
            return Err(if exponent == 0 {
                format!("{currency} amounts have no decimal places.")
            } else {
                format!("Use at most {exponent} decimal places.")
            });
        }
        let whole = whole.trim_start_matches('0');
        let major: i64 = if whole.is_empty() {
            0
        } else if whole.len() > 13 {
            i64::MAX
        } else {
            whole.parse().unwrap_or(i64::MAX)
        };
        if major >= AMOUNT_MAX_MAJOR {
            return Err("Enter an amount under 1,000,000,000,000.".to_owned());
        }
        let scale = 10_i64.pow(exponent);
        let fraction: i64 = format!("{fraction:0<width$}", width = exponent as usize)
            .parse()
            .unwrap_or(0);
        Ok(Self {
            minor: major * scale + fraction,
            currency: currency.to_owned(),
        })
    }

    /// The same figure in another currency (12.00 EUR is 12 JPY), or `None` when the other
    /// currency has too few decimal places for it (12.50 EUR in JPY).
    pub fn in_currency(&self, code: &str) -> Option<Self> {
        let (old, new) = (Self::exponent(&self.currency), Self::exponent(code));
        let minor = if new >= old {
            self.minor.checked_mul(10_i64.pow(new - old))?
        } else {
            let scale = 10_i64.pow(old - new);
            if self.minor % scale != 0 {
                return None;
            }
            self.minor / scale
        };
        Some(Self {
            minor,
            currency: code.to_owned(),
        })
    }

    /// As an input holds it: "12500.50".
    pub fn plain(&self) -> String {
        let exponent = Self::exponent(&self.currency);
        if exponent == 0 {
            return self.minor.to_string();
        }
        let scale = 10_i64.pow(exponent);
        format!(
            "{}.{:0width$}",
            self.minor / scale,
            self.minor % scale,
            width = exponent as usize
        )
    }
}

/// "€12,500.00", "CHF 980.00", "¥3,000".
impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let exponent = Self::exponent(&self.currency);
        let scale = 10_i64.pow(exponent);
        let whole = (self.minor / scale).to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = match self.currency.as_str() {
            "EUR" => "€".to_owned(),
            "USD" => "$".to_owned(),
            "GBP" => "£".to_owned(),
            "JPY" => "¥".to_owned(),
            other => format!("{other}\u{a0}"),
        };
        if exponent == 0 {
            write!(f, "{sign}{grouped}")
        } else {
            write!(
                f,
                "{sign}{grouped}.{:0width$}",
                self.minor % scale,
                width = exponent as usize
            )
        }
    }
}

/// Sums amounts per currency, in the order the currencies first appear.
pub fn totals(amounts: impl IntoIterator<Item = Money>) -> Vec<Money> {
    let mut sums: Vec<Money> = Vec::new();
    for money in amounts {
        match sums.iter_mut().find(|sum| sum.currency == money.currency) {
            Some(sum) => sum.minor = sum.minor.saturating_add(money.minor),
            None => sums.push(money),
        }
    }
    sums
}

/// "€10,000.00 and $2,500.00", or "nothing" for no amounts.
pub fn totals_text(sums: &[Money]) -> String {
    match sums {
        [] => "nothing".to_owned(),
        [one] => one.to_string(),
        [rest @ .., last] => format!(
            "{} and {last}",
            rest.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Whether an opportunity in a stage is still open, won or lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageOutcome {
    Open,
    Won,
    Lost,
}

impl StageOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Won => "won",
            Self::Lost => "lost",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Open, Self::Won, Self::Lost]
            .into_iter()
            .find(|outcome| outcome.as_str() == raw)
    }
}

/// A workspace's pipeline before it changes it: (name, outcome), in order.
pub const DEFAULT_STAGES: [(&str, StageOutcome); 6] = [
    ("Lead", StageOutcome::Open),
    ("Qualified", StageOutcome::Open),
    ("Proposal", StageOutcome::Open),
    ("Negotiation", StageOutcome::Open),
    ("Won", StageOutcome::Won),
    ("Lost", StageOutcome::Lost),
];

/// The pipeline as its settings page shows it to one member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineSettings {
    pub stages: Vec<Stage>,
    /// Whether this member may rename and reorder the stages (the workspace's owner and admins).
    pub may_change: bool,
}

/// A stage of the pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    pub outcome: StageOutcome,
}

/// A stage's new name as stored (trimmed), or what is wrong with it.
pub fn check_stage_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter the stage's name.".to_owned());
    }
    if name.chars().any(char::is_control) {
        return Err("Remove the line breaks and control characters.".to_owned());
    }
    if name.chars().count() > STAGE_NAME_MAX_CHARS {
        return Err(format!(
            "Use at most {STAGE_NAME_MAX_CHARS} characters for a stage's name."
        ));
    }
    Ok(name.to_owned())
}

/// Which way a stage moves in the pipeline's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    Earlier,
    Later,
}

/// A field of an opportunity that can be edited in the page. Its stage moves with the "Move to
/// stage" control instead, and its people are added and removed one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OpportunityField {
    Name,
    Amount,
    Currency,
    CloseOn,
    Company,
    Owner,
}

impl OpportunityField {
    /// In page order.
    pub const ALL: [Self; 6] = [
        Self::Name,
        Self::Amount,
        Self::Currency,
        Self::CloseOn,
        Self::Company,
        Self::Owner,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }
}

use crate::records::PEOPLE_EVENT;

/// The timeline's name of a stage move.
pub const STAGE_EVENT: &str = "stage";

/// The label of a field as an opportunity's timeline names it.
pub fn timeline_label(name: &str) -> Option<&'static str> {
    match name {
        STAGE_EVENT => Some("Stage"),
        PEOPLE_EVENT => Some("People"),
        other => OpportunityField::parse(other).map(RecordField::label),
    }
}

impl RecordField for OpportunityField {
    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Amount => "amount",
            Self::Currency => "currency",
            Self::CloseOn => "close_on",
            Self::Company => "company",
            Self::Owner => "owner",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Amount => "Amount",
            Self::Currency => "Currency",
            Self::CloseOn => "Expected close date",
            Self::Company => "Company",
            Self::Owner => "Owner",
        }
    }

    fn input(self) -> FieldInput {
        let text = |kind, max_chars| FieldInput::Text {
            kind,
            autocomplete: "off",
            max_chars,
        };
        match self {
            Self::Name | Self::Company => text("text", NAME_MAX_CHARS),
            Self::Amount => text("text", 30),
            Self::Currency => FieldInput::Choice(CURRENCIES),
            Self::CloseOn => text("date", 10),
            Self::Owner => FieldInput::Member,
        }
    }

    fn hint(self) -> Option<&'static str> {
        match self {
            Self::Amount => Some("In figures, like 12,500.50; 0 while it is not known."),
            Self::CloseOn => Some("As YYYY-MM-DD, for example 2027-03-31."),
            Self::Company => Some("The name of one of this workspace's companies, or empty."),
            _ => None,
        }
    }

    fn check(self, value: &str) -> Result<(), String> {
        let value = value.trim();
        if value.chars().any(char::is_control) {
            return Err("Remove the line breaks and control characters.".to_owned());
        }
        match self {
            Self::Name if value.is_empty() => Err("Enter the opportunity's name.".to_owned()),
            Self::Name | Self::Company if value.chars().count() > NAME_MAX_CHARS => Err(format!(
                "Use at most {NAME_MAX_CHARS} characters for this field."
            )),
            // The currency is checked with the amount on the server, which knows both.
            Self::Amount => Money::parse(value, "EUR").map(|_| ()),
            Self::Currency => Money::currency(value)
                .map(|_| ())
                .ok_or_else(|| "Choose one of the listed currencies.".to_owned()),
            Self::CloseOn => check_close_on(value).map(|_| ()),
            _ => Ok(()),
        }
    }
}

/// An expected close date as stored (YYYY-MM-DD), or what is wrong with it.
pub fn check_close_on(raw: &str) -> Result<CalendarDate, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter the date you expect it to close, as YYYY-MM-DD.".to_owned());
    }
    match CalendarDate::parse(raw) {
        Some(date) if (2000..=2100).contains(&date.year) => Ok(date),
        Some(_) => Err("Enter a close date between the years 2000 and 2100.".to_owned()),
        None => Err("Enter a real date as YYYY-MM-DD, for example 2027-03-31.".to_owned()),
    }
}

/// An opportunity as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    pub id: OpportunityId,
    pub name: String,
    pub amount: Money,
    /// YYYY-MM-DD.
    pub close_on: String,
    pub stage: Stage,
    pub company_id: Option<CompanyId>,
    /// The company's name ("" for none).
    pub company_name: String,
    pub owner: Option<MemberOption>,
    pub lead_id: Option<LeadId>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl EditableRecord for Opportunity {
    type Field = OpportunityField;
    const KIND: &'static str = "opportunity";
    const DRAFT_KEY: &'static str = OPPORTUNITY_DRAFT_KEY;

    fn version(&self) -> i64 {
        self.version
    }

    fn value(&self, field: OpportunityField) -> String {
        match field {
            OpportunityField::Name => self.name.clone(),
            OpportunityField::Amount => self.amount.plain(),
            OpportunityField::Currency => self.amount.currency.clone(),
            OpportunityField::CloseOn => self.close_on.clone(),
            OpportunityField::Company => self.company_name.clone(),
            OpportunityField::Owner => self
                .owner
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default(),
        }
    }

    fn shown(&self, field: OpportunityField, clock: &crate::time::Wallclock) -> String {
        match field {
            OpportunityField::CloseOn => CalendarDate::parse(&self.close_on)
                .map_or_else(|| self.close_on.clone(), |day| clock.date(day)),
            other => self.display(other),
        }
    }

    fn display(&self, field: OpportunityField) -> String {
        match field {
            OpportunityField::Amount => self.amount.to_string(),
            OpportunityField::Currency => CURRENCIES
                .iter()
                .find(|(code, _)| *code == self.amount.currency)
                .map_or_else(
                    || self.amount.currency.clone(),
                    |(_, label)| (*label).to_owned(),
                ),
            OpportunityField::CloseOn => CalendarDate::parse(&self.close_on)
                .map_or_else(|| self.close_on.clone(), CalendarDate::long),
            OpportunityField::Owner => self
                .owner
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            other => self.value(other),
        }
    }

    fn set(&mut self, field: OpportunityField, value: String, members: &[MemberOption]) {
        match field {
            OpportunityField::Name => self.name = value,
            OpportunityField::Amount => {
                if let Ok(amount) = Money::parse(&value, &self.amount.currency) {
                    self.amount = amount;
                }
            }
            OpportunityField::Currency => {
                // The figure stays; only its currency changes.
                if let Some(amount) =
                    Money::currency(&value).and_then(|code| self.amount.in_currency(code))
                {
                    self.amount = amount;
                }
            }
            OpportunityField::CloseOn => self.close_on = value,
            OpportunityField::Company => {
                self.company_name = value;
                self.company_id = None;
            }
            OpportunityField::Owner => {
                self.owner = members.iter().find(|m| m.id.to_string() == value).cloned();
            }
        }
    }
}

/// One of the people an opportunity is with, on its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityPerson {
    pub id: PersonId,
    pub name: String,
    pub email: String,
}

/// The most people an opportunity can be with.
pub const OPPORTUNITY_PEOPLE_MAX: usize = 50;

/// Everything an opportunity's page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityRecord {
    pub opportunity: Opportunity,
    pub people: Vec<OpportunityPerson>,
    /// The pipeline, in order, for the "Move to stage" control.
    pub stages: Vec<Stage>,
    pub timeline: Vec<TimelineEntry>,
    pub members: Vec<MemberOption>,
}

/// An opportunity as the board and the list show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityRow {
    pub id: OpportunityId,
    pub name: String,
    pub amount: Money,
    pub close_on: String,
    pub stage: Stage,
    pub company_name: String,
    pub owner: Option<String>,
}

/// The most opportunities a person's or a company's page lists (the soonest to close).
pub const RELATED_MAX: usize = 20;

/// The opportunities a person or a company is part of, as their page lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedOpportunities {
    /// The soonest to close, at most [`RELATED_MAX`].
    pub rows: Vec<OpportunityRow>,
    /// How many there are in all.
    pub count: i64,
}

/// The most cards a column of the board shows (the soonest to close); the list shows them all.
pub const BOARD_CARDS_MAX: usize = 50;

/// A column of the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub stage: Stage,
    /// The soonest to close, at most [`BOARD_CARDS_MAX`].
    pub cards: Vec<OpportunityRow>,
    /// How many opportunities are in the stage.
    pub count: i64,
    /// Their value, per currency.
    pub totals: Vec<Money>,
}

/// The pipeline board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub columns: Vec<BoardColumn>,
}

/// The orders the opportunities list offers, its default first.
pub const SORTS: [ListSort; 3] = [ListSort::CloseDate, ListSort::Newest, ListSort::Name];

/// What the opportunities list shows, as it stands in the URL
/// (`?q=&sort=&stage=&owner=&after=`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpportunitiesQuery {
    /// The search box: part of a name or company name.
    pub q: String,
    /// The order: "" for soonest to close first, "newest" or "name" (see [`SORTS`]).
    pub sort: String,
    /// Only opportunities in this stage ("" for all).
    pub stage: String,
    /// Only opportunities this member owns ("" for all).
    pub owner: String,
    /// The page after this cursor ("" for the first page); opaque to the browser.
    pub after: String,
    /// The page before this cursor ("Previous page"; "" otherwise); opaque to the browser.
    pub before: String,
}

impl OpportunitiesQuery {
    pub fn is_filtered(&self) -> bool {
        !self.q.trim().is_empty() || !self.stage.is_empty() || !self.owner.is_empty()
    }
}

impl ListQuery for OpportunitiesQuery {
    const PATH: &'static str = "/app/opportunities";

    fn parameters(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", &self.q),
            ("sort", &self.sort),
            ("stage", &self.stage),
            ("owner", &self.owner),
            ("after", &self.after),
            ("before", &self.before),
        ]
    }

    fn after(&self) -> &str {
        &self.after
    }

    fn before(&self) -> &str {
        &self.before
    }

    fn at_page(&self, after: String, before: String) -> Self {
        Self {
            after,
            before,
            ..self.clone()
        }
    }
}

/// One page of the opportunities list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunitiesPage {
    pub rows: Vec<OpportunityRow>,
    /// Where the page stands in the list, and the cursors of the pages around it.
    #[serde(flatten)]
    pub place: crate::records::ListPlace,
    /// For the filters.
    pub stages: Vec<Stage>,
    pub members: Vec<MemberOption>,
    pub problem: Option<String>,
    /// How a short search was read ("Showing the people whose last name starts with …").
    pub search_note: Option<String>,
}

/// The fields of the "Add an opportunity" form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewOpportunityFields {
    pub name: String,
    pub amount: String,
    pub currency: String,
    pub close_on: String,
    pub company: String,
}

impl NewRecordFields for NewOpportunityFields {
    type Field = OpportunityField;

    const FIELDS: &'static [OpportunityField] = &[
        OpportunityField::Name,
        OpportunityField::Currency,
        OpportunityField::Amount,
        OpportunityField::CloseOn,
        OpportunityField::Company,
    ];

    fn value(&self, field: OpportunityField) -> &str {
        match field {
            OpportunityField::Name => &self.name,
            OpportunityField::Amount => &self.amount,
            OpportunityField::Currency => &self.currency,
            OpportunityField::CloseOn => &self.close_on,
            OpportunityField::Company => &self.company,
            OpportunityField::Owner => "",
        }
    }
}

/// The open pipeline's value in one stage and currency, for the dashboard's chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageValue {
    pub stage: String,
    pub value: Money,
    pub count: i64,
}

/// The open pipeline in one currency: every open stage with its value, for the dashboard's chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyPipeline {
    pub currency: String,
    pub stages: Vec<StageValue>,
}

/// A chart's bar length for `value` when the longest bar is worth `largest`: at least 2 units
/// for a non-zero value, so that it stays visible.
pub fn bar_length(value: i64, largest: i64, room: i64) -> i64 {
    if value <= 0 || largest <= 0 {
        return 0;
    }
    let length = i128::from(value) * i128::from(room) / i128::from(largest);
    i64::try_from(length).unwrap_or(room).clamp(2, room)
}

/// The text the opportunities list's search box looks in: name and company name, folded
/// ([`crate::text::fold`]: stored beside them, so that both databases compare the same text).
#[cfg(feature = "server")]
pub fn search_text(name: &str, company_name: &str) -> String {
    crate::text::fold_words(&[name, company_name])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "server")]
    #[test]
    fn an_opportunity_is_searched_by_its_name_and_company() {
        assert_eq!(search_text("Renewal 2027", "Acmé"), "renewal 2027 acme");
        assert_eq!(search_text("Pilot", ""), "pilot");
    }

    fn money(raw: &str, currency: &str) -> Result<i64, String> {
        Money::parse(raw, currency).map(|m| m.minor)
    }

    #[test]
    fn an_amount_is_read_in_minor_units_with_separators_and_decimals() {
        assert_eq!(money("12,500", "EUR"), Ok(1_250_000));
        assert_eq!(money(" 12 500.5 ", "EUR"), Ok(1_250_050));
        assert_eq!(money("0", "USD"), Ok(0));
        assert_eq!(money("0.07", "GBP"), Ok(7));
        assert_eq!(money("3000", "JPY"), Ok(3000));
        assert_eq!(money("999999999999.99", "EUR"), Ok(99_999_999_999_999));
    }

    #[test]
    fn a_negative_empty_decimal_heavy_huge_or_worded_amount_is_refused_with_a_reason() {
        assert!(money("", "EUR").unwrap_err().contains("Enter the amount"));
        assert_eq!(
            money("-5", "EUR"),
            Err("Enter an amount of zero or more.".to_owned())
        );
        assert_eq!(
            money("1.234", "EUR"),
            Err("Use at most 2 decimal places.".to_owned())
        );
        assert_eq!(
            money("1.5", "JPY"),
            Err("JPY amounts have no decimal places.".to_owned())
        );
        assert!(money("€100", "EUR").unwrap_err().contains("figures only"));
        assert!(money("1e6", "EUR").unwrap_err().contains("figures only"));
        assert!(money("1.2.3", "EUR").unwrap_err().contains("figures only"));
        assert!(money(".5", "EUR").unwrap_err().contains("figures only"));
        assert_eq!(
            money("1000000000000", "EUR"),
            Err("Enter an amount under 1,000,000,000,000.".to_owned())
        );
        assert!(money(&"9".repeat(400), "EUR").is_err());
    }

    #[test]
    fn money_is_shown_grouped_with_its_sign_and_read_back_from_its_plain_form() {
        let eur = Money::parse("1234567.5", "EUR").unwrap();
        assert_eq!(eur.to_string(), "€1,234,567.50");
        assert_eq!(eur.plain(), "1234567.50");
        assert_eq!(Money::parse(&eur.plain(), "EUR").unwrap(), eur);
        assert_eq!(
            Money::parse("980", "CHF").unwrap().to_string(),
            "CHF\u{a0}980.00"
        );
        assert_eq!(Money::parse("3000", "JPY").unwrap().to_string(), "¥3,000");
        assert_eq!(Money::parse("0.05", "USD").unwrap().to_string(), "$0.05");
    }

    #[test]
    fn a_figure_keeps_its_value_in_another_currency_unless_it_has_too_many_decimals() {
        let m = |raw, currency| Money::parse(raw, currency).unwrap();
        assert_eq!(m("12", "EUR").in_currency("JPY"), Some(m("12", "JPY")));
        assert_eq!(m("12", "JPY").in_currency("USD"), Some(m("12", "USD")));
        assert_eq!(m("0", "EUR").in_currency("JPY"), Some(m("0", "JPY")));
        assert_eq!(m("12.50", "EUR").in_currency("JPY"), None);
        assert_eq!(
            m("12.50", "EUR").in_currency("GBP"),
            Some(m("12.50", "GBP"))
        );
    }

    #[test]
    fn totals_are_kept_per_currency() {
        let m = |raw, currency| Money::parse(raw, currency).unwrap();
        let sums = totals([m("10", "EUR"), m("5", "USD"), m("2.50", "EUR")]);
        assert_eq!(sums, vec![m("12.50", "EUR"), m("5", "USD")]);
        assert_eq!(totals_text(&sums), "€12.50 and $5.00");
        assert_eq!(totals_text(&[]), "nothing");
    }

    #[test]
    fn a_close_date_must_be_a_real_day_in_a_plausible_year() {
        assert!(check_close_on("2027-02-28").is_ok());
        assert!(check_close_on("2027-02-29").is_err());
        assert!(check_close_on("").unwrap_err().contains("Enter the date"));
        assert!(check_close_on("1999-12-31").unwrap_err().contains("2000"));
        assert!(check_close_on("next week").is_err());
    }

    #[test]
    fn a_stage_name_is_trimmed_and_an_empty_long_or_broken_one_is_refused() {
        assert_eq!(check_stage_name("  Demo done "), Ok("Demo done".to_owned()));
        assert!(check_stage_name(" ").is_err());
        assert!(check_stage_name(&"x".repeat(STAGE_NAME_MAX_CHARS + 1)).is_err());
        assert!(check_stage_name("Demo\ndone").is_err());
    }

    #[test]
    fn the_list_query_round_trips_through_its_url() {
        let query = OpportunitiesQuery {
            q: "renewal & more".to_owned(),
            sort: "newest".to_owned(),
            stage: "6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10".to_owned(),
            ..Default::default()
        };
        assert_eq!(
            query.href(),
            "/app/opportunities?q=renewal%20%26%20more&sort=newest\
             &stage=6d1f6a8e-8c43-4a55-9a0d-3f4f1f2b9a10"
        );
        assert_eq!(OpportunitiesQuery::default().href(), "/app/opportunities");
    }

    #[test]
    fn bars_are_scaled_to_the_largest_and_a_small_value_stays_visible() {
        assert_eq!(bar_length(500, 1_000, 300), 150);
        assert_eq!(bar_length(1_000, 1_000, 300), 300);
        assert_eq!(bar_length(1, 1_000_000_000, 300), 2);
        assert_eq!(bar_length(0, 1_000, 300), 0);
        assert_eq!(bar_length(i64::MAX, i64::MAX, 300), 300);
    }
}

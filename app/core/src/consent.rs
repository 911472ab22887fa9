//! What a visitor chose about cookies, how that choice is kept in the `candor_consent` cookie,
//! and the rules that decide when to ask again. Shared by the server (which enforces the choice
//! while rendering) and the browser (which shows and changes it).

use serde::{Deserialize, Serialize};

use crate::storage::{Category, REVISION};

/// A choice is asked again once it is this old (about six months).
pub const MAX_AGE_MS: i64 = 182 * 24 * 60 * 60 * 1000;

/// What the banner says, exactly; the ledger keeps a hash of the text each decision was made on.
pub const BANNER_TEXT: &str = "We use cookies that the site needs to work. With your permission we also use cookies for preferences, for our own analytics and for marketing. Nothing beyond the necessary is used until you choose, and you can change your mind at any time.";

/// What the settings (the dialog and the page without JavaScript) say above the switches.
pub const SETTINGS_TEXT: &str = "Choose which cookies we may use. Strictly necessary cookies are always on. The others are off until you switch them on, and you can come back here at any time to change your choice.";

/// The message shown wherever a Global Privacy Control signal decided for the visitor.
pub const GPC_MESSAGE: &str = "Global Privacy Control signal honoured";

/// Which optional categories are allowed. Necessary items need no consent and are always on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub preferences: bool,
    pub analytics: bool,
    pub marketing: bool,
}

impl Choices {
    pub const NONE: Self = Self {
        preferences: false,
        analytics: false,
        marketing: false,
    };
    pub const ALL: Self = Self {
        preferences: true,
        analytics: true,
        marketing: true,
    };

    pub fn allows(self, category: Category) -> bool {
        match category {
            Category::Necessary => true,
            Category::Preferences => self.preferences,
            Category::Analytics => self.analytics,
            Category::Marketing => self.marketing,
        }
    }

    pub fn with(mut self, category: Category, allowed: bool) -> Self {
        match category {
            Category::Necessary => {}
            Category::Preferences => self.preferences = allowed,
            Category::Analytics => self.analytics = allowed,
            Category::Marketing => self.marketing = allowed,
        }
        self
    }

    /// The categories allowed before and refused now.
    pub fn withdrawn_from(self, before: Choices) -> impl Iterator<Item = Category> {
        Category::ALL
            .into_iter()
            .filter(move |&c| c.needs_consent() && before.allows(c) && !self.allows(c))
    }
}

/// What the visitor asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    AcceptAll,
    RejectAll,
    Custom(Choices),
}

/// How a decision is recorded in the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    AcceptAll,
    RejectAll,
    Custom,
    /// Something allowed before is refused now.
    Withdraw,
    /// A Global Privacy Control signal refused marketing.
    Gpc,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Self::AcceptAll,
        Self::RejectAll,
        Self::Custom,
        Self::Withdraw,
        Self::Gpc,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::AcceptAll => "accept_all",
            Self::RejectAll => "reject_all",
            Self::Custom => "custom",
            Self::Withdraw => "withdraw",
            Self::Gpc => "gpc",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::AcceptAll => "Accept all",
            Self::RejectAll => "Reject all",
            Self::Custom => "Custom choice",
            Self::Withdraw => "Withdrawal",
            Self::Gpc => "Global Privacy Control",
        }
    }
}

/// Where a decision was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// The banner's buttons, with JavaScript.
    Banner,
    /// The preferences dialog.
    Dialog,
    /// The banner's buttons as a plain form POST.
    NoJsForm,
    /// The settings page (`/cookies/settings`), without JavaScript.
    SettingsPage,
    /// A Global Privacy Control signal, without asking.
    Gpc,
}

impl Source {
    pub fn key(self) -> &'static str {
        match self {
            Self::Banner => "banner",
            Self::Dialog => "dialog",
            Self::NoJsForm => "no_js_form",
            Self::SettingsPage => "settings_page",
            Self::Gpc => "gpc",
        }
    }

    /// The text the visitor saw when deciding here; its hash goes into the ledger.
    pub fn text_shown(self) -> String {
        match self {
            Self::Banner | Self::NoJsForm => BANNER_TEXT.to_owned(),
            Self::Dialog | Self::SettingsPage => {
                let mut text = SETTINGS_TEXT.to_owned();
                for category in Category::ALL {
                    text.push('\n');
                    text.push_str(category.title());
                    text.push_str(": ");
                    text.push_str(category.purpose());
                }
                text
            }
            Self::Gpc => GPC_MESSAGE.to_owned(),
        }
    }
}

/// Works out what a decision allows and how the ledger names it. A Global Privacy Control signal
/// always refuses marketing, whatever the buttons said: it is never silently overridden.
pub fn resolve(decision: Decision, before: Choices, gpc: bool) -> (Action, Choices) {
    let (action, mut choices) = match decision {
        Decision::AcceptAll => (Action::AcceptAll, Choices::ALL),
        Decision::RejectAll => (Action::RejectAll, Choices::NONE),
        Decision::Custom(choices) => (Action::Custom, choices),
    };
    if gpc {
        choices.marketing = false;
    }
    let action = if choices.withdrawn_from(before).next().is_some() {
        Action::Withdraw
    } else {
        action
    };
    (action, choices)
}

/// The anonymous id of one browser's consent: random, tied to no person, used to find its
/// ledger rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentId(String);

impl ConsentId {
    #[cfg(feature = "server")]
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// 32 lower-case hexadecimal digits, as generated.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The content of the `candor_consent` cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecord {
    pub id: ConsentId,
    pub revision: String,
    /// When the visitor last chose, in milliseconds since the epoch; `None` when only a Global
    /// Privacy Control signal has been recorded and the visitor has not chosen yet.
    pub decided_at: Option<i64>,
    pub choices: Choices,
    /// A Global Privacy Control signal has been recorded for this browser.
    pub gpc: bool,
    /// A Global Privacy Control signal was seen but not recorded yet: it is recorded, once, when
    /// the cookie comes back (a browser that keeps no cookie adds no row per page it views).
    pub gpc_pending: bool,
}

impl ConsentRecord {
    /// The cookie value: `1.<id>.<revision>.<decided-at seconds, 0 if never>.<p><a><m><gpc>`,
    /// where `<gpc>` is 1 when recorded and 2 when seen and not recorded yet. (The server adds a
    /// signature of the id.)
    pub fn to_cookie_value(&self) -> String {
        let bit = |b: bool| if b { '1' } else { '0' };
        let gpc = match (self.gpc, self.gpc_pending) {
            (true, _) => '1',
            (false, true) => '2',
            (false, false) => '0',
        };
        format!(
            "1.{}.{}.{}.{}{}{}{gpc}",
            self.id.as_str(),
            self.revision,
            self.decided_at.map_or(0, |ms| ms / 1000),
            bit(self.choices.preferences),
            bit(self.choices.analytics),
            bit(self.choices.marketing),
        )
    }

    /// Reads a cookie value; anything else than what [`Self::to_cookie_value`] writes is `None`,
    /// and the visitor is simply asked again.
    pub fn from_cookie_value(value: &str) -> Option<Self> {
        let mut parts = value.split('.');
        let (version, id, revision, decided, bits) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        if version != "1" || parts.next().is_some() {
            return None;
        }
        let id = ConsentId::parse(id)?;
        if revision.is_empty()
            || revision.len() > 32
            || !revision
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return None;
        }
        if decided.is_empty() || decided.len() > 12 || !decided.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let seconds: i64 = decided.parse().ok()?;
        let bits = bits.as_bytes();
        if bits.len() != 4
            || !bits[..3].iter().all(|b| *b == b'0' || *b == b'1')
            || !matches!(bits[3], b'0' | b'1' | b'2')
        {
            return None;
        }
        Some(Self {
            id,
            revision: revision.to_owned(),
            decided_at: (seconds > 0).then(|| seconds * 1000),
            choices: Choices {
                preferences: bits[0] == b'1',
                analytics: bits[1] == b'1',
                marketing: bits[2] == b'1',
            },
            gpc: bits[3] == b'1',
            gpc_pending: bits[3] == b'2',
        })
    }

    /// Whether this choice still stands: made by the visitor, under the current revision, and
    /// less than six months ago.
    pub fn is_current(&self, now_ms: i64) -> bool {
        match self.decided_at {
            Some(at) => self.revision == REVISION && now_ms - at < MAX_AGE_MS,
            None => false,
        }
    }
}

/// What the page needs to know about consent, as the server rendered it and the browser keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    /// What is allowed now. Nothing optional until the visitor has chosen.
    pub choices: Choices,
    /// Show the banner: no current choice.
    pub ask: bool,
    /// A Global Privacy Control signal is honoured (marketing is refused and stays refused).
    pub gpc: bool,
}

impl ConsentView {
    /// The view for a request carrying `record` (if any) and, or not, a GPC signal.
    pub fn of(record: Option<&ConsentRecord>, gpc_signal: bool, now_ms: i64) -> Self {
        let current = record.filter(|r| r.is_current(now_ms));
        let gpc = gpc_signal || record.is_some_and(|r| r.gpc || r.gpc_pending);
        let mut choices = current.map_or(Choices::NONE, |r| r.choices);
        if gpc {
            choices.marketing = false;
        }
        Self {
            choices,
            ask: current.is_none(),
            gpc,
        }
    }

    pub fn allows(self, category: Category) -> bool {
        self.choices.allows(category)
    }
}

/// Where to send the visitor back after a choice: a path on this site, or the home page. Nothing
/// that could lead elsewhere (`//host`, `/\\host`, a scheme) is accepted.
pub fn safe_return_path(raw: &str) -> String {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && raw.len() <= 512
        && raw.bytes().all(|b| b.is_ascii_graphic());
    if ok { raw.to_owned() } else { "/".to_owned() }
}

/// Percent-encodes a value for a query string (everything but unreserved characters and `/`).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The address of the settings page that returns to `path` afterwards.
pub fn settings_href(path: &str) -> String {
    format!("/cookies/settings?return_to={}", encode_query_value(path))
}

/// One day's cookie decisions, per action in [`Action::ALL`] order (the operators' chart).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    pub counts: Vec<i64>,
}

impl DayCounts {
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    fn record(choices: Choices, decided_at: Option<i64>) -> ConsentRecord {
        ConsentRecord {
            id: ConsentId::parse("0123456789abcdef0123456789abcdef").expect("id"),
            revision: REVISION.to_owned(),
            decided_at,
            choices,
            gpc: false,
            gpc_pending: false,
        }
    }

    #[test]
    fn a_record_survives_the_round_trip_through_its_cookie() {
        let original = record(
            Choices {
                preferences: true,
                analytics: false,
                marketing: true,
            },
            Some(NOW - NOW % 1000),
        );
        let value = original.to_cookie_value();
        assert_eq!(ConsentRecord::from_cookie_value(&value), Some(original));
        let gpc_only = ConsentRecord {
            gpc: true,
            ..record(Choices::NONE, None)
        };
        assert_eq!(
            ConsentRecord::from_cookie_value(&gpc_only.to_cookie_value()),
            Some(gpc_only)
        );
        let pending = ConsentRecord {
            gpc_pending: true,
            ..record(Choices::NONE, None)
        };
        assert!(pending.to_cookie_value().ends_with(".0002"));
        assert_eq!(
            ConsentRecord::from_cookie_value(&pending.to_cookie_value()),
            Some(pending.clone())
        );
        assert!(
            ConsentView::of(Some(&pending), false, NOW).gpc,
            "a signal seen is honoured before it is recorded"
        );
    }

    #[test]
    fn a_damaged_or_foreign_cookie_value_is_not_a_choice() {
        let good = record(Choices::ALL, Some(NOW)).to_cookie_value();
        for bad in [
            String::new(),
            "yes".to_owned(),
            good.replacen("1.", "2.", 1),
            format!("{good}.1"),
            good.replace(".1110", ".1113"),
            good.replace(".1110", ".2110"),
            good.replace("0123456789abcdef", "0123456789ABCDEF"),
            good.replace(REVISION, "<script>"),
            good.replace(&(NOW / 1000).to_string(), "-5"),
            "1.0123456789abcdef0123456789abcdef.2026-11-29.99999999999999.0000".to_owned(),
        ] {
            assert_eq!(ConsentRecord::from_cookie_value(&bad), None, "{bad}");
        }
    }

    #[test]
    fn the_banner_shows_until_the_visitor_chooses_and_a_choice_stands_for_six_months() {
        assert!(ConsentView::of(None, false, NOW).ask);
        let fresh = record(Choices::ALL, Some(NOW - 1000));
        assert!(!ConsentView::of(Some(&fresh), false, NOW).ask);
        let old = record(Choices::ALL, Some(NOW - MAX_AGE_MS - 1));
        let view = ConsentView::of(Some(&old), false, NOW);
        assert!(view.ask, "asked again after six months");
        assert_eq!(
            view.choices,
            Choices::NONE,
            "an expired choice allows nothing"
        );
    }

    #[test]
    fn a_choice_made_under_another_revision_of_the_policy_is_asked_again() {
        let mut earlier = record(Choices::ALL, Some(NOW - 1000));
        earlier.revision = "2020-01-01".to_owned();
        let view = ConsentView::of(Some(&earlier), false, NOW);
        assert!(view.ask);
        assert_eq!(view.choices, Choices::NONE);
    }

    #[test]
    fn global_privacy_control_refuses_marketing_even_after_accept_all() {
        let (action, choices) = resolve(Decision::AcceptAll, Choices::NONE, true);
        assert_eq!(action, Action::AcceptAll);
        assert!(choices.analytics && choices.preferences && !choices.marketing);
        let accepted = record(Choices::ALL, Some(NOW - 1000));
        let view = ConsentView::of(Some(&accepted), true, NOW);
        assert!(view.gpc && !view.choices.marketing && view.choices.analytics);
        // A signal once recorded keeps marketing refused even on a request without the header.
        let recorded = ConsentRecord {
            gpc: true,
            ..accepted
        };
        assert!(
            !ConsentView::of(Some(&recorded), false, NOW)
                .choices
                .marketing
        );
    }

    #[test]
    fn refusing_what_was_allowed_is_recorded_as_a_withdrawal() {
        let before = Choices::ALL;
        let after = Choices::ALL.with(Category::Analytics, false);
        assert_eq!(
            resolve(Decision::Custom(after), before, false),
            (Action::Withdraw, after)
        );
        assert_eq!(
            resolve(Decision::RejectAll, before, false).0,
            Action::Withdraw
        );
        assert_eq!(
            resolve(Decision::RejectAll, Choices::NONE, false).0,
            Action::RejectAll
        );
        assert_eq!(
            resolve(Decision::Custom(after), Choices::NONE, false).0,
            Action::Custom
        );
        assert_eq!(
            after.withdrawn_from(before).collect::<Vec<_>>(),
            [Category::Analytics]
        );
    }

    #[test]
    fn only_paths_on_this_site_are_returned_to() {
        assert_eq!(safe_return_path("/demo?x=1"), "/demo?x=1");
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/a b",
            "demo",
        ] {
            assert_eq!(safe_return_path(bad), "/", "{bad}");
        }
        assert_eq!(
            settings_href("/privacy?from=1&to=2"),
            "/cookies/settings?return_to=/privacy%3Ffrom%3D1%26to%3D2"
        );
    }

    #[test]
    fn necessary_items_are_always_allowed() {
        assert!(Choices::NONE.allows(Category::Necessary));
        assert!(
            Choices::NONE
                .with(Category::Necessary, false)
                .allows(Category::Necessary)
        );
    }
}

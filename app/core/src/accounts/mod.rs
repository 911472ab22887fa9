//! Account types shared by the server, which decides, and the browser, which renders: member ids,
//! roles, the logged-in viewer, and the rules of each account form.

pub mod profile;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::country::Country;
use crate::email_address::EmailAddress;
use crate::forms::FieldProblem;
use crate::ids::{MemberId, WorkspaceId};
use crate::time::{Locale, Wallclock};
use crate::workspaces::{Role, WorkspaceName};

/// The member a request comes from, as the session says, with the workspace they are working in.
/// The workspace is always this one, taken from the session on the server; never from a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub member_id: MemberId,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    pub workspace_id: WorkspaceId,
    pub workspace_name: String,
    /// The workspace's home country, where its phone numbers may be typed as dialled there;
    /// `None` until an admin chooses one (numbers then need their country code).
    pub workspace_country: Option<Country>,
    pub role: Role,
    /// The member's time zone and language, from their profile: every time and date the CRM
    /// shows them, and their "today".
    pub clock: Wallclock,
}

/// A person's name as they want it shown: trimmed, 1 to 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter your name.");
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err("Use at most 100 characters for your name.");
        }
        if name.chars().any(char::is_control) {
            return Err("Your name cannot contain line breaks or control characters.");
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shortest password accepted.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// The longest: enough for any pass phrase, short enough that hashing stays cheap.
pub const PASSWORD_MAX_CHARS: usize = 256;

/// Checks the rules a browser can check too: length. The server also refuses common passwords
/// (see `accounts::password`), from a list too large to ship to every browser.
pub fn check_new_password(raw: &str) -> Result<(), &'static str> {
    let chars = raw.chars().count();
    if chars == 0 {
        return Err("Choose a password.");
    }
    if chars < PASSWORD_MIN_CHARS {
        return Err(
            "Use at least 12 characters. A few unrelated words make a strong password that is easy to remember.",
        );
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err("Use at most 256 characters.");
    }
    if raw.trim().is_empty() {
        return Err("A password cannot be only spaces.");
    }
    Ok(())
}

/// Messages shared by the account forms.
pub mod notices {
    pub const RATE_LIMITED: &str = "Too many attempts in a short time. For your account's safety, please wait 15 minutes and try again.";
    pub const UNAVAILABLE: &str =
        "We could not do that just now. Nothing was lost: please try again in a moment.";
    pub const LOGIN_FAILED: &str = "That e-mail address and password do not match an account. Check both and try again, or reset your password.";
    pub const NO_WORKSPACE: &str = "Your password is right, but you are no longer a member of any workspace, so there is nothing to open. Ask the owner or an admin of your workspace to invite you again.";
    pub const LINK_INVALID: &str = "This link has expired or has already been used. Links in our e-mails work once and for a limited time.";
}

/// The sign-up form as posted. Names match the HTML form's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub workspace_name: String,
    /// The workspace's country code ("GB"), or empty for none.
    #[serde(default)]
    pub country: String,
    /// The browser's time zone (an IANA name), which the page fills in: the new member's zone
    /// until they choose another in their profile. Empty or unknown reads as UTC.
    #[serde(default)]
    pub time_zone: String,
    /// The language the page was written for from the browser's languages ("en-US"): how the
    /// new member's dates are written until they choose. Empty or unknown reads as UK English.
    #[serde(default)]
    pub language: String,
    /// The legal-age box: "on" when ticked.
    #[serde(default)]
    pub age: Option<String>,
    /// The privacy-policy box: "on" when ticked.
    #[serde(default)]
    pub policy: Option<String>,
    /// The policy version the page showed.
    #[serde(default)]
    pub policy_version: String,
}

/// A sign-up whose fields are all valid.
#[derive(Clone, Debug)]
pub struct SignupRequest {
    pub name: PersonName,
    pub email: EmailAddress,
    pub password: String,
    pub workspace_name: WorkspaceName,
    pub country: Option<Country>,
    /// The browser's zone, as listed; `None` reads as UTC.
    pub time_zone: Option<&'static str>,
    pub locale: Locale,
    pub policy_version: Option<i64>,
}

/// Whether a checkbox was ticked (browsers send "on", and nothing when it is not).
pub fn ticked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

/// Said when the legal-age box is not ticked.
pub const AGE_REQUIRED: &str = "To create an account you must confirm that you are at least 18 years old or of legal age to contract where you live.";
/// Said when the country sent is not one of the list's.
pub const COUNTRY_UNKNOWN: &str = "Choose the workspace's country from the list.";
/// Said when the privacy-policy box is not ticked.
pub const POLICY_REQUIRED: &str = "To create an account, read and accept the privacy policy.";

impl SignupFields {
    /// Every problem, in the order of the fields on the page.
    pub fn parse(&self) -> Result<SignupRequest, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let name = PersonName::parse(&self.name)
            .map_err(|m| problems.push(FieldProblem::new("name", m)))
            .ok();
        let email = EmailAddress::parse(&self.email)
            .map_err(|m| problems.push(FieldProblem::new("email", m)))
            .ok();
        if let Err(message) = check_new_password(&self.password) {
            problems.push(FieldProblem::new("password", message));
        }
        let workspace_name = WorkspaceName::parse(&self.workspace_name)
            .map_err(|e| problems.push(FieldProblem::new("workspace_name", e.to_string())))
            .ok();
        let country = match self.country.trim() {
            "" => None,
            code => {
                let country = Country::parse(code);
                if country.is_none() {
                    problems.push(FieldProblem::new("country", COUNTRY_UNKNOWN));
                }
                country
            }
        };
        if !ticked(&self.age) {
            problems.push(FieldProblem::new("age", AGE_REQUIRED));
        }
        if !ticked(&self.policy) {
            problems.push(FieldProblem::new("policy", POLICY_REQUIRED));
        }
        match (name, email, workspace_name) {
            (Some(name), Some(email), Some(workspace_name)) if problems.is_empty() => {
                Ok(SignupRequest {
                    name,
                    email,
                    password: self.password.clone(),
                    workspace_name,
                    country,
                    // Filled in by the page, not typed: one it does not know is not the
                    // member's mistake, and reads as UTC (the profile shows which it is).
                    time_zone: crate::time::zones::listed(&self.time_zone),
                    locale: Locale::parse(&self.language).unwrap_or_default(),
                    policy_version: self.policy_version.trim().parse().ok(),
                })
            }
            _ => Err(problems),
        }
    }

    /// What is sent back to the page: everything but the password.
    pub fn echo(&self) -> Vec<(String, String)> {
        let mut values = vec![
            ("name".to_owned(), self.name.clone()),
            ("email".to_owned(), self.email.clone()),
            ("workspace_name".to_owned(), self.workspace_name.clone()),
            ("country".to_owned(), self.country.clone()),
            ("time_zone".to_owned(), self.time_zone.clone()),
            ("language".to_owned(), self.language.clone()),
        ];
        if ticked(&self.age) {
            values.push(("age".to_owned(), "on".to_owned()));
        }
        if ticked(&self.policy) {
            values.push(("policy".to_owned(), "on".to_owned()));
        }
        values
    }
}

/// The log-in form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginFields {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    /// Where to go after logging in (a path of this site).
    #[serde(default)]
    pub next: String,
}

/// The forgotten-password form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForgotFields {
    #[serde(default)]
    pub email: String,
}

/// The new-password form as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetFields {
    #[serde(default)]
    pub password: String,
}

/// Where to go after logging in: a path of this site under `/app` or an invitation, or the
/// dashboard.
pub fn after_login_path(next: &str) -> String {
    let path = crate::consent::safe_return_path(next.trim());
    if path == "/app"
        || path.starts_with("/app/")
        || path.starts_with("/app?")
        || path.starts_with("/invitations/")
    {
        path
    } else {
        "/app".to_owned()
    }
}

/// One of the member's sessions, as their list of devices shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The session's public id (never its secret).
    pub id: Uuid,
    /// Browser and system, read from the user agent, like "Firefox on Windows".
    pub device: String,
    pub ip_address: Option<String>,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub started: String,
    pub last_seen: String,
    /// Whether this is the session of the browser looking at the list.
    pub current: bool,
}

/// "Browser on system" from a user agent, for people to recognise their devices. Unknown parts
/// are said to be unknown; nothing else is read from it.
pub fn describe_user_agent(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "Unknown browser"
    };
    let system = if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "an unknown system"
    };
    format!("{browser} on {system}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> SignupFields {
        SignupFields {
            name: "  Ada Lovelace ".into(),
            email: "Ada@Example.COM".into(),
            password: "correct horse battery".into(),
            workspace_name: "Analytical Engines".into(),
            country: "gb".into(),
            time_zone: "Europe/London".into(),
            language: "en-GB".into(),
            age: Some("on".into()),
            policy: Some("on".into()),
            policy_version: "1".into(),
        }
    }

    #[test]
    fn a_complete_sign_up_parses_with_trimmed_name_and_lower_case_domain() {
        let request = complete().parse().expect("valid");
        assert_eq!(request.name.as_str(), "Ada Lovelace");
        assert_eq!(request.email.as_str(), "Ada@example.com");
        assert_eq!(request.policy_version, Some(1));
        assert_eq!(request.country.map(Country::code), Some("GB"));
    }

    #[test]
    fn a_sign_up_may_leave_the_country_out_but_not_send_an_unknown_one() {
        let none = SignupFields {
            country: " ".into(),
            ..complete()
        };
        assert_eq!(none.parse().expect("valid").country, None);
        let unknown = SignupFields {
            country: "XX".into(),
            ..complete()
        };
        let problems = unknown.parse().expect_err("refused");
        assert_eq!(
            problems,
            vec![FieldProblem::new("country", COUNTRY_UNKNOWN)]
        );
    }

    #[test]
    fn the_browsers_zone_and_language_are_kept_and_anything_else_reads_as_utc_in_uk_english() {
        let request = complete().parse().expect("valid");
        assert_eq!(request.time_zone, Some("Europe/London"));
        assert_eq!(request.locale, Locale::EnGb);
        let older = SignupFields {
            time_zone: "Asia/Calcutta".into(),
            language: "en-US".into(),
            ..complete()
        };
        let request = older.parse().expect("valid");
        assert_eq!(request.time_zone, Some("Asia/Kolkata"));
        assert_eq!(request.locale, Locale::EnUs);
        // Not typed by the member, so never a reason to refuse the form.
        let odd = SignupFields {
            time_zone: "Mars/Olympus".into(),
            language: "tlh".into(),
            ..complete()
        };
        let request = odd.parse().expect("valid");
        assert_eq!(request.time_zone, None);
        assert_eq!(request.locale, Locale::EnGb);
    }

    #[test]
    fn every_missing_field_and_unticked_box_is_named_in_page_order() {
        let problems = SignupFields::default().parse().unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "email",
                "password",
                "workspace_name",
                "age",
                "policy"
            ]
        );
    }

    #[test]
    fn passwords_under_twelve_characters_or_only_spaces_are_refused() {
        assert!(check_new_password("eleven char").is_err());
        assert!(check_new_password("twelve chars").is_ok());
        assert!(check_new_password(&" ".repeat(12)).is_err());
        assert!(check_new_password(&"x".repeat(257)).is_err());
        assert!(
            check_new_password("ééééééééééé").is_err(),
            "counts characters"
        );
    }

    #[test]
    fn the_echo_never_carries_the_password() {
        let echo = complete().echo();
        assert!(
            echo.iter()
                .all(|(name, value)| name != "password" && !value.contains("horse"))
        );
    }

    #[test]
    fn user_agents_are_described_as_browser_on_system() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on macOS",
            ),
            ("curl/8.5.0", "Unknown browser on an unknown system"),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe_user_agent(ua), expected, "{ua}");
        }
    }

    #[test]
    fn after_login_only_paths_inside_the_app_are_followed() {
        assert_eq!(
            after_login_path("/app/settings/profile"),
            "/app/settings/profile"
        );
        assert_eq!(after_login_path("/app"), "/app");
        assert_eq!(after_login_path("/invitations/abc"), "/invitations/abc");
        for elsewhere in [
            "https://evil.example/app",
            "//evil.example",
            "/privacy",
            "",
            "/apple",
        ] {
            assert_eq!(after_login_path(elsewhere), "/app", "{elsewhere}");
        }
    }
}

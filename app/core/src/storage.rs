//! The registry of every cookie and browser-storage key the product sets: the one source of truth
//! for the cookie policy page, the consent choices and the clean-up when consent is withdrawn.
//! Anything the product stores in a browser is listed here first, or the tests fail.

use serde::{Deserialize, Serialize};

/// Why something is stored, and so whether it needs consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    /// Needed for the site to work at all (log-in session, form protection, the consent record
    /// itself); always on.
    Necessary,
    /// Remembers choices that change how the site looks or behaves.
    Preferences,
    /// The product's own first-party measurement of page views.
    Analytics,
    /// Advertising and campaign measurement.
    Marketing,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Self::Necessary,
        Self::Preferences,
        Self::Analytics,
        Self::Marketing,
    ];

    /// The name used in the consent record.
    pub fn key(self) -> &'static str {
        match self {
            Self::Necessary => "necessary",
            Self::Preferences => "preferences",
            Self::Analytics => "analytics",
            Self::Marketing => "marketing",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Necessary => "Strictly necessary",
            Self::Preferences => "Preferences",
            Self::Analytics => "Analytics",
            Self::Marketing => "Marketing",
        }
    }

    pub fn purpose(self) -> &'static str {
        match self {
            Self::Necessary => {
                "Keep you logged in, protect forms against forgery and remember your cookie choices. The site cannot work without them, so they need no consent and cannot be switched off."
            }
            Self::Preferences => {
                "Remember choices you make about how the site looks and behaves. Used only if you allow them."
            }
            Self::Analytics => {
                "Count page views with our own first-party analytics, so we can see which pages help. Nothing goes to a third party. Used only if you allow them."
            }
            Self::Marketing => {
                "Measure advertising campaigns. Used only if you allow them; Global Privacy Control is honoured as a refusal."
            }
        }
    }

    /// Whether the visitor must agree before anything of this category is stored.
    pub fn needs_consent(self) -> bool {
        self != Self::Necessary
    }
}

/// Where in the browser an item lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StorageKind {
    Cookie,
    LocalStorage,
}

impl StorageKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Cookie => "Cookie",
            Self::LocalStorage => "Local storage",
        }
    }
}

/// Who sets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    First,
    Third,
}

impl Party {
    pub fn label(self) -> &'static str {
        match self {
            Self::First => "First party",
            Self::Third => "Third party",
        }
    }
}

/// One cookie or storage key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct StorageItem {
    pub name: &'static str,
    pub kind: StorageKind,
    pub category: Category,
    pub purpose: &'static str,
    /// How long it is kept, in words ("6 months", "until you log out").
    pub lifetime: &'static str,
    pub party: Party,
}

/// The revision of the cookie policy and this registry. A choice made under another revision is
/// asked again: change it whenever the registry changes (a test holds the two together). It is
/// the date of the change, with `-2`, `-3`... for further changes on the same day.
pub const REVISION: &str = "2026-12-07";

/// The date part of [`REVISION`], for display and `<time datetime>`.
pub fn revision_date() -> &'static str {
    REVISION.get(..10).unwrap_or(REVISION)
}

/// The cookie that keeps a visitor's consent choice, and the name of its local-storage mirror.
pub const CONSENT_COOKIE: &str = "candor_consent";

/// The session cookie.
pub const SESSION_COOKIE: &str = "candor_session";

/// Local-storage key of unsaved edits on the member's profile page.
pub const PROFILE_DRAFT_KEY: &str = "candor_profile_draft";

/// Local-storage keys of unsaved edits on the record pages, one per kind of record.
pub const PERSON_DRAFT_KEY: &str = "candor_person_drafts";
pub const COMPANY_DRAFT_KEY: &str = "candor_company_drafts";
pub const LEAD_DRAFT_KEY: &str = "candor_lead_drafts";
pub const OPPORTUNITY_DRAFT_KEY: &str = "candor_opportunity_drafts";
/// Local-storage key of unsaved edits on a task's page.
pub const TASK_DRAFT_KEY: &str = "candor_task_drafts";

/// The analytics visit cookie.
pub const VISIT_COOKIE: &str = "candor_visit";

/// Everything the product stores in a browser. Each feature that needs a cookie or a storage key
/// adds it here first, and the cookie policy lists it from that moment; the server removes any
/// other cookie a response tries to set. Change [`REVISION`] with this list.
pub const REGISTRY: &[StorageItem] = &[
    StorageItem {
        name: CONSENT_COOKIE,
        kind: StorageKind::Cookie,
        category: Category::Necessary,
        purpose: "Remembers your cookie choices: which categories you allowed, when, under which revision of this policy, and whether your browser sent a Global Privacy Control signal, with a random consent id that identifies no one. Without it we would have to ask on every page.",
        lifetime: "6 months",
        party: Party::First,
    },
    StorageItem {
        name: CONSENT_COOKIE,
        kind: StorageKind::LocalStorage,
        category: Category::Necessary,
        purpose: "A copy of your cookie choices for the page's own scripts, so that a choice made in one tab applies at once in your other open tabs.",
        lifetime: "Until you change your choice or clear your browser's data",
        party: Party::First,
    },
    StorageItem {
        name: SESSION_COOKIE,
        kind: StorageKind::Cookie,
        category: Category::Necessary,
        purpose: "Keeps you logged in: a random secret that opens your session. We store only a hash of it, with the browser and address you logged in from. Set only when you log in.",
        lifetime: "Until you log out, after 12 hours without use, or 14 days after login at the latest",
        party: Party::First,
    },
    StorageItem {
        name: PROFILE_DRAFT_KEY,
        kind: StorageKind::LocalStorage,
        category: Category::Necessary,
        purpose: "Keeps the edits you have not saved yet on your profile page, so that a reload or a closed tab does not lose them. Deleted as soon as you save or discard them.",
        lifetime: "Until you save or discard your edits",
        party: Party::First,
    },
    StorageItem {
        name: PERSON_DRAFT_KEY,
        kind: StorageKind::LocalStorage,
        category: Category::Necessary,
        purpose: "Keeps an edit you have not saved yet on a person's page in the CRM, so that a reload or a closed tab does not lose it. Deleted as soon as you save or cancel that edit.",
        lifetime: "Until you save or cancel the edit",
        party: Party::First,
    },
    StorageItem {
        name: COMPANY_DRAFT_KEY,
        kind: StorageKind::LocalStorage,
        category: Category::Necessary,
        purpose: "Keeps an edit you have not saved yet on a company's page in the CRM, so that a reload or a closed tab does not lose it. Deleted as soon as you save or cancel that edit.",
        lifetime: "Until you save or cancel the edit",
        party: Party::First,
    },
    StorageItem {
        name: LEAD_DRAFT_KEY,
        kind: StorageKind::LocalStorage,
        category: Category::Necessary,
        purpose: "Keeps an edit you have not saved yet on a lead's page in the CRM, so that a reload or a closed tab does not lose it. Deleted as soon as you save or cancel that edit.",
        lifetime: "Until you save or cancel the edit",
        party: Party::First,
    },
    StorageItem {
        name: OPPORTUNITY_DRAFT_KEY,
        kind: StorageKind::LocalStorage,
        category: Category::Necessary,
        purpose: "Keeps an edit you have not saved yet on an opportunity's page in the CRM, so that a reload or a closed tab does not lose it. Deleted as soon as you save or cancel that edit.",
        lifetime: "Until you save or cancel the edit",
        party: Party::First,
    },
    StorageItem {
        name: TASK_DRAFT_KEY,
        kind: StorageKind::LocalStorage,
        category: Category::Necessary,
        purpose: "Keeps an edit you have not saved yet on a task's page in the CRM, so that a reload or a closed tab does not lose it. Deleted as soon as you save or cancel that edit.",
        lifetime: "Until you save or cancel the edit",
        party: Party::First,
    },
    StorageItem {
        name: VISIT_COOKIE,
        kind: StorageKind::Cookie,
        category: Category::Analytics,
        purpose: "A random visit number, so that our own page-view count can tell one visit from several. We keep only a daily-changing hash of it, never link it to you, and share it with no one.",
        lifetime: "30 minutes after your last page view",
        party: Party::First,
    },
];

/// The items of one category, in registry order.
pub fn items_in(category: Category) -> impl Iterator<Item = &'static StorageItem> {
    REGISTRY
        .iter()
        .filter(move |item| item.category == category)
}

/// Looks up a cookie by name.
pub fn cookie(name: &str) -> Option<&'static StorageItem> {
    // On https the session cookie is named with the `__Host-` prefix, which only binds it to this
    // host: it is the same cookie.
    let name = name.strip_prefix("__Host-").unwrap_or(name);
    REGISTRY
        .iter()
        .find(|item| item.kind == StorageKind::Cookie && item.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_under_its_host_prefix_is_the_same_listed_cookie_and_nothing_else_is_listed()
     {
        assert_eq!(
            cookie("__Host-candor_session").map(|item| item.name),
            Some(SESSION_COOKIE)
        );
        assert!(cookie("__Secure-candor_session").is_none());
        assert!(cookie("__Host-_ga").is_none());
    }

    #[test]
    fn names_are_unique_within_each_kind_of_storage() {
        for (i, a) in REGISTRY.iter().enumerate() {
            for b in &REGISTRY[i + 1..] {
                assert!(
                    !(a.name == b.name && a.kind == b.kind),
                    "{} is listed twice",
                    a.name
                );
            }
        }
    }

    #[test]
    fn every_item_says_what_it_is_for_and_how_long_it_stays() {
        for item in REGISTRY {
            assert!(
                item.purpose.len() > 20,
                "{} needs a purpose a visitor understands",
                item.name
            );
            assert!(!item.lifetime.is_empty(), "{} needs a lifetime", item.name);
        }
    }

    #[test]
    fn only_the_necessary_category_goes_without_consent() {
        let without: Vec<Category> = Category::ALL
            .into_iter()
            .filter(|c| !c.needs_consent())
            .collect();
        assert_eq!(without, [Category::Necessary]);
    }

    #[test]
    fn an_unlisted_cookie_is_not_found() {
        assert_eq!(cookie("_ga"), None);
        assert_eq!(
            cookie("candor_consent").map(|item| item.category),
            Some(Category::Necessary)
        );
    }

    /// FNV-1a over everything the cookie policy says about each item and category.
    fn fingerprint() -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |text: &str| {
            for byte in text.bytes().chain([0]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for category in Category::ALL {
            feed(category.title());
            feed(category.purpose());
        }
        for item in REGISTRY {
            feed(item.name);
            feed(item.kind.label());
            feed(item.category.key());
            feed(item.purpose);
            feed(item.lifetime);
            feed(item.party.label());
        }
        hash
    }

    #[test]
    fn the_policy_revision_changes_whenever_the_registry_does() {
        // Visitors agreed to what the registry said under REVISION. When the registry changes,
        // bump REVISION above (everyone is asked again) and then update the pair
        // below to the new revision and the fingerprint this test prints.
        let recorded = ("2026-12-07", 0xff3c_162c_857d_eb57_u64);
        assert_eq!(
            (REVISION, fingerprint()),
            recorded,
            "the registry or REVISION changed: fingerprint is now {:#018x}",
            fingerprint()
        );
    }
}

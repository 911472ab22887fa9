//! The consent interface as the server renders it: the banner (plain forms), the preferences
//! dialog, the links that open it, and the settings page for browsers without JavaScript.
//!
//! None of it has a handler in the WASM: `public/site.js` runs it on every page, the public pages
//! (which are never hydrated) and the logged-in ones alike, so it works one way everywhere. The
//! dialog carries what that script needs, in data attributes: the consent the server read from
//! this request, the registry's browser-storage keys that need consent, and the messages to show
//! when a choice could not be saved. The script hides what it no longer needs (the banner once a
//! choice is made) and never removes it: on the logged-in pages the WASM hydrates this markup.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crm_core::consent::{
    BANNER_TEXT, Choices, ConsentView, GPC_MESSAGE, SETTINGS_TEXT, safe_return_path,
};

use crm_core::error::AppError;
use crm_core::storage::{Category, REGISTRY, StorageItem, StorageKind, items_in};

use crate::layout::{PageMeta, current_path};

/// The consent of this request as the server read it.
pub fn view_for_request() -> ConsentView {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        let now = use_context::<crm_backend::state::AppState>()
            .map_or_else(crm_backend::db::system_millis, |state| {
                state.db.now_millis()
            });
        return crm_backend::consent::http::view_of(&parts.headers, now);
    }
    ConsentView::default()
}

/// Puts this request's consent in the context (call once, in the app's root). The server's value
/// is carried to the browser, so that hydration renders the same banner.
pub fn provide_consent() -> ConsentView {
    let view = SharedValue::new(view_for_request).into_inner();
    provide_context(view);
    view
}

fn use_consent() -> ConsentView {
    use_context::<ConsentView>().unwrap_or_default()
}

/// Says that a Global Privacy Control signal decided about marketing. Always in the markup, and
/// hidden while no signal is honoured: the page script shows it when the browser's own signal
/// (`navigator.globalPrivacyControl`) is reported.
#[component]
fn GpcNotice() -> impl IntoView {
    let view = use_consent();
    view! {
        <p class="consent-gpc" hidden=!view.gpc>
            <strong>{GPC_MESSAGE}</strong>
            ": your browser asked us not to use your data for marketing, so marketing stays off."
        </p>
    }
}

/// The first layer, rendered on every page until the visitor has chosen. Its three buttons are a
/// plain form POST; the page script saves the choice without leaving the page.
#[component]
pub fn ConsentBanner() -> impl IntoView {
    let view = use_consent();
    let return_to = current_path();
    view.ask.then(|| {
        view! {
            <section class="consent-banner" aria-labelledby="consent-banner-title">
                <div class="consent-banner__inner">
                    <h2 id="consent-banner-title" class="consent-banner__title">"Your cookie choices"</h2>
                    <p class="consent-banner__text">
                        {BANNER_TEXT}" "<a href="/cookies">"Read our cookie policy"</a>"."
                    </p>
                    <GpcNotice/>
                    <form class="consent-banner__actions" method="post" action="/consent">
                        <input type="hidden" name="source" value="banner"/>
                        <input type="hidden" name="return_to" value=return_to/>
                        <button type="submit" class="button consent-choice" name="choice" value="accept_all">
                            "Accept all"
                        </button>
                        <button type="submit" class="button consent-choice" name="choice" value="reject_all">
                            "Reject all"
                        </button>
                        <button
                            type="submit"
                            class="button consent-choice"
                            name="choice"
                            value="customize"
                            aria-haspopup="dialog"
                            data-opens="cookie-settings"
                        >
                            "Customize"
                        </button>
                    </form>
                </div>
            </section>
        }
    })
}

/// One category's switch, its purpose and its items from the registry.
#[component]
fn CategoryChoice(
    category: Category,
    /// Prefix of the element ids, so the dialog and the page never share one.
    id_prefix: &'static str,
    choices: Choices,
    gpc: bool,
) -> impl IntoView {
    let key = category.key();
    let input_id = format!("{id_prefix}-{key}");
    let purpose_id = format!("{id_prefix}-{key}-purpose");
    let locked = category == Category::Necessary;
    let items: Vec<&'static StorageItem> = items_in(category).collect();
    let items_view = if items.is_empty() {
        view! { <p class="consent-category__none">"We use nothing in this category."</p> }
            .into_any()
    } else {
        view! {
            <details class="consent-category__items">
                <summary>{format!("What this category stores ({})", items.len())}</summary>
                <ul>
                    {items.into_iter().map(|item| view! {
                        <li>
                            <code>{item.name}</code>" ("{item.kind.label()}", "{item.lifetime}"): "
                            {item.purpose}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        }
        .into_any()
    };
    view! {
        <div class="consent-category">
            <div class="consent-category__head">
                <input
                    type="checkbox"
                    role="switch"
                    class="consent-switch"
                    id=input_id.clone()
                    name=key
                    value="on"
                    checked=locked || choices.allows(category)
                    disabled=locked || (category == Category::Marketing && gpc)
                    aria-describedby=purpose_id.clone()
                />
                <label for=input_id>
                    {category.title()}
                    {locked.then_some(" (always on)")}
                </label>
            </div>
            <p class="consent-category__purpose" id=purpose_id>{category.purpose()}</p>
            {items_view}
        </div>
    }
}

/// The browser-storage keys that need consent, by category (`{"name": "preferences"}`): the page
/// script deletes a key when its category is withdrawn. The server deletes cookies itself.
fn storage_needing_consent() -> String {
    let keys: serde_json::Map<String, serde_json::Value> = REGISTRY
        .iter()
        .filter(|item| {
            matches!(item.kind, StorageKind::LocalStorage) && item.category.needs_consent()
        })
        .map(|item| (item.name.to_owned(), item.category.key().into()))
        .collect();
    serde_json::Value::Object(keys).to_string()
}

/// The preferences dialog: a modal (the page script opens it, keeps focus inside, and gives it
/// back to what opened it), one switch per category, and "Save choices".
#[component]
pub fn ConsentDialog() -> impl IntoView {
    let view = use_consent();
    let state = serde_json::to_string(&view).unwrap_or_default();
    view! {
        <dialog
            class="consent-dialog"
            aria-labelledby="consent-dialog-title"
            aria-describedby="consent-dialog-text"
            data-consent=state
            data-storage=storage_needing_consent()
            data-failed=AppError::Internal.to_string()
            data-rate-limited=AppError::RateLimited.to_string()
        >
            <form class="consent-dialog__form" method="dialog">
                <h2 id="consent-dialog-title">"Cookie settings"</h2>
                <p id="consent-dialog-text">{SETTINGS_TEXT}</p>
                <GpcNotice/>
                {Category::ALL.into_iter().map(|category| view! {
                    <CategoryChoice category id_prefix="consent-dialog" choices=view.choices gpc=view.gpc/>
                }).collect_view()}
                <div class="consent-dialog__actions">
                    <button type="submit" class="button">"Save choices"</button>
                    <button type="button" class="button button--quiet consent-dialog__cancel">"Cancel"</button>
                </div>
            </form>
        </dialog>
    }
}

/// `/cookies/settings`: the same choices as the dialog, as a page that works without JavaScript.
#[component]
pub fn CookieSettingsPage() -> impl IntoView {
    let view = use_consent();
    let query = use_query_map();
    let return_to = move || {
        safe_return_path(
            query
                .read()
                .get("return_to")
                .as_deref()
                .unwrap_or("/cookies"),
        )
    };
    let current = if view.ask {
        "You have not made a choice yet, so nothing beyond the strictly necessary is used."
            .to_owned()
    } else {
        let allowed: Vec<&str> = Category::ALL
            .into_iter()
            .filter(|c| c.needs_consent() && view.allows(*c))
            .map(Category::title)
            .collect();
        if allowed.is_empty() {
            "Your current choice: only the strictly necessary.".to_owned()
        } else {
            format!(
                "Your current choice: strictly necessary, and {}.",
                allowed.join(", ").to_lowercase()
            )
        }
    };
    view! {
        <PageMeta
            title="Cookie settings"
            description="Choose which cookies Candor CRM may use, and change your choice at any time."
            path="/cookies/settings"
        />
        <article class="page page--narrow" aria-labelledby="settings-title">
            <h1 id="settings-title">"Cookie settings"</h1>
            <p>{SETTINGS_TEXT}</p>
            <GpcNotice/>
            <p class="consent-current">{current}</p>
            <form class="consent-settings" method="post" action="/consent">
                <input type="hidden" name="source" value="settings_page"/>
                <input type="hidden" name="return_to" value=return_to/>
                {Category::ALL.into_iter().map(|category| view! {
                    <CategoryChoice category id_prefix="consent-page" choices=view.choices gpc=view.gpc/>
                }).collect_view()}
                <div class="consent-settings__actions">
                    <button type="submit" class="button" name="choice" value="custom">"Save choices"</button>
                    <button type="submit" class="button button--quiet" name="choice" value="accept_all">"Accept all"</button>
                    <button type="submit" class="button button--quiet" name="choice" value="reject_all">"Reject all"</button>
                </div>
            </form>
            <p>"What each item is for is listed in our "<a href="/cookies">"cookie policy"</a>"."</p>
        </article>
    }
}

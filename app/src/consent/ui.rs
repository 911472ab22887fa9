//! The consent interface: the banner (server-rendered, plain forms that JavaScript enhances), the
//! preferences dialog, the links that reopen it, the settings page for browsers without
//! JavaScript, and the analytics script rendered only with consent.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use serde::{Deserialize, Serialize};

use super::api::{report_gpc, save_consent};
use super::model::{
    BANNER_TEXT, CONSENT_COOKIE, Choices, ConsentView, Decision, GPC_MESSAGE, SETTINGS_TEXT,
    Source, safe_return_path, settings_href,
};
use super::registry::{Category, REGISTRY, StorageItem, StorageKind, items_in};
use crate::layout::PageMeta;

/// The consent state of the page and the dialog's open state, shared by every consent component.
#[derive(Clone, Copy)]
pub struct ConsentUi {
    pub view: RwSignal<ConsentView>,
    dialog_open: RwSignal<bool>,
}

thread_local! {
    /// What had focus when the dialog opened; it gets focus back when the dialog closes. Only
    /// ever set in the browser (a DOM element lives on its page's one thread; nothing of it may
    /// be held by the reactive owner, which the server drops on any thread).
    static OPENER: std::cell::RefCell<Option<web_sys::HtmlElement>> =
        const { std::cell::RefCell::new(None) };
}

/// The local-storage mirror of the choice, which the other open tabs listen to.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct Mirror {
    view: ConsentView,
    /// When it was written, so that writing the same choice again still tells the other tabs.
    at: f64,
}

/// The consent of this request as the server read it, carried to the browser for hydration.
fn view_for_request() -> ConsentView {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        return super::http::view_of(&parts.headers, crate::db::now_millis());
    }
    ConsentView::default()
}

/// Creates the consent state for the page (call once, in the app's root).
pub fn provide_consent() -> ConsentUi {
    let initial = SharedValue::new(view_for_request).into_inner();
    let ui = ConsentUi {
        view: RwSignal::new(initial),
        dialog_open: RwSignal::new(false),
    };
    provide_context(ui);
    // In the browser only (effects never run on the server).
    Effect::new(move |_| {
        let view = ui.view.get_untracked();
        // A choice made without JavaScript (a form POST) reaches the other tabs through the
        // mirror too.
        if read_mirror().map(|m| m.view) != Some(view) {
            write_mirror(view);
        }
        let _listener = window_event_listener(leptos::ev::storage, move |event| {
            if event.key().as_deref() != Some(CONSENT_COOKIE) {
                return;
            }
            if let Some(mirror) = event
                .new_value()
                .and_then(|json| serde_json::from_str::<Mirror>(&json).ok())
            {
                ui.apply(mirror.view, false);
            }
        });
        if navigator_signals_gpc() && !view.gpc {
            leptos::task::spawn_local(async move {
                if let Ok(view) = report_gpc().await {
                    ui.apply(view, true);
                }
            });
        }
    });
    ui
}

fn read_mirror() -> Option<Mirror> {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::get::<Mirror>(CONSENT_COOKIE).ok()
}

fn write_mirror(view: ConsentView) {
    use gloo_storage::Storage;
    let _ = gloo_storage::LocalStorage::set(
        CONSENT_COOKIE,
        Mirror {
            view,
            at: js_sys::Date::now(),
        },
    );
}

fn navigator_signals_gpc() -> bool {
    js_sys::Reflect::get(
        &window().navigator(),
        &wasm_bindgen::JsValue::from_str("globalPrivacyControl"),
    )
    .is_ok_and(|value| value.as_bool() == Some(true))
}

impl ConsentUi {
    /// Takes a new consent state: shows it, deletes the storage keys of every category no longer
    /// allowed (the server deletes the cookies), and, when `broadcast`, tells the other tabs.
    pub fn apply(self, view: ConsentView, broadcast: bool) {
        use gloo_storage::Storage;
        self.view.set(view);
        for item in REGISTRY {
            if item.kind == StorageKind::LocalStorage && !view.allows(item.category) {
                gloo_storage::LocalStorage::delete(item.name);
            }
        }
        if broadcast {
            write_mirror(view);
        }
    }

    /// Opens the preferences dialog; focus returns to `opener` when it closes.
    pub fn open_dialog(self, opener: Option<web_sys::HtmlElement>) {
        OPENER.with(|cell| *cell.borrow_mut() = opener);
        self.dialog_open.set(true);
    }

    fn close_dialog(self) {
        self.dialog_open.set(false);
    }
}

/// The element an event happened on, as something that can take focus back later.
fn event_element(event: &web_sys::Event) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    event
        .current_target()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// The page's path and query, to come back to after a choice made without JavaScript.
fn current_path() -> Memo<String> {
    let location = use_location();
    Memo::new(move |_| {
        let search = location.search.get();
        let path = location.pathname.get();
        match search.trim_start_matches('?') {
            "" => path,
            query => format!("{path}?{query}"),
        }
    })
}

/// Says that a Global Privacy Control signal decided about marketing.
#[component]
fn GpcNotice() -> impl IntoView {
    let ui = expect_context::<ConsentUi>();
    view! {
        <Show when=move || ui.view.get().gpc>
            <p class="consent-gpc">
                <strong>{GPC_MESSAGE}</strong>
                ": your browser asked us not to use your data for marketing, so marketing stays off."
            </p>
        </Show>
    }
}

/// The first layer, rendered on every page until the visitor has chosen. Without JavaScript its
/// three buttons are a plain form POST; with it they save without leaving the page.
#[component]
pub fn ConsentBanner() -> impl IntoView {
    let ui = expect_context::<ConsentUi>();
    let return_to = current_path();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let choose = move |event: leptos::ev::MouseEvent, decision: Decision| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match save_consent(decision, Source::Banner).await {
                Ok(view) => {
                    ui.apply(view, true);
                    // The banner and its buttons are gone: continue from the page's content.
                    crate::layout::focus_by_id("main");
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <Show when=move || ui.view.get().ask>
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
                        <button
                            type="submit"
                            class="button consent-choice"
                            name="choice"
                            value="accept_all"
                            on:click=move |event| choose(event, Decision::AcceptAll)
                        >
                            "Accept all"
                        </button>
                        <button
                            type="submit"
                            class="button consent-choice"
                            name="choice"
                            value="reject_all"
                            on:click=move |event| choose(event, Decision::RejectAll)
                        >
                            "Reject all"
                        </button>
                        <button
                            type="submit"
                            class="button consent-choice"
                            name="choice"
                            value="customize"
                            aria-haspopup="dialog"
                            on:click=move |event| {
                                event.prevent_default();
                                ui.open_dialog(event_element(&event));
                            }
                        >
                            "Customize"
                        </button>
                    </form>
                    {move || error.get().map(|message| view! {
                        <p class="consent-banner__error" role="alert">{message}</p>
                    })}
                </div>
            </section>
        </Show>
    }
}

/// One category's switch, its purpose and its items from the registry.
#[component]
fn CategoryChoice(
    category: Category,
    /// Prefix of the element ids, so the dialog and the page never share one.
    id_prefix: &'static str,
    checked: Signal<bool>,
    gpc: Signal<bool>,
    #[prop(optional)] on_change: Option<Callback<bool>>,
) -> impl IntoView {
    let key = category.key();
    let input_id = format!("{id_prefix}-{key}");
    let purpose_id = format!("{id_prefix}-{key}-purpose");
    let locked = category == Category::Necessary;
    let disabled = move || locked || (category == Category::Marketing && gpc.get());
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
                    checked=move || locked || checked.get()
                    prop:checked=move || locked || checked.get()
                    disabled=disabled
                    aria-describedby=purpose_id.clone()
                    on:change=move |event| {
                        if let Some(on_change) = on_change {
                            on_change.run(event_target_checked(&event));
                        }
                    }
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

/// The preferences dialog: a real modal (focus moves in and stays in, Escape closes, focus goes
/// back to what opened it), one switch per category, and "Save choices".
#[component]
pub fn ConsentDialog() -> impl IntoView {
    let ui = expect_context::<ConsentUi>();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let draft = RwSignal::new(Choices::NONE);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let gpc = Signal::derive(move || ui.view.get().gpc);

    Effect::new(move |_| {
        let open = ui.dialog_open.get();
        let Some(element) = dialog.get() else {
            return;
        };
        if open && !element.open() {
            draft.set(ui.view.get_untracked().choices);
            error.set(None);
            let _ = element.show_modal();
            // Start at the first choice the visitor can change, not at whatever comes first.
            if let Ok(Some(first)) = element.query_selector("input.consent-switch:not([disabled])")
                && let Ok(first) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(first)
            {
                let _ = first.focus();
            }
        } else if !open && element.open() {
            element.close();
        }
    });

    // Whatever closed it (Escape, Cancel, a saved choice), focus goes back to the opener, or to
    // the page's content when the opener is gone (the banner disappears once a choice is saved).
    let on_close = move |_| {
        ui.dialog_open.set(false);
        let opener = OPENER
            .with(|cell| cell.borrow_mut().take())
            .filter(|element| element.is_connected());
        match opener {
            Some(element) => {
                let _ = element.focus();
            }
            None => crate::layout::focus_by_id("main"),
        }
    };

    // Tab and Shift+Tab cycle through the dialog's controls.
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if event.key() != "Tab" {
            return;
        }
        let Some(element) = dialog.get() else {
            return;
        };
        let focusable = focusable_in(&element);
        let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
            return;
        };
        let active = document().active_element();
        let at = |target: &web_sys::HtmlElement| {
            active
                .as_ref()
                .is_some_and(|a| a == AsRef::<web_sys::Element>::as_ref(target))
        };
        if event.shift_key() && at(first) {
            event.prevent_default();
            let _ = last.focus();
        } else if !event.shift_key() && at(last) {
            event.prevent_default();
            let _ = first.focus();
        }
    };

    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let choices = draft.get_untracked();
        leptos::task::spawn_local(async move {
            match save_consent(Decision::Custom(choices), Source::Dialog).await {
                Ok(view) => {
                    ui.apply(view, true);
                    ui.close_dialog();
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <dialog
            class="consent-dialog"
            aria-labelledby="consent-dialog-title"
            aria-describedby="consent-dialog-text"
            node_ref=dialog
            on:close=on_close
            on:keydown=on_keydown
        >
            <form class="consent-dialog__form" method="dialog" on:submit=save>
                <h2 id="consent-dialog-title">"Cookie settings"</h2>
                <p id="consent-dialog-text">{SETTINGS_TEXT}</p>
                <GpcNotice/>
                {Category::ALL.into_iter().map(|category| view! {
                    <CategoryChoice
                        category
                        id_prefix="consent-dialog"
                        checked=Signal::derive(move || draft.get().allows(category))
                        gpc
                        on_change=Callback::new(move |allowed: bool| {
                            draft.update(|d| *d = d.with(category, allowed));
                        })
                    />
                }).collect_view()}
                {move || error.get().map(|message| view! {
                    <p class="consent-dialog__error" role="alert">{message}</p>
                })}
                <div class="consent-dialog__actions">
                    <button type="submit" class="button" disabled=move || busy.get()>"Save choices"</button>
                    <button
                        type="button"
                        class="button button--quiet"
                        on:click=move |_| ui.close_dialog()
                    >
                        "Cancel"
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// The dialog's controls that take focus, in order.
fn focusable_in(dialog: &web_sys::HtmlDialogElement) -> Vec<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let Ok(nodes) = dialog.query_selector_all(
        "button:not([disabled]), input:not([disabled]), a[href], summary, [tabindex]:not([tabindex='-1'])",
    ) else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// A control that opens the cookie settings: the dialog with JavaScript, the settings page
/// without it. In the footer of every page and on `/cookies`.
#[component]
pub fn CookieSettingsLink(
    #[prop(into)] label: String,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    let ui = expect_context::<ConsentUi>();
    let path = current_path();
    view! {
        <a
            href=move || settings_href(&path.get())
            class=class
            aria-haspopup="dialog"
            on:click=move |event| {
                event.prevent_default();
                ui.open_dialog(event_element(&event));
            }
        >
            {label}
        </a>
    }
}

/// The product's own page-view counter, rendered only when analytics is allowed: without
/// consent the script is not in the page at all. It counts the page it loads on, then every page
/// the app navigates to (the app tells it with a `candor:navigate` event).
#[component]
pub fn AnalyticsScript() -> impl IntoView {
    let ui = expect_context::<ConsentUi>();
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path)
            && ui.view.get_untracked().allows(Category::Analytics)
            && let Ok(event) = web_sys::Event::new("candor:navigate")
        {
            let _ = window().dispatch_event(&event);
        }
        path
    });
    view! {
        <Show when=move || ui.view.get().allows(Category::Analytics)>
            <script id="candor-analytics" src="/analytics.js" defer=true></script>
        </Show>
    }
}

/// `/cookies/settings`: the same choices as the dialog, as a page that works without JavaScript.
#[component]
pub fn CookieSettingsPage() -> impl IntoView {
    let ui = expect_context::<ConsentUi>();
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
    let gpc = Signal::derive(move || ui.view.get().gpc);
    let current = move || {
        let view = ui.view.get();
        if view.ask {
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
                    <CategoryChoice
                        category
                        id_prefix="consent-page"
                        checked=Signal::derive(move || ui.view.get().allows(category))
                        gpc
                    />
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

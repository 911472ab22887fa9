//! The account pages: sign up, confirm an address, log in and out, reset a password, and the
//! workspace's home page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crm_core::accounts::notices;
use crm_core::error::AppError;
use crm_core::forms::FormState;

use super::api::{
    LinkKind, LinkPageState, SignupFormState, account_form, link_page, load_sessions, signup_form,
};
use crate::form::{BrowserClockFields, CountryField, FormMessages, RequiredCheckbox, TextField};
use crate::layout::{PageMeta, loaded, loading, use_viewer};

const PASSWORD_HINT: &str = "At least 12 characters. A few unrelated words make a strong password that is easy to remember.";

/// `/signup`.
#[component]
pub fn SignupPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |()| signup_form());
    view! {
        <PageMeta
            title="Create your account"
            description="Create a Candor CRM workspace for your team: contacts, pipeline and privacy built in."
            path="/signup"
        />
        <div class="page page--narrow account">
            <h1>"Create your account"</h1>
            <p class="account__lead">
                "A workspace for your team's contacts and pipeline. You will own it and can invite others once your e-mail address is confirmed."
            </p>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |state| view! { <SignupForm state/> }.into_any())
                })}
            </Suspense>
            <p class="account__switch">"Already have an account? "<a href="/login">"Log in"</a></p>
        </div>
    }
}

#[component]
fn SignupForm(state: SignupFormState) -> impl IntoView {
    let SignupFormState {
        form,
        policy_version,
        country,
        language,
    } = state;
    const ID: &str = "signup";
    let posted_zone = form.value("time_zone");
    view! {
        <form id=ID class="account__form" method="post" action="/signup" novalidate>
            <FormMessages form_id=ID state=form.clone()/>
            <TextField form_id=ID state=form.clone() name="name" label="Your name" autocomplete="name"/>
            <TextField
                form_id=ID
                state=form.clone()
                name="email"
                label="Work e-mail"
                kind="email"
                autocomplete="email"
                maxlength=254
                hint="We send a link to confirm it."
            />
            <TextField
                form_id=ID
                state=form.clone()
                name="password"
                label="Password"
                kind="password"
                autocomplete="new-password"
                maxlength=256
                hint=PASSWORD_HINT
            />
            <TextField
                form_id=ID
                state=form.clone()
                name="workspace_name"
                label="Workspace name"
                autocomplete="organization"
                hint="Usually your team's or company's name."
            />
            <CountryField
                form_id=ID
                state=form.clone()
                name="country"
                label="Workspace's country"
                hint="Phone numbers from this country can be typed as they are dialled there. Admins can change it later."
                chosen=country
            />
            <RequiredCheckbox form_id=ID state=form.clone() name="age">
                "I am at least 18 years old or of legal age to contract where I live"
            </RequiredCheckbox>
            <RequiredCheckbox form_id=ID state=form name="policy">
                "I have read and accept the "<a href="/privacy">"privacy policy"</a>
            </RequiredCheckbox>
            {policy_version.map(|version| view! {
                <input type="hidden" name="policy_version" value=version.to_string()/>
            })}
            <BrowserClockFields time_zone=posted_zone language/>
            <p><button type="submit" class="button">"Create account"</button></p>
        </form>
    }
}

/// `/signup/check-email`: the same answer whether or not the address already had an account.
#[component]
pub fn CheckInboxPage() -> impl IntoView {
    view! {
        <Title text="Check your inbox"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow account">
            <h1>"Check your inbox"</h1>
            <p>
                "We have sent an e-mail to the address you entered. Follow the link in it within 48 hours to confirm your address."
            </p>
            <p>
                "If that address already had an account, the e-mail says so and tells you how to log in instead."
            </p>
            <p><a class="button" href="/login">"Log in"</a></p>
        </div>
    }
}

fn token_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("token").unwrap_or_default()))
}

/// Loads a link page and gives a spent link's page a 404 status (set in the fetcher, which
/// finishes before the headers are sent).
fn link_resource(kind: LinkKind) -> Resource<Result<LinkPageState, AppError>> {
    let token = token_param();
    Resource::new_blocking(
        move || token.get(),
        move |token| async move {
            let result = link_page(kind, token).await;
            if matches!(&result, Ok(state) if !state.usable) {
                AppError::NotFound.set_response_status();
            }
            result
        },
    )
}

#[component]
fn SpentLink(logged_in: bool, kind: LinkKind) -> impl IntoView {
    view! {
        <h1>"This link no longer works"</h1>
        <p class="form-notice form-notice--error" role="alert">{notices::LINK_INVALID}</p>
        {match (kind, logged_in) {
            (LinkKind::VerifyEmail, true) => view! {
                <form method="post" action="/app/verification">
                    <button type="submit" class="button">"Send me a new link"</button>
                </form>
            }
            .into_any(),
            (LinkKind::VerifyEmail, false) => view! {
                <p><a class="button" href="/login?next=/app">"Log in to ask for a new link"</a></p>
            }
            .into_any(),
            (LinkKind::ResetPassword, _) => view! {
                <p><a class="button" href="/forgot-password">"Ask for a new link"</a></p>
            }
            .into_any(),
        }}
    }
}

/// `/verify-email/{token}`: a button confirms the address. Opening the link changes nothing, so
/// mail scanners that open links do not use it up.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let token = token_param();
    let data = link_resource(LinkKind::VerifyEmail);
    view! {
        <Title text="Confirm your e-mail address"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow account">
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |state| {
                        if state.usable {
                            view! {
                                <h1>"Confirm your e-mail address"</h1>
                                <form method="post" action=format!("/verify-email/{}", token.get_untracked())>
                                    <FormMessages form_id="verify" state=state.form/>
                                    <button type="submit" class="button">"Confirm my e-mail address"</button>
                                </form>
                            }
                            .into_any()
                        } else {
                            view! { <SpentLink logged_in=state.logged_in kind=LinkKind::VerifyEmail/> }.into_any()
                        }
                    })
                })}
            </Suspense>
        </div>
    }
}

/// `/email-verified`.
#[component]
pub fn EmailVerifiedPage() -> impl IntoView {
    view! {
        <Title text="E-mail address confirmed"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow account">
            <h1>"Your e-mail address is confirmed"</h1>
            <p>"Thank you. You can now invite your team to your workspace."</p>
            <p><a class="button" href="/app">"Go to your workspace"</a></p>
        </div>
    }
}

/// `/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |()| account_form());
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    view! {
        <PageMeta
            title="Log in"
            description="Log in to your Candor CRM workspace."
            path="/login"
        />
        <div class="page page--narrow account">
            <h1>"Log in"</h1>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let next = next();
                    loaded(data.await, move |state| view! { <LoginForm state next/> }.into_any())
                })}
            </Suspense>
            <p class="account__switch"><a href="/forgot-password">"Forgot your password?"</a></p>
            <p class="account__switch">"New to Candor CRM? "<a href="/signup">"Create an account"</a></p>
        </div>
    }
}

#[component]
fn LoginForm(state: FormState, next: String) -> impl IntoView {
    const ID: &str = "login";
    let next = if next.is_empty() {
        state.value("next")
    } else {
        next
    };
    view! {
        <form id=ID class="account__form" method="post" action="/login" novalidate>
            <FormMessages form_id=ID state=state.clone()/>
            <TextField form_id=ID state=state.clone() name="email" label="E-mail" kind="email" autocomplete="email" maxlength=254/>
            <TextField form_id=ID state name="password" label="Password" kind="password" autocomplete="current-password" maxlength=256/>
            <input type="hidden" name="next" value=next/>
            <p><button type="submit" class="button">"Log in"</button></p>
        </form>
    }
}

/// `/logout`: a button that logs out (a link alone must never change anything).
#[component]
pub fn LogoutPage() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <Title text="Log out"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow account">
            {move || if viewer.get().is_some() {
                view! {
                    <h1>"Log out"</h1>
                    <p>"Log out of Candor CRM on this device? Your other devices stay logged in."</p>
                    <form method="post" action="/logout">
                        <button type="submit" class="button">"Log out"</button>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <h1>"You are logged out"</h1>
                    <p>"You are not logged in on this device."</p>
                    <p><a class="button" href="/login">"Log in"</a></p>
                }
                .into_any()
            }}
        </div>
    }
}

/// `/forgot-password`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |()| account_form());
    const ID: &str = "forgot";
    view! {
        <PageMeta
            title="Reset your password"
            description="Choose a new password for your Candor CRM account."
            path="/forgot-password"
        />
        <div class="page page--narrow account">
            <h1>"Reset your password"</h1>
            <p>"Enter the e-mail address you log in with. We will send it a link to choose a new password."</p>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |state| view! {
                        <form id=ID class="account__form" method="post" action="/forgot-password" novalidate>
                            <FormMessages form_id=ID state=state.clone()/>
                            <TextField form_id=ID state name="email" label="E-mail" kind="email" autocomplete="email" maxlength=254/>
                            <p><button type="submit" class="button">"Send me a link"</button></p>
                        </form>
                    }
                    .into_any())
                })}
            </Suspense>
        </div>
    }
}

/// `/forgot-password/sent`: the same answer whether or not the address has an account.
#[component]
pub fn ForgotSentPage() -> impl IntoView {
    view! {
        <Title text="Check your inbox"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow account">
            <h1>"Check your inbox"</h1>
            <p>
                "If an account uses the address you entered, we have sent it a link to choose a new password. The link works for one hour."
            </p>
            <p>"Nothing arrived? Check your spam folder, or make sure you typed the address you log in with."</p>
        </div>
    }
}

/// `/reset-password/{token}`.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = token_param();
    let data = link_resource(LinkKind::ResetPassword);
    const ID: &str = "reset";
    view! {
        <Title text="Choose a new password"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow account">
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |state| {
                        if state.usable {
                            view! {
                                <h1>"Choose a new password"</h1>
                                <p>"Saving it logs you out on every other device."</p>
                                <form
                                    id=ID
                                    class="account__form"
                                    method="post"
                                    action=format!("/reset-password/{}", token.get_untracked())
                                    novalidate
                                >
                                    <FormMessages form_id=ID state=state.form.clone()/>
                                    <TextField
                                        form_id=ID
                                        state=state.form
                                        name="password"
                                        label="New password"
                                        kind="password"
                                        autocomplete="new-password"
                                        maxlength=256
                                        hint=PASSWORD_HINT
                                    />
                                    <p><button type="submit" class="button">"Save new password"</button></p>
                                </form>
                            }
                            .into_any()
                        } else {
                            view! { <SpentLink logged_in=state.logged_in kind=LinkKind::ResetPassword/> }.into_any()
                        }
                    })
                })}
            </Suspense>
        </div>
    }
}

/// `/app/settings/sessions`: where the member is logged in, as the privacy policy says this is
/// collected, with a way to end any of those sessions.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |()| load_sessions());
    let query = use_query_map();
    let done = move || query.with(|q| q.get("done").unwrap_or_default());
    view! {
        <Title text="Where you are logged in"/>
        <Meta name="robots" content="noindex"/>
        <div class="page account sessions">
            <h1>"Where you are logged in"</h1>
            <p class="account__lead">
                "Each login keeps the browser and system it came from, its IP address and when it was last used, so that you can recognise it. End any session you do not recognise, then change your password."
            </p>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let done = done();
                    loaded(data.await, move |sessions| view! {
                        {match done.as_str() {
                            "ended" => Some(view! {
                                <p class="form-notice form-notice--ok" role="status" tabindex="-1" autofocus=true>"Session ended."</p>
                            }.into_any()),
                            "gone" => Some(view! {
                                <p class="form-notice form-notice--ok" role="status" tabindex="-1" autofocus=true>"That session had already ended."</p>
                            }.into_any()),
                            "failed" => Some(view! {
                                <p class="form-notice form-notice--error" role="alert" tabindex="-1" autofocus=true>{notices::UNAVAILABLE}</p>
                            }.into_any()),
                            _ => None,
                        }}
                        <ul class="sessions__list">
                            {sessions
                                .into_iter()
                                .map(|session| view! {
                                    <li class="sessions__item">
                                        <p class="sessions__device">
                                            <strong>{session.device.clone()}</strong>
                                            {session.current.then_some(" (this browser)")}
                                        </p>
                                        <p class="sessions__meta">
                                            {format!(
                                                "IP address {} · logged in {} · last used {}",
                                                session.ip_address.as_deref().unwrap_or("unknown"),
                                                session.started,
                                                session.last_seen,
                                            )}
                                        </p>
                                        <form method="post" action="/app/settings/sessions/end">
                                            <input type="hidden" name="session_id" value=session.id.to_string()/>
                                            <button type="submit" class="button button--small button--quiet">
                                                {if session.current { "Log out here" } else { "End session" }}
                                                <span class="visually-hidden">{format!(": {}, last used {}", session.device, session.last_seen)}</span>
                                            </button>
                                        </form>
                                    </li>
                                })
                                .collect_view()}
                        </ul>
                    }.into_any())
                })}
            </Suspense>
        </div>
    }
}

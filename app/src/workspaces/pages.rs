//! `/app/settings/workspace` (members, roles, invitations, switching workspaces) and
//! `/invitations/{token}` (accepting an invitation).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crm_core::country::Country;
use crm_core::error::AppError;
use crm_core::forms::FormState;
use crm_core::workspaces::{InvitationView, Role, TeamMember, WorkspaceSettings};

use super::api::{load_invitation, load_workspace_settings};
use crate::form::{BrowserClockFields, CountryField, FormMessages, RequiredCheckbox, TextField};
use crate::layout::{error_alert, loaded, loading};

fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "invited" => "Invitation sent. It works for 7 days.",
        "revoked" => "Invitation revoked: its link no longer works.",
        "removed" => "Member removed. Their access to this workspace has ended.",
        "role" => "Role changed.",
        "transferred" => "Ownership transferred. You are now an admin of this workspace.",
        "country" => "Country saved. Phone numbers are read and shown for it from now on.",
        _ => return None,
    })
}

/// A small form with one button that posts an action about one member or invitation.
fn action_button(
    action: &'static str,
    field: &'static str,
    id: String,
    label: &'static str,
    whom: String,
) -> impl IntoView {
    view! {
        <form class="team__action" method="post" action=format!("/app/settings/workspace/{action}")>
            <input type="hidden" name=field value=id/>
            <button type="submit" class="button button--small button--quiet">
                {label}<span class="visually-hidden">{format!(" {whom}")}</span>
            </button>
        </form>
    }
}

/// `/app/settings/workspace`.
#[component]
pub fn WorkspaceSettingsPage() -> impl IntoView {
    let data = Resource::new_blocking(
        || (),
        |()| async {
            load_workspace_settings()
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    let query = use_query_map();
    let done = move || query.with(|q| q.get("done").unwrap_or_default());
    view! {
        <Title text="Workspace settings"/>
        <Meta name="robots" content="noindex"/>
        <div class="page account team">
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let done = done();
                    match data.await {
                        Ok(settings) => view! { <Settings settings done/> }.into_any(),
                        Err(error) => view! {
                            <h1>"Workspace settings"</h1>
                            {error_alert(&error)}
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Settings(settings: WorkspaceSettings, done: String) -> impl IntoView {
    let can_manage = settings.can_manage();
    let WorkspaceSettings {
        workspace_name,
        country,
        viewer,
        viewer_role,
        viewer_verified,
        members,
        invitations,
        workspaces,
        mut invite_form,
    } = settings;
    // A refused change is reported at the top of the page, whoever made it.
    let page_notice = invite_form.notice.take();
    let rows = members
        .into_iter()
        .map(|member| member_row(member, viewer, viewer_role))
        .collect_view();
    view! {
        <h1>"Workspace settings"</h1>
        <p class="account__lead">{format!("{workspace_name}: you are {} here.", viewer_role.label().to_lowercase())}</p>
        {page_notice.map(|notice| view! {
            <p class="form-notice form-notice--error" role="alert" tabindex="-1" autofocus=true>{notice.message}</p>
        })}
        {done_message(&done).map(|message| view! {
            <p class="form-notice form-notice--ok" role="status" tabindex="-1" autofocus=true>{message}</p>
        })}
        <section aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <div class="team__table-wrap">
                <table class="team__table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"E-mail"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        <CountrySection country can_manage/>
        {can_manage.then(|| view! { <Invitations invitations invite_form verified=viewer_verified/> }.into_any())}
        {(workspaces.len() > 1).then(|| view! {
            <section aria-labelledby="switch-title">
                <h2 id="switch-title">"Your workspaces"</h2>
                <ul class="team__workspaces">
                    {workspaces
                        .into_iter()
                        .map(|choice| {
                            let current = choice.name == workspace_name;
                            view! {
                                <li>
                                    <span>{choice.name.clone()}" ("{choice.role.label().to_lowercase()}")"</span>
                                    {if current {
                                        view! { <span class="team__current">" (current)"</span> }.into_any()
                                    } else {
                                        view! {
                                            <form class="team__action" method="post" action="/app/workspace/switch">
                                                <input type="hidden" name="workspace_id" value=choice.id.to_string()/>
                                                <button type="submit" class="button button--small button--quiet">
                                                    "Switch"<span class="visually-hidden">{format!(" to {}", choice.name)}</span>
                                                </button>
                                            </form>
                                        }
                                        .into_any()
                                    }}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
        .into_any())}
    }
}

/// The workspace's home country: chosen by owners and admins, shown to the others.
#[component]
fn CountrySection(country: Option<Country>, can_manage: bool) -> impl IntoView {
    const ID: &str = "country";
    let named = country.map_or_else(
        || "None: phone numbers are typed with their country code.".to_owned(),
        |country| country.name().to_owned(),
    );
    view! {
        <section aria-labelledby="country-title">
            <h2 id="country-title">"Country"</h2>
            {if can_manage {
                view! {
                    <form id=ID class="account__form" method="post" action="/app/settings/workspace/country">
                        <CountryField
                            form_id=ID
                            state=FormState::default()
                            name="country"
                            label="Workspace's country"
                            hint="Phone numbers from this country can be typed as they are dialled there (020 7946 0958 in the United Kingdom) and are shown so; others keep their country code."
                            chosen=country.map(|c| c.code().to_owned()).unwrap_or_default()
                        />
                        <p><button type="submit" class="button">"Save country"</button></p>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <p>{format!("Workspace's country: {named}")}</p>
                    <p class="field__hint">"Owners and admins can change it."</p>
                }
                .into_any()
            }}
        </section>
    }
}

fn member_row(
    member: TeamMember,
    viewer: crm_core::ids::MemberId,
    viewer_role: Role,
) -> impl IntoView {
    let is_self = member.member_id == viewer;
    let id = member.member_id.to_string();
    let name = member.name.clone();
    let owner_actions = (viewer_role == Role::Owner && !is_self && member.role != Role::Owner).then(|| {
        let other = if member.role == Role::Admin { "member" } else { "admin" };
        let other_label = if member.role == Role::Admin { "Make member" } else { "Make admin" };
        view! {
            <form class="team__action" method="post" action="/app/settings/workspace/role">
                <input type="hidden" name="member_id" value=id.clone()/>
                <input type="hidden" name="role" value=other/>
                <button type="submit" class="button button--small button--quiet">
                    {other_label}<span class="visually-hidden">{format!(": {name}")}</span>
                </button>
            </form>
            {member.email_verified.then(|| action_button("transfer", "member_id", id.clone(), "Make owner", name.clone()))}
        }
    });
    let can_remove = !is_self
        && member.role != Role::Owner
        && match viewer_role {
            Role::Owner => true,
            Role::Admin => member.role == Role::Member,
            Role::Member | Role::Operator => false,
        };
    view! {
        <tr>
            <th scope="row">{member.name.clone()}{is_self.then_some(" (you)")}</th>
            <td>{member.email}</td>
            <td>{member.role.label()}</td>
            <td class="team__actions">
                {owner_actions}
                {can_remove.then(|| action_button("remove", "member_id", id.clone(), "Remove", member.name.clone()))}
            </td>
        </tr>
    }
    .into_any()
}

#[component]
fn Invitations(
    invitations: Vec<crm_core::workspaces::PendingInvitation>,
    invite_form: crm_core::forms::FormState,
    verified: bool,
) -> impl IntoView {
    const ID: &str = "invite";
    let role = invite_form.value("role");
    view! {
        <section aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite someone"</h2>
            {if verified {
                view! {
                    <form id=ID class="account__form team__invite" method="post" action="/app/settings/workspace/invite" novalidate>
                        <FormMessages form_id=ID state=invite_form.clone()/>
                        <TextField form_id=ID state=invite_form.clone() name="email" label="Their e-mail" kind="email" autocomplete="off" maxlength=254/>
                        <div class="field">
                            <label for="invite-role">"Role"</label>
                            <select id="invite-role" name="role">
                                <option value="member" selected=role != "admin">"Member: works with the records"</option>
                                <option value="admin" selected=role == "admin">"Admin: also manages members"</option>
                            </select>
                        </div>
                        <p><button type="submit" class="button">"Send invitation"</button></p>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <p class="form-notice form-notice--warning">
                        "Confirm your e-mail address before inviting anyone: follow the link we sent you, or ask for a new one on "
                        <a href="/app">"your workspace's home page"</a>"."
                    </p>
                }
                .into_any()
            }}
            {(!invitations.is_empty()).then(|| view! {
                <h3>"Waiting to be accepted"</h3>
                <ul class="team__invitations">
                    {invitations
                        .into_iter()
                        .map(|invitation| view! {
                            <li>
                                {format!("{} ({})", invitation.email, invitation.role.label().to_lowercase())}
                                {action_button("revoke", "invitation_id", invitation.id.to_string(), "Revoke", format!("the invitation to {}", invitation.email))}
                            </li>
                        })
                        .collect_view()}
                </ul>
            })}
        </section>
    }
}

/// `/invitations/{token}`.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token").unwrap_or_default()));
    let data = Resource::new_blocking(
        move || token.get(),
        |token| async move {
            let result = load_invitation(token).await;
            match &result {
                Ok(view) if !view.usable => AppError::NotFound.set_response_status(),
                Err(error) => error.set_response_status(),
                Ok(_) => {}
            }
            result
        },
    );
    view! {
        <Title text="Invitation"/>
        <Meta name="robots" content="noindex"/>
        <div class="page page--narrow account">
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |view| {
                        view! { <Invitation view token=token.get_untracked()/> }.into_any()
                    })
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Invitation(view: InvitationView, token: String) -> impl IntoView {
    if !view.usable {
        return view! {
            <h1>"This invitation no longer works"</h1>
            <p class="form-notice form-notice--error" role="alert">
                "It has expired, was revoked, or has already been accepted. Ask the person who invited you for a new one."
            </p>
        }
        .into_any();
    }
    let action = format!("/invitations/{token}");
    let heading = format!("Join {}", view.workspace_name);
    let intro = format!(
        "{} invites {} to the workspace {} as {}.",
        view.invited_by,
        view.email,
        view.workspace_name,
        view.role.label().to_lowercase()
    );
    let body = match view.viewer_email.as_deref() {
        Some(mine) if mine.eq_ignore_ascii_case(&view.email) => view! {
            <form method="post" action=action>
                <input type="hidden" name="action" value="accept"/>
                <button type="submit" class="button">{format!("Join {}", view.workspace_name)}</button>
            </form>
        }
        .into_any(),
        Some(mine) => view! {
            <p class="form-notice form-notice--warning">
                {format!("You are logged in as {mine}, but this invitation is for {}. Log out, then open the link again.", view.email)}
            </p>
            <form method="post" action="/logout">
                <button type="submit" class="button">"Log out"</button>
            </form>
        }
        .into_any(),
        None if view.account_exists => view! {
            <p>{format!("{} already has an account. Log in to accept.", view.email)}</p>
            <p><a class="button" href=format!("/login?next={action}")>"Log in to accept"</a></p>
        }
        .into_any(),
        None => {
            const ID: &str = "join";
            let form = view.form;
            let (posted_zone, posted_language) = (form.value("time_zone"), form.value("language"));
            view! {
                <p>"Create your account to join. Your e-mail address is the one this invitation was sent to."</p>
                <form id=ID class="account__form" method="post" action=action novalidate>
                    <FormMessages form_id=ID state=form.clone()/>
                    <input type="hidden" name="action" value="join"/>
                    <TextField form_id=ID state=form.clone() name="name" label="Your name" autocomplete="name"/>
                    <TextField
                        form_id=ID
                        state=form.clone()
                        name="password"
                        label="Password"
                        kind="password"
                        autocomplete="new-password"
                        maxlength=256
                        hint="At least 12 characters. A few unrelated words make a strong password that is easy to remember."
                    />
                    <RequiredCheckbox form_id=ID state=form.clone() name="age">
                        "I am at least 18 years old or of legal age to contract where I live"
                    </RequiredCheckbox>
                    <RequiredCheckbox form_id=ID state=form name="policy">
                        "I have read and accept the "<a href="/privacy">"privacy policy"</a>
                    </RequiredCheckbox>
                    {view.policy_version.map(|version| view! {
                        <input type="hidden" name="policy_version" value=version.to_string()/>
                    })}
                    <BrowserClockFields time_zone=posted_zone language=posted_language/>
                    <p><button type="submit" class="button">"Create account and join"</button></p>
                </form>
            }
            .into_any()
        }
    };
    view! {
        <h1>{heading}</h1>
        <p>{intro}</p>
        {body}
        <p class="account__switch">"An invitation works once, for 7 days from when it was sent."</p>
    }
    .into_any()
}

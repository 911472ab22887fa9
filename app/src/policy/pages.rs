//! `/privacy`, `/privacy/versions`, `/privacy/versions/{n}` and `/privacy/versions/compare`.
//! Data loads with blocking resources, so the whole text (and the page title) is in the server's
//! HTML: the policy reads the same without JavaScript, for search engines and screen readers.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crm_core::error::AppError;
use crm_core::policy::diff::Change;
use crm_core::policy::{Block, Comparison, PolicyVersion, Section, VersionSummary};

use super::api::{compare_policy_versions, current_policy, get_policy_version, policy_versions};
use crate::layout::PageMeta;

/// Sets the response's HTTP status from a failed load. Called in the blocking resources' fetchers,
/// which finish before the headers are sent; rendering inside `<Suspense>` may come too late.
fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        error.set_response_status();
    }
    result
}

/// An error as the visitor sees it: what happened and where to go next.
#[component]
fn PolicyError(error: AppError) -> impl IntoView {
    let heading = match error {
        AppError::NotFound => "There is no such version",
        AppError::Validation { .. } => "Choose two versions",
        _ => "The policy could not be shown",
    };
    view! {
        <Title text=heading/>
        <section class="page page--narrow">
            <h1>{heading}</h1>
            <p>{error.to_string()}</p>
            <p><a href="/privacy/versions">"See every version of the privacy policy"</a></p>
        </section>
    }
}

/// `/privacy`: the version in force.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let policy = Resource::new_blocking(|| (), |()| async { with_status(current_policy().await) });
    view! {
        <PageMeta
            title="Privacy policy"
            description="How Candor CRM collects, uses, shares and protects personal data, and how to use your rights."
            path="/privacy"
        />
        <Suspense fallback=|| view! { <p class="page">"Loading the privacy policy…"</p> }>
            {move || Suspend::new(async move {
                match policy.await {
                    Ok(policy) => view! { <PolicyArticle policy archived=false/> }.into_any(),
                    Err(error) => view! { <PolicyError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/privacy/versions/{n}`: one version, as it was published.
#[component]
pub fn PolicyVersionPage() -> impl IntoView {
    let params = use_params_map();
    let version = move || {
        params
            .read()
            .get("version")
            .and_then(|v| v.parse::<i64>().ok())
    };
    let policy = Resource::new_blocking(version, |version| async move {
        with_status(match version {
            Some(version) => get_policy_version(version).await,
            None => Err(AppError::NotFound),
        })
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p class="page">"Loading this version…"</p> }>
            {move || Suspend::new(async move {
                match policy.await {
                    Ok(policy) => view! {
                        <Title text=format!("Privacy policy, version {}", policy.summary.version)/>
                        <PolicyArticle policy archived=true/>
                    }
                    .into_any(),
                    Err(error) => view! { <PolicyError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PolicyArticle(policy: PolicyVersion, archived: bool) -> impl IntoView {
    let PolicyVersion { summary, document } = policy;
    let contents = document
        .sections
        .iter()
        .map(|section| {
            let href = format!("#{}", section.anchor);
            view! { <li><a href=href>{section_title(section)}</a></li> }
        })
        .collect_view();
    let sections = document
        .sections
        .into_iter()
        .map(|section| view! { <PolicySection section/> })
        .collect_view();
    let status = version_status(&summary);
    view! {
        <article class="policy page page--narrow" aria-labelledby="policy-title">
            <h1 id="policy-title">{document.title}</h1>
            <p class="policy__revision">
                "Date of Last Revision: "
                <time datetime=document.effective.to_string()>{document.effective.long()}</time>
            </p>
            <p class="policy__meta">
                {format!("Version {}", summary.version)}
                {archived.then(|| format!(" ({status})"))}
                " · "
                <a href="/privacy/versions">"All versions and what changed"</a>
            </p>
            <nav class="policy__toc" aria-labelledby="policy-toc-title">
                <h2 id="policy-toc-title">"Contents"</h2>
                <ol>{contents}</ol>
            </nav>
            {sections}
        </article>
    }
}

fn section_title(section: &Section) -> String {
    match section.number {
        Some(n) => format!("{n}. {}", section.heading),
        None => section.heading.clone(),
    }
}

#[component]
fn PolicySection(section: Section) -> impl IntoView {
    let heading_id = format!("{}-title", section.anchor);
    let labelled_by = heading_id.clone();
    let title = section_title(&section);
    let blocks = section
        .blocks
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(text) => view! { <p>{text}</p> }.into_any(),
            Block::List(items) => {
                let items = items
                    .into_iter()
                    .map(|item| view! { <li>{item}</li> })
                    .collect_view();
                view! { <ul>{items}</ul> }.into_any()
            }
        })
        .collect_view();
    view! {
        <section id=section.anchor class="policy__section" aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            {blocks}
        </section>
    }
}

fn version_status(summary: &VersionSummary) -> &'static str {
    if summary.upcoming {
        "upcoming"
    } else {
        "published"
    }
}

/// `/privacy/versions`: every version, and a form to compare any two.
#[component]
pub fn PolicyVersionsPage() -> impl IntoView {
    let versions = Resource::new_blocking(|| (), |()| policy_versions());
    view! {
        <PageMeta
            title="Privacy policy versions"
            description="Every published version of the Candor CRM privacy policy, and what changed between them."
            path="/privacy/versions"
        />
        <section class="page page--narrow" aria-labelledby="versions-title">
            <h1 id="versions-title">"Privacy policy versions"</h1>
            <p>
                "Every version we have published stays here unchanged, so you can always read the text you agreed to. "
                "Significant changes are announced in the product and by e-mail before they take effect."
            </p>
            <Suspense fallback=|| view! { <p>"Loading the versions…"</p> }>
                {move || Suspend::new(async move {
                    match versions.await {
                        Ok(versions) => view! { <VersionTable versions/> }.into_any(),
                        Err(error) => view! { <p role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn VersionTable(versions: Vec<VersionSummary>) -> impl IntoView {
    // The version in force is the newest one that is not upcoming.
    let in_force = versions.iter().find(|v| !v.upcoming).map(|v| v.version);
    let rows = versions
        .iter()
        .map(|v| {
            let status = if Some(v.version) == in_force {
                "In force"
            } else if v.upcoming {
                "Upcoming"
            } else {
                "Earlier"
            };
            let href = format!("/privacy/versions/{}", v.version);
            view! {
                <tr>
                    <th scope="row"><a href=href>{format!("Version {}", v.version)}</a></th>
                    <td><time datetime=v.effective.to_string()>{v.effective.long()}</time></td>
                    <td>{if v.significant { "Significant" } else { "Minor" }}</td>
                    <td>{status}</td>
                </tr>
            }
        })
        .collect_view();
    let options = |selected: Option<i64>| {
        versions
            .iter()
            .map(|v| {
                view! {
                    <option value=v.version.to_string() selected=Some(v.version) == selected>
                        {format!("Version {} ({})", v.version, v.effective.long())}
                    </option>
                }
            })
            .collect_view()
    };
    let newest = versions.first().map(|v| v.version);
    let previous = versions.get(1).map(|v| v.version);
    let can_compare = versions.len() > 1;
    view! {
        <table class="table">
            <caption class="visually-hidden">"Published versions, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Effective from"</th>
                    <th scope="col">"Change"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>"Compare two versions"</h2>
        {if can_compare {
            view! {
                <form class="compare-form" method="get" action="/privacy/versions/compare">
                    <div class="field">
                        <label for="compare-from">"Earlier version"</label>
                        <select id="compare-from" name="from">{options(previous)}</select>
                    </div>
                    <div class="field">
                        <label for="compare-to">"Later version"</label>
                        <select id="compare-to" name="to">{options(newest)}</select>
                    </div>
                    <button class="button" type="submit">"Compare"</button>
                </form>
            }
            .into_any()
        } else {
            view! { <p>"There is only one version so far, so there is nothing to compare yet."</p> }.into_any()
        }}
    }
}

/// `/privacy/versions/compare?from=A&to=B`: sentences added and removed, section by section.
#[component]
pub fn PolicyComparePage() -> impl IntoView {
    let query = use_query_map();
    let pair = move || {
        let query = query.read();
        let get = |key: &str| query.get(key).and_then(|v| v.parse::<i64>().ok());
        (get("from"), get("to"))
    };
    let comparison = Resource::new_blocking(pair, |pair| async move {
        with_status(match pair {
            (Some(from), Some(to)) => compare_policy_versions(from, to).await,
            _ => Err(AppError::validation(
                "from",
                "Choose an earlier and a later version to compare.",
            )),
        })
    });
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| view! { <p class="page">"Comparing…"</p> }>
            {move || Suspend::new(async move {
                match comparison.await {
                    Ok(comparison) => view! { <ComparisonView comparison/> }.into_any(),
                    Err(error) => view! { <PolicyError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ComparisonView(comparison: Comparison) -> impl IntoView {
    let Comparison { from, to, diff } = comparison;
    let title = format!(
        "Changes from version {} to version {}",
        from.version, to.version
    );
    let plural = |n: usize| if n == 1 { "sentence" } else { "sentences" };
    let summary = format!(
        "{} {} added, {} {} removed.",
        diff.added,
        plural(diff.added),
        diff.removed,
        plural(diff.removed)
    );
    let sections = diff
        .sections
        .into_iter()
        .map(|section| {
            let lines = section
                .lines
                .into_iter()
                .map(|line| match line.change {
                    Change::Added => view! {
                        <li class="diff__line diff__line--added">
                            <span class="diff__tag">"Added"</span>
                            <ins>{line.text}</ins>
                        </li>
                    }
                    .into_any(),
                    Change::Removed => view! {
                        <li class="diff__line diff__line--removed">
                            <span class="diff__tag">"Removed"</span>
                            <del>{line.text}</del>
                        </li>
                    }
                    .into_any(),
                    Change::Same => view! { <li class="diff__line">{line.text}</li> }.into_any(),
                })
                .collect_view();
            view! {
                <section class="diff__section">
                    <h2>{section.heading}</h2>
                    <ul class="diff">{lines}</ul>
                </section>
            }
        })
        .collect_view();
    view! {
        <Title text=title.clone()/>
        <section class="page page--narrow" aria-labelledby="compare-title">
            <h1 id="compare-title">{title}</h1>
            <p>
                {format!("Version {} took effect on {}; version {} ", from.version, from.effective.long(), to.version)}
                {if to.upcoming { "takes" } else { "took" }}
                {format!(" effect on {}.", to.effective.long())}
            </p>
            <p class="diff__summary">{summary}</p>
            {sections}
            <p><a href="/privacy/versions">"Back to all versions"</a></p>
        </section>
    }
}

//! The "Possible duplicates" page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crm_core::duplicates::{DuplicatePair, DuplicatesPage as Page};
use crm_core::error::AppError;

use super::api::list_duplicates;
use crate::layout::{loaded, loading};

/// `/app/duplicates`: the likely pairs, people first.
#[component]
pub fn DuplicatesPage() -> impl IntoView {
    let data = Resource::new_blocking(
        || (),
        |()| async {
            list_duplicates()
                .await
                .inspect_err(AppError::set_response_status)
        },
    );
    view! {
        <Title text="Possible duplicates"/>
        <Meta name="robots" content="noindex"/>
        <div class="page duplicates">
            <h1>"Possible duplicates"</h1>
            <p class="duplicates__intro">
                "People who share an e-mail address, a phone number, or a name and company, and companies that share a web domain or a phone number. Open both records of a pair to compare them, merge them, or say they are not duplicates."
            </p>
            <DifferentNotice/>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    loaded(data.await, |page| view! { <Pairs page/> }.into_any())
                })}
            </Suspense>
        </div>
    }
}

/// What the page says after a pair was said to be different (`?different=…`).
#[component]
fn DifferentNotice() -> impl IntoView {
    let said = use_query_map().with_untracked(|q| {
        q.get("different").map(|how| match how.as_str() {
            "1" => (false, "Noted: that pair is not listed again."),
            "unknown" => (true, "That pair is not one of this workspace's."),
            _ => (
                true,
                "That could not be noted just now. Please try again in a moment.",
            ),
        })
    });
    said.map(|(is_error, message)| {
        let class = if is_error {
            "form-notice form-notice--error"
        } else {
            "form-notice form-notice--ok"
        };
        view! { <p class=class role=if is_error { "alert" } else { "status" }>{message}</p> }
    })
}

#[component]
fn Pairs(page: Page) -> impl IntoView {
    let Page {
        people,
        more_people,
        companies,
        more_companies,
    } = page;
    view! {
        <PairList
            id="duplicates-people"
            heading="People"
            pairs=people
            more=more_people
            none="No two people share an e-mail address, a phone number, or a name and company."
        />
        <PairList
            id="duplicates-companies"
            heading="Companies"
            pairs=companies
            more=more_companies
            none="No two companies share a web domain or a phone number."
        />
    }
}

#[component]
fn PairList(
    id: &'static str,
    heading: &'static str,
    pairs: Vec<DuplicatePair>,
    more: bool,
    none: &'static str,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let count = pairs.len();
    view! {
        <section id=id aria-labelledby=labelled_by class="duplicates__kind">
            <h2 id=title_id>{heading}</h2>
            {if pairs.is_empty() {
                view! { <p class="duplicates__none">{none}</p> }.into_any()
            } else {
                view! {
                    <ul class="duplicates__pairs">
                        {pairs
                            .into_iter()
                            .map(|pair| {
                                let because = pair.because();
                                let kind = pair.kind;
                                let merge_href = format!(
                                    "/app/{}/merge?keep={}&merge={}",
                                    kind.plural(),
                                    pair.first.id,
                                    pair.second.id
                                );
                                let merge_text = format!(
                                    "Compare and merge {} and {}",
                                    pair.first.title, pair.second.title
                                );
                                // The button's name says which pair, as its visible text cannot.
                                let different = format!(
                                    "Not duplicates: {} and {}",
                                    pair.first.title, pair.second.title
                                );
                                let (first_id, second_id) = (pair.first.id.clone(), pair.second.id.clone());
                                view! {
                                    <li class="duplicates__pair">
                                        <a href=kind.href(&pair.first.id)>{pair.first.title}</a>
                                        " and "
                                        <a href=kind.href(&pair.second.id)>{pair.second.title}</a>
                                        <span class="duplicates__why">{because}</span>
                                        <a class="duplicates__merge" href=merge_href>{merge_text}</a>
                                        <form class="duplicates__different" method="post" action="/app/duplicates/different">
                                            <input type="hidden" name="kind" value=kind.plural()/>
                                            <input type="hidden" name="first" value=first_id/>
                                            <input type="hidden" name="second" value=second_id/>
                                            <button type="submit" class="button button--quiet button--small" aria-label=different>
                                                "Not duplicates"
                                            </button>
                                        </form>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {more.then(|| view! {
                <p class="duplicates__more">
                    {format!("Showing the first {count} pairs; there are more.")}
                </p>
            })}
        </section>
    }
}

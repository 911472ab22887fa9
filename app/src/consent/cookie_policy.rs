//! `/cookies`: the cookie policy, with its table rendered from the registry.

use leptos::prelude::*;

use crm_core::product::PRIVACY_EMAIL;
use crm_core::storage::{Category, REVISION, StorageItem, items_in, revision_date};

use crate::layout::CookieSettingsLink;
use crate::layout::PageMeta;

/// `/cookies`.
#[component]
pub fn CookiePolicyPage() -> impl IntoView {
    view! {
        <PageMeta
            title="Cookie policy"
            description="Every cookie and browser-storage key Candor CRM uses, why, for how long, and how to choose which you allow."
            path="/cookies"
        />
        <article class="page page--narrow policy" aria-labelledby="cookies-title">
            <h1 id="cookies-title">"Cookie policy"</h1>
            <p>
                "Cookies are small files a website stores in your browser; local storage is a similar place that only the site's own scripts can read. "
                "This page lists every cookie and storage key this site uses, generated from the same list our software checks, so it cannot fall out of date."
            </p>
            <h2 id="categories">"What we use, by category"</h2>
            {Category::ALL.into_iter().map(|category| view! { <CategorySection category/> }).collect_view()}
            <h2 id="choices">"Your choices"</h2>
            <p>
                <CookieSettingsLink label="Change your cookie settings" class="button"/>
            </p>
            <p>
                "Strictly necessary items are always on. Anything in another category is used only after you allow it, and you can change your mind at any time; "
                "when you withdraw, the items of that category are deleted. A Global Privacy Control signal from your browser is honoured as a refusal of marketing."
            </p>
            <p>
                "You can also delete cookies and site data in your browser's settings. Questions: "
                <a href=format!("mailto:{PRIVACY_EMAIL}")>{PRIVACY_EMAIL}</a>
                ". How we handle personal data in general is in our "
                <a href="/privacy">"privacy policy"</a>"."
            </p>
            <p class="cookies__revision">
                "Revision of this policy: "<time datetime=revision_date()>{REVISION}</time>
                ". When it changes, we ask for your choice again."
            </p>
        </article>
    }
}

#[component]
fn CategorySection(category: Category) -> impl IntoView {
    let items: Vec<&'static StorageItem> = items_in(category).collect();
    let heading_id = format!("category-{}", category.key());
    let labelled_by = heading_id.clone();
    view! {
        <section class="cookies__category" aria-labelledby=labelled_by>
            <h3 id=heading_id>{category.title()}</h3>
            <p>{category.purpose()}</p>
            {if items.is_empty() {
                view! { <p class="cookies__empty">"We use nothing in this category."</p> }.into_any()
            } else {
                view! { <StorageTable category items/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn StorageTable(category: Category, items: Vec<&'static StorageItem>) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-label=format!("{} cookies and storage", category.title()) tabindex="0">
            <table class="cookies__table" data-category=category.key()>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Purpose"</th>
                        <th scope="col">"Lifetime"</th>
                        <th scope="col">"Set by"</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| view! {
                        <tr>
                            <th scope="row"><code>{item.name}</code></th>
                            <td>{item.kind.label()}</td>
                            <td>{item.purpose}</td>
                            <td>{item.lifetime}</td>
                            <td>{item.party.label()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

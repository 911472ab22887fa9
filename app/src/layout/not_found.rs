use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Shown for every address that is not a page, with HTTP status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    crm_core::error::AppError::NotFound.set_response_status();
    view! {
        <Title text="Page not found"/>
        <Meta name="robots" content="noindex"/>
        <section class="page page--narrow">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p><a class="button" href="/">"Go to the home page"</a></p>
        </section>
    }
}

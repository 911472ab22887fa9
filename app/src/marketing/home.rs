use leptos::prelude::*;

use crm_core::product::PRODUCT_NAME;

use crate::layout::PageMeta;

/// `/`: what the CRM does for a small team, and the way to a demo.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageMeta
            title="The privacy-first CRM for small teams"
            description="Candor CRM keeps your contacts, pipeline and follow-ups in one fast place, and keeps every promise it makes about personal data."
            path="/"
        />
        <section class="hero" aria-labelledby="hero-title">
            <div class="hero__text">
                <h1 id="hero-title">"The CRM that keeps its promises"</h1>
                <p class="hero__lead">
                    {PRODUCT_NAME}
                    " gives a small team one fast place for contacts, deals and follow-ups, and treats the people in it the way you would want to be treated: consent recorded, requests answered, nothing kept without a reason."
                </p>
                <p class="hero__actions">
                    <a class="button" href="/demo">"Request a demo"</a>
                    <a class="button button--quiet" href="/privacy">"Read our privacy policy"</a>
                </p>
            </div>
            <PipelineIllustration/>
        </section>
        <section id="features" class="features" aria-labelledby="features-title">
            <h2 id="features-title">"What your team gets"</h2>
            <ul class="features__list">
                <Feature title="Contacts that stay current" icon=Icon::Contacts>
                    "People and companies with every e-mail, phone and address in one record, searchable in milliseconds even at a hundred thousand contacts."
                </Feature>
                <Feature title="A pipeline you can see" icon=Icon::Pipeline>
                    "Opportunities on a board by stage, moved with the mouse or the keyboard, with the value of each stage at a glance."
                </Feature>
                <Feature title="Import in seconds" icon=Icon::Import>
                    "Bring your contacts from CSV or vCard. Invalid rows are reported, never silently dropped, and people who asked to be forgotten stay forgotten."
                </Feature>
                <Feature title="Privacy by design" icon=Icon::Shield>
                    "Lawful basis and marketing permission on every person, one-click unsubscribe, and access, correction and deletion requests that really work."
                </Feature>
            </ul>
        </section>
        <section class="cta" aria-labelledby="cta-title">
            <h2 id="cta-title">"See it with your own data"</h2>
            <p>"A product specialist will walk your team through it in thirty minutes."</p>
            <p><a class="button" href="/demo">"Request a demo"</a></p>
        </section>
    }
}

#[derive(Clone, Copy)]
enum Icon {
    Contacts,
    Pipeline,
    Import,
    Shield,
}

#[component]
fn Feature(title: &'static str, icon: Icon, children: Children) -> impl IntoView {
    let path = match icon {
        Icon::Contacts => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8a7 7 0 0 1 14 0",
        Icon::Pipeline => "M4 6h16M4 12h10M4 18h5",
        Icon::Import => "M12 4v11m0 0-4-4m4 4 4-4M5 20h14",
        Icon::Shield => "M12 3 5 6v5c0 4.5 3 8 7 10 4-2 7-5.5 7-10V6l-7-3z",
    };
    view! {
        <li class="feature">
            <svg class="feature__icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
                <path d=path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"></path>
            </svg>
            <h3>{title}</h3>
            <p>{children()}</p>
        </li>
    }
}

/// A small picture of a pipeline board; its meaning is given in the alt text.
#[component]
fn PipelineIllustration() -> impl IntoView {
    view! {
        <svg class="hero__art" viewBox="0 0 320 220" role="img" aria-labelledby="hero-art-title" focusable="false">
            <title id="hero-art-title">"A pipeline board with deals moving from Lead through Proposal to Won"</title>
            <rect x="0" y="0" width="320" height="220" rx="16" class="hero__art-bg"></rect>
            <g class="hero__art-col">
                <rect x="16" y="20" width="88" height="180" rx="10"></rect>
                <rect x="116" y="20" width="88" height="180" rx="10"></rect>
                <rect x="216" y="20" width="88" height="180" rx="10"></rect>
            </g>
            <g class="hero__art-card">
                <rect x="26" y="40" width="68" height="34" rx="6"></rect>
                <rect x="26" y="84" width="68" height="34" rx="6"></rect>
                <rect x="126" y="40" width="68" height="34" rx="6"></rect>
                <rect x="226" y="40" width="68" height="34" rx="6" class="hero__art-won"></rect>
            </g>
        </svg>
    }
}

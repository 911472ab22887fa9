//! The browser entry point: hydrates the HTML that the server rendered.

// The app's view types nest deeply; the optimised WASM build computes their layout past the
// default depth of 128.
#![recursion_limit = "256"]

/// Called by the hydration script that the server renders into every page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: a lazily loaded page's chunks (app/src/routes.rs) arrive before its HTML is hydrated.
    leptos::mount::hydrate_lazy(app::App);
}

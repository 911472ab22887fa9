//! Who is logged in, for the page's frame: read from the request's session on the server and
//! carried to the browser with the page, like the consent state.

use leptos::prelude::*;

use crm_core::accounts::Viewer;

#[derive(Clone, Copy)]
struct ViewerContext(Signal<Option<Viewer>>);

fn viewer_for_request() -> Option<Viewer> {
    #[cfg(feature = "ssr")]
    {
        crate::member::current_session().map(|session| session.viewer)
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Reads the viewer once for the page (call in the app's root).
pub fn provide_viewer() {
    let viewer = SharedValue::new(viewer_for_request).into_inner();
    provide_context(ViewerContext(Signal::stored(viewer)));
}

/// The logged-in member, if any.
pub fn use_viewer() -> Signal<Option<Viewer>> {
    use_context::<ViewerContext>().map_or_else(|| Signal::stored(None), |context| context.0)
}

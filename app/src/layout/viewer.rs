//! Who is logged in, for the page's frame: read from the request's session on the server and
//! carried to the browser with the page, like the consent state. Their clock (time zone and
//! language) writes every time the pages show; a profile saved in the page sets it anew.

use leptos::prelude::*;

use crm_core::accounts::Viewer;
use crm_core::time::Wallclock;

#[derive(Clone, Copy)]
struct ViewerContext(RwSignal<Option<Viewer>>);

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
    provide_context(ViewerContext(RwSignal::new(viewer)));
}

/// The logged-in member, if any.
pub fn use_viewer() -> Signal<Option<Viewer>> {
    use_context::<ViewerContext>().map_or_else(|| Signal::stored(None), |context| context.0.into())
}

/// How times and dates are written for the member: their zone and language (UTC and UK English
/// for a visitor). Read when a page is drawn.
pub fn use_clock() -> Wallclock {
    use_viewer().with_untracked(|viewer| {
        viewer
            .as_ref()
            .map(|viewer| viewer.clock.clone())
            .unwrap_or_default()
    })
}

/// Sets the member's clock after they saved their profile: the pages drawn from then on use it.
/// (Taken while the component is set up, for use once the save has answered.)
pub fn clock_setter() -> impl Fn(Wallclock) + Copy + 'static {
    let context = use_context::<ViewerContext>();
    move |clock| {
        if let Some(context) = context {
            context.0.update(|viewer| {
                if let Some(viewer) = viewer.as_mut() {
                    viewer.clock = clock;
                }
            });
        }
    }
}

/// The browser's own time zone by its IANA name ("Europe/London"), from `Intl`; `None` on the
/// server and where the browser does not say.
pub fn browser_time_zone() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::js_sys::{Array, Intl, Object, Reflect};
        let options = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
        Reflect::get(&options, &"timeZone".into())
            .ok()?
            .as_string()
            .filter(|zone| !zone.is_empty())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// The browser's languages in order ("en-US,en"), as `Accept-Language` lists them; `None` on
/// the server.
pub fn browser_languages() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let languages = web_sys::window()?.navigator().languages();
        let tags: Vec<String> = languages.iter().filter_map(|tag| tag.as_string()).collect();
        (!tags.is_empty()).then(|| tags.join(","))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

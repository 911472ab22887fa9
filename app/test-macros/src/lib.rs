//! `#[backend_test]`: one test per database backend, each named for the backend it ran on.
//!
//! ```ignore
//! #[backend_test]
//! async fn a_person_added_with_the_form_has_a_page(app: TestApp) { ... }
//! ```
//!
//! keeps the function as written and adds two tests beside it,
//! `a_person_added_with_the_form_has_a_page_sqlite` and `..._postgres`. Each builds its fixture
//! with the argument type's `sqlite()` (which returns the fixture) or `postgres()` (which returns
//! `None`, after saying so, when no PostgreSQL is configured), and runs the function on it. A
//! failure on one backend never hides the other, and the failing test's name says which it was.
//!
//! Arguments:
//! - `flavor = "multi_thread", worker_threads = 4` (anything `#[tokio::test]` takes) go to
//!   `#[tokio::test]`;
//! - `runtime = path::to::run` makes plain `#[test]`s that hand the test's future to
//!   `run(future)`, for tests that build their own runtime.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::{format_ident, quote};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, FnArg, ItemFn, Meta, Pat, Token};

#[proc_macro_attribute]
pub fn backend_test(args: TokenStream, item: TokenStream) -> TokenStream {
    match expand(args.into(), item.into()) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

fn expand(
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> syn::Result<proc_macro2::TokenStream> {
    let function: ItemFn = syn::parse2(item)?;
    let name = &function.sig.ident;
    if function.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            &function.sig,
            "#[backend_test] takes an async fn",
        ));
    }
    let mut inputs = function.sig.inputs.iter();
    let (Some(FnArg::Typed(argument)), None) = (inputs.next(), inputs.next()) else {
        return Err(syn::Error::new_spanned(
            &function.sig.inputs,
            "#[backend_test] takes an async fn with one argument, the fixture (`app: TestApp`)",
        ));
    };
    if !matches!(*argument.pat, Pat::Ident(_)) {
        return Err(syn::Error::new_spanned(
            &argument.pat,
            "the fixture is a plain name",
        ));
    }
    let fixture = &argument.ty;

    let mut runtime: Option<Expr> = None;
    let mut tokio_args = Vec::new();
    for meta in Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)? {
        match &meta {
            Meta::NameValue(pair) if pair.path.is_ident("runtime") => {
                runtime = Some(pair.value.clone());
            }
            _ => tokio_args.push(meta),
        }
    }
    if runtime.is_some() && !tokio_args.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "`runtime = ...` builds its own runtime: it takes no #[tokio::test] arguments",
        ));
    }

    let sqlite = format_ident!("{name}_sqlite");
    let postgres = format_ident!("{name}_postgres");
    let on_sqlite = quote! { #name(<#fixture>::sqlite().await).await };
    let on_postgres = quote! {
        if let Some(fixture) = <#fixture>::postgres().await {
            #name(fixture).await
        }
    };
    let tests = match runtime {
        Some(run) => quote! {
            #[test]
            fn #sqlite() {
                #run(async { #on_sqlite })
            }
            #[test]
            fn #postgres() {
                #run(async { #on_postgres })
            }
        },
        None => {
            let attribute = if tokio_args.is_empty() {
                quote! { #[::tokio::test] }
            } else {
                quote! { #[::tokio::test(#(#tokio_args),*)] }
            };
            quote! {
            #attribute
            async fn #sqlite() {
                #on_sqlite
            }
            #attribute
            async fn #postgres() {
                #on_postgres
            }
            }
        }
    };
    Ok(quote! {
        #function
        #tests
    })
}

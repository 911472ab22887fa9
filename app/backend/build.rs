//! The migrations are embedded in the binary by `sqlx::migrate!`, which on stable Rust cannot tell
//! cargo to watch them: this does, so that a changed or added migration is never left out.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

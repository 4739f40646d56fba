// #[traced_async()]
// fn plain () -> u32 { 1 }
//
// expands to:

::core::compile_error! { "#[traced_async] goes on an `async fn`: write `async fn plain` (and if another attribute made it a plain fn, put #[traced_async] above that attribute)" }
fn plain() -> u32 {
    1
}

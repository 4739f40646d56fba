// #[traced_async(colour = "red")]
// async fn f () { }
//
// expands to:

::core::compile_error! { "unknown argument `colour`: #[traced_async] takes `name = \"...\"`, `crate = path::to::traced_async` and `timing = false`" }
async fn f() {}

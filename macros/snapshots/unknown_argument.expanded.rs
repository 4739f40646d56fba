// #[traced_async(colour = "red")]
// async fn f () { }
//
// expands to:

::core::compile_error! { "unknown argument `colour`: #[traced_async] takes `name = \"...\"`, `crate = path::to::traced_async`, `timing = false`, and for its `tracing` span `level = \"debug\"`, `fields(key = value, ..)`, `skip(arg, ..)`, `skip_all`, `ret` and `err`" }
async fn f() {}
